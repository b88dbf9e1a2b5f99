package io.shardview.circuit.operator;

import static io.shardview.circuit.operator.Deltas.delete;
import static io.shardview.circuit.operator.Deltas.insert;
import static io.shardview.circuit.operator.Deltas.none;
import static io.shardview.circuit.operator.Deltas.of;
import static io.shardview.circuit.operator.Deltas.step;
import static io.shardview.circuit.operator.Deltas.w;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardview.circuit.pg.FixedChar;
import org.junit.jupiter.api.Test;

class DistinctTest {
    @Test
    void aRowLeavesOnlyWhenItsLastCopyIsRetracted() {
        Distinct distinct = new Distinct(false);
        assertEquals(insert("a"), step(distinct, of(w("a", 3))));
        assertEquals(none(), step(distinct, of(w("a", -2))));
        assertEquals(delete("a"), step(distinct, delete("a")));
        assertEquals(insert("a"), step(distinct, insert("a")));
    }

    @Test
    void nullsAreOneDistinctValue() {
        Distinct distinct = new Distinct(false);
        assertEquals(insert((Object) null), step(distinct, of(w(null, 1), w(null, 1))));
    }

    @Test
    void paddingsOfOneValueAreOneRowShownWithTheFewestBlanksPresent() {
        FixedChar a3 = new FixedChar("a", 3);
        FixedChar a1 = new FixedChar("a", 1);
        Distinct distinct = new Distinct(true);
        assertEquals(insert(a3), step(distinct, insert(a3)));
        assertEquals(of(w(a3, -1), w(a1, 1)), step(distinct, insert(a1)), "'a' has fewer blanks than 'a  '");
        assertEquals(none(), step(distinct, insert(a3)));
        assertEquals(of(w(a1, -1), w(a3, 1)), step(distinct, delete(a1)), "only 'a  ' is left");
        assertEquals(none(), step(distinct, delete(a3)));
        assertEquals(delete(a3), step(distinct, delete(a3)));
    }
}
