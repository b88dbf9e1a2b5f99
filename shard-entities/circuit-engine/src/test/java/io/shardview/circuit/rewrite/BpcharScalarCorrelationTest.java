package io.shardview.circuit.rewrite;

import static io.shardview.circuit.TestCircuits.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.TestCircuits;
import io.shardview.circuit.batch.Op;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A scalar subquery correlated by a CHAR(3) of its own against the outer row's VARCHAR, compared again with that
 * VARCHAR outside it: the correlation compares as bpchar ('a  ' = 'a '), the outer comparison as text ('a' <> 'a '),
 * so the outer 'a ' finds MIN 'a' and is not equal to it. Calcite pushes the outer comparison into the subquery, and
 * its decorrelator put the inner CHAR's value in place of the outer one there (SQL revision 9 keeps the equality from
 * it). Found by DifferentialTest (seed 5381133735709). Expected rows read from PostgreSQL 15 on the same data.
 */
class BpcharScalarCorrelationTest {
    private static final List<String> VIEWS = List.of("w", "s");

    @Test
    void theOuterVarcharIsComparedItselfNotTheInnerCharItEqualsAsBpchar() {
        Circuit c = TestCircuits.circuit("CREATE TABLE b (id INT PRIMARY KEY, w VARCHAR, ch CHAR(3));"
                + "CREATE TABLE a (id INT PRIMARY KEY, v VARCHAR);"
                + "CREATE VIEW w AS SELECT id FROM a WHERE (SELECT MIN(b.w) FROM b WHERE b.ch = a.v) = a.v;"
                + "CREATE VIEW s AS SELECT id, (SELECT MIN(b.w) FROM b WHERE b.ch = a.v) AS m FROM a");
        TestCircuits.applyAndCheck(
                c,
                VIEWS,
                Op.insert("b", row("id", 1, "w", "a", "ch", "a")),
                Op.insert("b", row("id", 2, "w", "c ", "ch", "c")),
                Op.insert("a", row("id", 1, "v", "a")),
                Op.insert("a", row("id", 2, "v", "a ")),
                Op.insert("a", row("id", 3, "v", "b")),
                Op.insert("a", row("id", 4, "v", "c")),
                Op.insert("a", row("id", 5, "v", "c ")));
        assertEquals("1 5 | 1:a 2:a 3:- 4:c  5:c ", TestCircuits.shown(c, VIEWS));
        TestCircuits.applyAndCheck(c, VIEWS, Op.insert("b", row("id", 3, "w", "a ", "ch", "a ")));
        assertEquals("1 5 | 1:a 2:a 3:- 4:c  5:c ", TestCircuits.shown(c, VIEWS)); // MIN('a', 'a ') is 'a'
        TestCircuits.deleteKey(c, "b", "id", 1);
        assertEquals("2 5 | 1:a  2:a  3:- 4:c  5:c ", TestCircuits.shown(c, VIEWS));
    }
}
