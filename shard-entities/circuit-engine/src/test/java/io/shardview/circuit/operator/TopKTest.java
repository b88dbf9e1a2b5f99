package io.shardview.circuit.operator;

import static io.shardview.circuit.operator.Deltas.delete;
import static io.shardview.circuit.operator.Deltas.insert;
import static io.shardview.circuit.operator.Deltas.none;
import static io.shardview.circuit.operator.Deltas.of;
import static io.shardview.circuit.operator.Deltas.step;
import static io.shardview.circuit.operator.Deltas.w;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardview.circuit.data.Row;
import io.shardview.circuit.pg.Values;
import org.junit.jupiter.api.Test;

class TopKTest {
    private static TopK top2() {
        return new TopK((a, b) -> Values.compare(a.get(0), b.get(0)), 0, 2);
    }

    @Test
    void aRowLeavingTheTopLetsTheNextOneIn() {
        TopK top = top2();
        assertEquals(of(w(1L, 1), w(2L, 1)), step(top, of(w(1L, 1), w(2L, 1), w(3L, 1))));
        assertEquals(of(w(1L, -1), w(3L, 1)), step(top, delete(1L)));
    }

    @Test
    void aRowReenteringTheTopPushesTheLastOneOut() {
        TopK top = top2();
        step(top, of(w(2L, 1), w(3L, 1), w(4L, 1)));
        assertEquals(of(w(1L, 1), w(3L, -1)), step(top, insert(1L)));
    }

    @Test
    void rowsBelowAFullWindowChangeNothing() {
        TopK top = top2();
        step(top, of(w(1L, 1), w(2L, 1)));
        assertEquals(none(), step(top, of(w(5L, 1), w(6L, 1))));
        assertEquals(none(), step(top, delete(5L)));
    }

    @Test
    void duplicatesCountAsSeparateRowsAndNullsSortLast() {
        TopK top = top2();
        assertEquals(of(w(7L, 2)), step(top, of(w(7L, 2), w(null, 1))));
        assertEquals(of(w(7L, -1), w(null, 1)), step(top, delete(7L)));
    }

    @Test
    void offsetSkipsTheFirstRows() {
        TopK top = new TopK((a, b) -> Values.compare(a.get(0), b.get(0)), 1, 1);
        assertEquals(insert(2L), step(top, of(w(1L, 1), w(2L, 1), w(3L, 1))));
        assertEquals(of(w(2L, -1), w(3L, 1)), step(top, delete(Row.of(1L).get(0))));
    }
}
