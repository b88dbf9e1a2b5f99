package io.shardview.circuit.operator;

import static io.shardview.circuit.operator.Deltas.delete;
import static io.shardview.circuit.operator.Deltas.insert;
import static io.shardview.circuit.operator.Deltas.none;
import static io.shardview.circuit.operator.Deltas.of;
import static io.shardview.circuit.operator.Deltas.step;
import static io.shardview.circuit.operator.Deltas.w;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DistinctTest {
    @Test
    void aRowLeavesOnlyWhenItsLastCopyIsRetracted() {
        Distinct distinct = new Distinct();
        assertEquals(insert("a"), step(distinct, of(w("a", 3))));
        assertEquals(none(), step(distinct, of(w("a", -2))));
        assertEquals(delete("a"), step(distinct, delete("a")));
        assertEquals(insert("a"), step(distinct, insert("a")));
    }

    @Test
    void nullsAreOneDistinctValue() {
        Distinct distinct = new Distinct();
        assertEquals(insert((Object) null), step(distinct, of(w(null, 1), w(null, 1))));
    }
}
