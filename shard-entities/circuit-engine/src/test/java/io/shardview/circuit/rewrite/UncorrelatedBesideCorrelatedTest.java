package io.shardview.circuit.rewrite;

import static io.shardview.circuit.TestCircuits.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.TestCircuits;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.data.Row;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An uncorrelated subquery with an aggregate in a view that also has a correlated one: Calcite's
 * decorrelator turned the uncorrelated `SELECT DISTINCT TRUE FROM u` of an EXISTS, or a GROUP BY of a
 * constant, into one constant row, TRUE even while u was empty. Expected contents checked in PostgreSQL 15.
 */
class UncorrelatedBesideCorrelatedTest {
    private static final String SCHEMA =
            "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR); CREATE TABLE u (id INT PRIMARY KEY, v VARCHAR);"
                    + "CREATE VIEW cased AS SELECT id, CASE WHEN EXISTS (SELECT 1 FROM u WHERE u.v = t.v) THEN 2"
                    + " WHEN EXISTS (SELECT 1 FROM u) THEN 1 ELSE 0 END AS f FROM t;"
                    + "CREATE VIEW ored AS SELECT id FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.v = t.v) OR EXISTS (SELECT 1 FROM u);"
                    + "CREATE VIEW grouped AS SELECT * FROM (SELECT 2 AS k FROM u GROUP BY 1) x WHERE EXISTS (SELECT 1 FROM t WHERE t.id = x.k);"
                    + "CREATE VIEW scalar AS SELECT id, (SELECT MAX(v) FROM u WHERE u.v = t.v) AS m, EXISTS (SELECT 1 FROM u) AS e FROM t";

    private static void apply(Circuit c, Op... ops) {
        TestCircuits.applyAndCheck(c, List.of("cased", "ored", "grouped", "scalar"), ops);
    }

    private static String show(Circuit c, String view) {
        return TestCircuits.rows(c, view).stream()
                .map(Row::toString)
                .sorted()
                .toList()
                .toString();
    }

    @Test
    void anEmptySubqueryTableMakesTheUncorrelatedExistsFalse() {
        Circuit c = TestCircuits.circuit(SCHEMA);
        apply(c, Op.insert("t", row("id", 1, "v", null)), Op.insert("t", row("id", 2, "v", "a")));
        assertEquals("[[1, 0], [2, 0]]", show(c, "cased"));
        assertEquals("[]", show(c, "ored"));
        assertEquals("[]", show(c, "grouped"));
        assertEquals("[[1, null, false], [2, null, false]]", show(c, "scalar"));

        apply(c, Op.insert("u", row("id", 5, "v", "b")));
        assertEquals("[[1, 1], [2, 1]]", show(c, "cased"));
        assertEquals("[[1], [2]]", show(c, "ored"));
        assertEquals("[[2]]", show(c, "grouped"));
        assertEquals("[[1, null, true], [2, null, true]]", show(c, "scalar"));

        apply(c, Op.insert("u", row("id", 6, "v", "a")));
        assertEquals("[[1, 1], [2, 2]]", show(c, "cased"));
        assertEquals("[[1, null, true], [2, a, true]]", show(c, "scalar"));

        apply(c, Op.deleteKey("u", Map.of("id", 5)), Op.deleteKey("u", Map.of("id", 6)));
        assertEquals("[[1, 0], [2, 0]]", show(c, "cased"));
        assertEquals("[]", show(c, "ored"));
        assertEquals("[]", show(c, "grouped"));
        assertEquals("[[1, null, false], [2, null, false]]", show(c, "scalar"));
    }
}
