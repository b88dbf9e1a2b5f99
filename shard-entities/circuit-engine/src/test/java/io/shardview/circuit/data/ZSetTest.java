package io.shardview.circuit.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ZSetTest {
    @Test
    void randomAddsAgreeWithAMapAndDropRowsWhoseWeightReachesZero() {
        Random rnd = new Random(7);
        for (int expected : new int[] {0, 1, 1000}) {
            ZSet z = new ZSet(expected);
            Map<Row, Long> model = new HashMap<>();
            for (int i = 0; i < 100_000; i++) {
                Row r = Row.of((long) rnd.nextInt(rnd.nextBoolean() ? 8 : 2000), i % 3 == 0 ? null : "x");
                long w = rnd.nextInt(5) - 2;
                z.add(r, w);
                model.merge(r, w, (a, b) -> a + b == 0 ? null : a + b);
                model.remove(r, 0L);
                if (i % 101 == 0) assertEquals(model.getOrDefault(r, 0L), z.weight(r));
            }
            assertEquals(model.size(), z.size());
            assertEquals(model, z.entries());
            Map<Row, Long> seen = new HashMap<>();
            z.forEach(seen::put);
            assertEquals(model, seen);
        }
    }

    @Test
    void iteratesInInsertionOrderAcrossRemovalsAndGrowth() {
        ZSet z = new ZSet();
        LinkedHashMap<Row, Long> model = new LinkedHashMap<>();
        for (long i = 0; i < 5000; i++) {
            z.add(Row.of(i), 1);
            model.put(Row.of(i), 1L);
            if (i % 3 == 0) {
                z.add(Row.of(i / 2), -1); // removes an earlier row, if still there
                if (model.remove(Row.of(i / 2)) == null) model.put(Row.of(i / 2), -1L);
            }
        }
        List<Row> order = new ArrayList<>();
        z.forEach((r, w) -> order.add(r));
        assertEquals(new ArrayList<>(model.keySet()), order);
        assertEquals(
                new ArrayList<>(model.keySet()), new ArrayList<>(z.entries().keySet()));
    }

    @Test
    void equalZSetsAreEqualWhateverTheirHistory() {
        ZSet a = new ZSet();
        ZSet b = new ZSet(100);
        for (long i = 0; i < 100; i++) {
            a.add(Row.of(i), 2);
            b.add(Row.of(99 - i), 3);
            b.add(Row.of(99 - i), -1);
        }
        b.add(Row.of("gone"), 1);
        b.add(Row.of("gone"), -1);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertTrue(a.negate().weight(Row.of(5L)) == -2);
        ZSet sum = new ZSet(1);
        sum.addAll(a);
        sum.addScaled(b, -1);
        assertTrue(sum.isEmpty());
    }
}
