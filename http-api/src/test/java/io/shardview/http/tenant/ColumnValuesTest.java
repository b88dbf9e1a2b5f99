package io.shardview.http.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An op's column values behave as the map a JSON object reads into, however many columns it has. */
class ColumnValuesTest {
    @Test
    void aLaterValueOfANameReplacesTheEarlierAndTheOrderIsAsWritten() {
        for (int columns : new int[] {2, 3, ColumnValues.SCANNED, ColumnValues.SCANNED + 1, 40}) {
            ColumnValues values = new ColumnValues();
            Map<String, Object> expected = new LinkedHashMap<>();
            for (int i = 0; i < columns; i++) {
                values.set("c" + i, (long) i);
                expected.put("c" + i, (long) i);
            }
            values.set("c0", null); // written twice: the last value counts, in its first place
            expected.put("c0", null);
            assertEquals(expected, values);
            assertEquals(values, expected);
            assertEquals(expected.hashCode(), values.hashCode());
            assertEquals(columns, values.size());
            assertTrue(values.containsKey("c0"), "a NULL value is there");
            assertNull(values.get("c0"));
            assertEquals((long) columns - 1, values.get("c" + (columns - 1)));
            assertFalse(values.containsKey("absent"));
            List<String> order = new ArrayList<>();
            values.forEach((name, value) -> order.add(name));
            assertEquals(new ArrayList<>(expected.keySet()), order);
            assertThrows(UnsupportedOperationException.class, () -> values.put("x", 1L), "read-only once read");
        }
    }
}
