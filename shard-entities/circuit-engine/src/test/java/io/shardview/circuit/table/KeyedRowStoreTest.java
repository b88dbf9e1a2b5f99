package io.shardview.circuit.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void rowsChangedOverAndOverTakeBoundedPagesAndStayFindable() {
        KeyedRowStore store = new KeyedRowStore(new int[] {0}, 3);
        for (int round = 0; round < 200; round++) {
            for (long k = 0; k < 2_000; k++) store.put(Row.of(k, "customer " + (k % 37), round * 1_000L + k));
        }
        assertEquals(2_000, store.size());
        for (long k = 0; k < 2_000; k++)
            assertEquals(Row.of(k, "customer " + (k % 37), 199_000L + k), store.get(Row.of(k)));
        // 400,000 puts of rows of ~30 bytes, 2,000 of them live: garbage pages are compacted away.
        long live = store.bytes();
        assertTrue(store.pageBytes() < 4 * live + (1 << 18), store.pageBytes() + " bytes of pages for " + live);
    }

    @Test
    void packedRowsTakenBeforeChangesAreTheRowsAsTheyWereThen() {
        KeyedRowStore store = new KeyedRowStore(new int[] {0}, 2);
        Map<Long, Row> then = new HashMap<>();
        for (long k = 0; k < 100_000; k++) {
            Row row = Row.of(k, "v" + k);
            store.put(row);
            then.put(k, row);
        }
        PackedRows image = store.packedRows(); // slots in several chunks
        assertTrue(store.slotCount() > 2 * PackedRows.CHUNK, store.slotCount() + " slots");
        for (long k = 0; k < 100_000; k++) {
            if (k % 3 == 0) store.remove(Row.of(k));
            else store.put(Row.of(k, "changed " + k)); // garbage, compactions: the image's pages stay as they were
        }
        for (long k = 100_000; k < 180_000; k++) store.put(Row.of(k, "new"));
        Map<Long, Row> read = new HashMap<>();
        image.forEach((array, offset, length) -> {
            Row row = io.shardview.circuit.data.RowBytes.decode(
                    java.util.Arrays.copyOfRange(array, offset, offset + length), 2);
            read.put((Long) row.get(0), row);
        });
        assertEquals(100_000, image.count());
        assertEquals(then, read);
    }

    @Test
    void longRowsAndRowsRestoredFromAnImageSurviveCompactions() {
        Random rnd = new Random(7);
        KeyedRowStore store = new KeyedRowStore(new int[] {1}, 2);
        Map<Row, Row> expected = new HashMap<>();
        for (int i = 0; i < 60_000; i++) {
            Row key = Row.of("k" + rnd.nextInt(500));
            if (rnd.nextInt(4) == 0) {
                store.remove(key);
                expected.remove(key);
            } else {
                Row row = Row.of("x".repeat(rnd.nextInt(400)), key.get(0)); // lengths either side of 128 bytes
                store.put(row);
                expected.put(key, row);
            }
        }
        // A snapshot's rows loaded into a new store, then changed over again: its pages compact as the first's did.
        KeyedRowStore restored = new KeyedRowStore(new int[] {1}, 2);
        restored.reserve(store.size());
        store.packedRows()
                .forEach((array, offset, length) ->
                        restored.putPacked(java.util.Arrays.copyOfRange(array, offset, offset + length)));
        for (int i = 0; i < 60_000; i++) {
            Row key = Row.of("k" + rnd.nextInt(500));
            Row row = Row.of("y".repeat(rnd.nextInt(300)), key.get(0));
            restored.put(row);
            expected.put(key, row);
        }
        assertEquals(expected.size(), restored.size());
        for (Map.Entry<Row, Row> e : expected.entrySet()) assertEquals(e.getValue(), restored.get(e.getKey()));
        long live = restored.bytes();
        assertTrue(restored.pageBytes() < 4 * live + (1 << 19), restored.pageBytes() + " bytes of pages for " + live);
    }
}
