package io.shardview.metrics.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SeriesRegistryTest {

    @Test
    void sameLabelsGetTheSameIdAndNewLabelsTheNext() {
        SeriesRegistry r = new SeriesRegistry();
        int a = r.getOrCreate(Labels.of("__name__", "x", "i", "1"));
        int b = r.getOrCreate(Labels.of("__name__", "x", "i", "2"));
        assertEquals(a, r.getOrCreate(Labels.of("i", "1", "__name__", "x")));
        assertEquals(a + 1, b);
        assertEquals(2, r.activeSeries());
        assertEquals(Labels.of("__name__", "x", "i", "2"), r.labels(b));
    }

    @Test
    void removedIdsAreNeverReused() {
        SeriesRegistry r = new SeriesRegistry();
        Labels l = Labels.of("__name__", "x");
        int a = r.getOrCreate(l);
        r.remove(a);
        assertNull(r.labels(a));
        assertEquals(-1, r.idOf(l));
        assertEquals(0, r.activeSeries());
        assertEquals(a + 1, r.getOrCreate(l));
    }

    @Test
    void restoreKeepsIdsAndRefusesOutOfOrderIds() {
        SeriesRegistry r = new SeriesRegistry();
        r.restore(5, Labels.of("a", "1"));
        r.restore(9, Labels.of("a", "2"));
        assertEquals(10, r.getOrCreate(Labels.of("a", "3")));
        assertEquals(Postings.of(5, 9, 10), r.index().all());
        assertThrows(IllegalArgumentException.class, () -> r.restore(7, Labels.of("a", "4")));
    }
}
