package io.shardview.circuit.rewrite;

import static io.shardview.circuit.TestCircuits.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.TestCircuits;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.operator.RangeSemiJoin;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A row's value compared in WHERE with an uncorrelated scalar subquery (an aggregate without GROUP BY:
 * AVG, MAX, MIN over numbers or strings) is a {@link RangeSemiJoin} of the rows with the aggregate's one row, and
 * with a subquery correlated by '=' of numbers one with the aggregate's row of the row's group: as the aggregate
 * moves, only the rows between its old and new value change; a NULL aggregate (an empty table or group) matches
 * nothing. Correlated by strings, and a written join with a grouped subquery, beside them. Every expected result
 * was read from PostgreSQL 15 on the same data and changes.
 */
class ScalarSubqueryComparisonTest {
    private static final Map<String, String> VIEWS = Map.of(
            "v1", "SELECT id FROM t WHERE n > (SELECT AVG(y) FROM u)",
            "v2", "SELECT id FROM t WHERE n <= (SELECT MAX(y) FROM u WHERE w <> 'q') AND id < 10",
            "v3", "SELECT id FROM t WHERE d >= (SELECT MIN(y) FROM u)",
            "v4", "SELECT id FROM t WHERE c < (SELECT MAX(w) FROM u)",
            "v5", "SELECT id FROM t WHERE n > (SELECT MAX(y) FROM u WHERE u.w = t.c)",
            "v6", "SELECT id FROM t WHERE d < (SELECT AVG(y) FROM u WHERE u.id = t.n)",
            "v7", "SELECT t.id FROM t JOIN (SELECT w, MIN(y) AS m FROM u GROUP BY w) g ON g.w = t.c WHERE t.n >= g.m");
    private static final List<String> NAMES = VIEWS.keySet().stream().sorted().toList();

    private static Circuit circuit() {
        StringBuilder ddl = new StringBuilder("CREATE TABLE t (id INT PRIMARY KEY, n INT, c VARCHAR, d NUMERIC);"
                + "CREATE TABLE u (id INT PRIMARY KEY, y INT, w VARCHAR);");
        for (String name : NAMES)
            ddl.append("CREATE VIEW ")
                    .append(name)
                    .append(" AS ")
                    .append(VIEWS.get(name))
                    .append(';');
        Circuit c = TestCircuits.circuit(ddl.toString());
        apply(
                c,
                Op.insert("t", row("id", 1, "n", 1, "c", "a", "d", new BigDecimal("0.5"))),
                Op.insert("t", row("id", 2, "n", 5, "c", "b", "d", new BigDecimal("2"))),
                Op.insert("t", row("id", 3, "c", "zz", "d", new BigDecimal("3.50"))),
                Op.insert("t", row("id", 4, "n", 8)),
                Op.insert("t", row("id", 5, "n", 3, "c", "q", "d", new BigDecimal("1"))),
                Op.insert("t", row("id", 11, "n", 9, "c", "b", "d", new BigDecimal("9"))),
                Op.insert("u", row("id", 1, "y", 2, "w", "b")),
                Op.insert("u", row("id", 2, "y", 4, "w", "q")),
                Op.insert("u", row("id", 3, "w", "zz")),
                Op.insert("u", row("id", 4, "y", 6, "w", "a")));
        return c;
    }

    private static void apply(Circuit c, Op... ops) {
        TestCircuits.applyAndCheck(c, NAMES, ops);
    }

    private static String rows(Circuit c) {
        return TestCircuits.shown(c, NAMES);
    }

    @Test
    void onlyTheRowsBetweenTheOldAndTheNewAggregateChange() throws IOException {
        Circuit c = circuit();
        assertEquals("11 2 4 | 1 2 5 | 11 2 3 | 1 11 2 5 | 11 2 | 1 | 11 2", rows(c));
        apply(
                c,
                Op.insert("u", row("id", 5, "y", 10, "w", "b")),
                Op.update("t", row("id", 1, "n", 4, "c", "a", "d", new BigDecimal("0.5"))));
        assertEquals("11 4 | 1 2 4 5 | 11 2 3 | 1 11 2 5 |  | 1 2 | 11 2", rows(c));
        c = restored(c);
        apply(
                c,
                Op.deleteKey("u", row("id", 1)),
                Op.deleteKey("u", row("id", 4)),
                Op.deleteKey("u", row("id", 5)),
                Op.insert("t", row("id", 6, "n", 4, "c", "q", "d", new BigDecimal("4.0"))));
        assertEquals("11 2 4 |  | 11 6 | 1 11 2 5 6 |  |  | 6", rows(c));
        apply(c, Op.deleteKey("u", row("id", 2)), Op.deleteKey("u", row("id", 3)));
        assertEquals(" |  |  |  |  |  | ", rows(c), "an empty u: every aggregate is NULL");
        apply(c, Op.insert("u", row("id", 7, "y", 0, "w", "c")));
        assertEquals("1 11 2 4 5 6 |  | 1 11 2 3 5 6 | 1 11 2 |  |  | ", rows(c));
    }

    private static Circuit restored(Circuit c) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        c.writeSnapshot(new DataOutputStream(bytes));
        return Circuit.readSnapshot(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    }
}
