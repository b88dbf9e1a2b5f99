package io.shardview.circuit.rewrite;

import static io.shardview.circuit.TestCircuits.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.PostgresMirror;
import io.shardview.circuit.TestCircuits;
import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A correlated subquery comparing an inner column with an outer one and computing with the outer one elsewhere
 * ({@code u.c = a.k AND u.k = CAST(a.k AS BIGINT) + 1}) computes with the outer values only, as PostgreSQL does:
 * Calcite's decorrelator put u.c for a.k there, and u.c + 1 overflowed on a bigint u.c no outer row equals
 * (DifferentialTest, seed 3101138997921). Expected rows read from PostgreSQL 15.
 */
class UnsafeSubstitutionTest {
    @Test
    void theOuterValueIsComputedWithNotTheInnerOneEqualToIt() {
        Circuit c = TestCircuits.circuit(
                "CREATE TABLE u (id INT PRIMARY KEY, k INT, c BIGINT); CREATE TABLE t (id INT PRIMARY KEY, k INT);"
                        + "CREATE VIEW i AS SELECT id FROM t a WHERE a.k IN (SELECT u.c FROM u WHERE u.k = CAST(a.k AS BIGINT) + 1);"
                        + "CREATE VIEW e AS SELECT id, EXISTS (SELECT 1 FROM u WHERE u.c = a.k AND u.k = CAST(a.k AS BIGINT) + 1) AS e FROM t a");
        BatchOutcome o = c.applyBatch(List.of(
                Op.insert("u", row("id", 1, "k", 4, "c", Long.MAX_VALUE)),
                        Op.insert("u", row("id", 2, "k", 4, "c", 3L)),
                Op.insert("u", row("id", 3, "k", 5, "c", 4L)), Op.insert("t", row("id", 1, "k", 3)),
                Op.insert("t", row("id", 2, "k", 4)), Op.insert("t", row("id", 3, "k", Integer.MAX_VALUE))));
        assertInstanceOf(BatchOutcome.Accepted.class, o, o.toString());
        assertEquals(List.of("(1, )", "(2, )"), PostgresMirror.canonical(c.content("i")));
        assertEquals(List.of("(1, true, )", "(2, true, )", "(3, false, )"), PostgresMirror.canonical(c.content("e")));
        assertEquals(c.recompute("i"), c.content("i"));
        assertEquals(c.recompute("e"), c.content("e"));
    }
}
