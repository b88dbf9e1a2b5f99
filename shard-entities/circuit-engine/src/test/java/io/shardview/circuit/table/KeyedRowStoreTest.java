package io.shardview.circuit.table;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardview.circuit.data.Row;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeyedRowStoreTest {
    @Test
    void randomPutsAndRemovesAgreeWithAHashMap() {
        Random rnd = new Random(42);
        KeyedRowStore store = new KeyedRowStore(new int[] {0, 1}, 4);
        Map<Row, Row> expected = new HashMap<>();
        for (int i = 0; i < 200_000; i++) {
            Row key = Row.of((long) rnd.nextInt(300), rnd.nextBoolean() ? "a" : "\u00e9");
            if (rnd.nextInt(3) == 0) {
                store.remove(key);
                expected.remove(key);
            } else {
                Row row = Row.of(
                        key.get(0),
                        key.get(1),
                        rnd.nextBoolean() ? null : rnd.nextDouble(),
                        rnd.nextBoolean() ? new BigDecimal("-12.50") : LocalDate.of(2024, 2, 1 + rnd.nextInt(20)));
                store.put(row);
                expected.put(key, row);
            }
            if (i % 997 == 0) assertEquals(expected.get(key), store.get(key));
        }
        assertEquals(expected.size(), store.size());
        Map<Row, Row> actual = new HashMap<>();
        store.forEach(r -> actual.put(r.project(new int[] {0, 1}), r));
        assertEquals(expected, actual);
    }

    @Test
    void aSlotStaysTheKeysUntilRowsMove() {
        KeyedRowStore store = new KeyedRowStore(new int[] {0}, 2);
        for (long k = 0; k < 10; k++) store.put(Row.of(k, "v" + k));
        int moves = store.moves();
        int slot = store.slotOf(Row.of(3L));
        assertEquals(Row.of(3L, "v3"), store.rowAt(slot));
        store.put(Row.of(4L, "new")); // replacing in place moves nothing
        assertEquals(moves, store.moves());
        store.replaceAt(slot, Row.of(3L, "w3"));
        assertEquals(Row.of(3L, "w3"), store.get(Row.of(3L)));
        assertEquals(-1, store.slotOf(Row.of(99L)));
        store.remove(Row.of(0L));
        org.junit.jupiter.api.Assertions.assertNotEquals(moves, store.moves());
        int grown = store.moves();
        for (long k = 10; k < 40; k++) store.put(Row.of(k, "v" + k));
        org.junit.jupiter.api.Assertions.assertNotEquals(grown, store.moves());
    }
}
