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
 * Correlated subqueries outside a WHERE conjunct comparing a VARCHAR of the subquery with a CHAR(3) of the
 * outer row (as bpchar: 'a' and 'a ' both equal 'a  '): each outer row once, counting every equal row, as
 * PostgreSQL 15 gives them (each step checked there). Decorrelation grouped the subquery by the VARCHAR
 * and the outer row came out once per spelling. And one outer string compared with inner ones of several types.
 */
class BpcharCorrelationTest {
    private static final String SCHEMA =
            "CREATE TABLE t (id INT PRIMARY KEY, c CHAR(3)); CREATE TABLE u (id INT PRIMARY KEY, v VARCHAR);"
                    + "CREATE VIEW w AS SELECT id, EXISTS (SELECT 1 FROM u WHERE u.v = t.c) AS e, (SELECT COUNT(*) FROM u WHERE u.v = t.c) AS n,"
                    + " (SELECT MAX(v) FROM u WHERE u.v = t.c) AS m FROM t;"
                    + "CREATE VIEW o AS SELECT id FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.v = t.c) OR id > 2";

    private static void apply(Circuit c, Op... ops) {
        TestCircuits.applyAndCheck(c, List.of("w", "o"), ops);
    }

    /** Rows of w as [id, e, n, [m]] (m bracketed to show its blanks), by id. */
    private static String show(Circuit c) {
        return TestCircuits.rows(c, "w").stream()
                .map(r -> {
                    Object[] v = r.toArray();
                    return "[" + v[0] + ", " + v[1] + ", " + v[2] + ", [" + v[3] + "]]";
                })
                .sorted()
                .toList()
                .toString();
    }

    @Test
    void eachOuterRowOnceWithEveryEqualSpellingCounted() {
        Circuit c = TestCircuits.circuit(SCHEMA);
        apply(
                c,
                Op.insert("t", row("id", 1, "c", "a")),
                Op.insert("t", row("id", 2, "c", "b")),
                Op.insert("t", row("id", 3, "c", null)),
                Op.insert("u", row("id", 1, "v", "a")),
                Op.insert("u", row("id", 2, "v", "a ")));
        assertEquals("[[1, true, 2, [a ]], [2, false, 0, [null]], [3, false, 0, [null]]]", show(c));
        assertEquals(
                "[[1], [3]]",
                TestCircuits.rows(c, "o").stream()
                        .map(Row::toString)
                        .sorted()
                        .toList()
                        .toString());

        apply(c, Op.insert("u", row("id", 3, "v", "b  ")), Op.insert("u", row("id", 4, "v", "a  ")));
        assertEquals("[[1, true, 3, [a  ]], [2, true, 1, [b  ]], [3, false, 0, [null]]]", show(c));

        apply(c, Op.deleteKey("u", Map.of("id", 1)), Op.deleteKey("u", Map.of("id", 4)));
        assertEquals("[[1, true, 1, [a ]], [2, true, 1, [b  ]], [3, false, 0, [null]]]", show(c));
    }

    /**
     * One outer varchar compared with a CHAR(3) (as bpchar) and with a text (as text): both comparisons hold as
     * written. Decorrelated, the text stood for the varchar in the other one, u.c = u.x, compared as text.
     */
    @Test
    void oneOuterVarcharComparedAsBpcharAndAsTextKeepsBothComparisons() {
        Circuit c = TestCircuits.circuit(
                "CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR); CREATE TABLE u (id INT PRIMARY KEY, c CHAR(3), x TEXT);"
                        + "CREATE VIEW n AS SELECT t.id, (SELECT COUNT(*) FROM u WHERE u.x = t.s AND u.c = t.s) AS n FROM t;"
                        + "CREATE VIEW e AS SELECT t.id FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.x = t.s AND u.c = t.s)");
        List<String> views = List.of("n", "e");
        TestCircuits.applyAndCheck(
                c,
                views,
                Op.insert("t", row("id", 1, "s", "zz ")),
                Op.insert("t", row("id", 2, "s", "zz")),
                Op.insert("t", row("id", 3, "s", null)),
                Op.insert("u", row("id", 1, "c", "zz", "x", "zz ")));
        assertEquals("[[1, 1], [2, 0], [3, 0]]", sorted(c, "n"));
        assertEquals("[[1]]", sorted(c, "e"));
        TestCircuits.applyAndCheck(
                c,
                views,
                Op.insert("u", row("id", 2, "c", "zz", "x", "zz")),
                Op.insert("u", row("id", 3, "c", "ab", "x", "zz")),
                Op.deleteKey("u", Map.of("id", 1)));
        assertEquals("[[1, 0], [2, 1], [3, 0]]", sorted(c, "n"));
        assertEquals("[[2]]", sorted(c, "e"));
    }

    @Test
    void anInThatCalcitesRewriteKeepsComparesItsVarcharAsBpcharToo() {
        // Correlated by >=: no mark; Calcite joins each row with the subquery's distinct values, now as bpchar.
        Circuit c = TestCircuits.circuit(
                "CREATE TABLE t (id INT PRIMARY KEY, c CHAR(3), n INT); CREATE TABLE u (id INT PRIMARY KEY, v VARCHAR, g INT);"
                        + "CREATE VIEW f AS SELECT id, c IN (SELECT v FROM u WHERE u.g >= t.n) AS f FROM t;"
                        + "CREATE VIEW x AS SELECT id FROM t WHERE NOT (c IN (SELECT v FROM u WHERE u.g >= t.n))");
        List<String> views = List.of("f", "x");
        TestCircuits.applyAndCheck(
                c,
                views,
                Op.insert("t", row("id", 1, "c", "a", "n", 1)),
                Op.insert("t", row("id", 2, "c", "b", "n", 9)),
                Op.insert("t", row("id", 3, "c", null, "n", 1)),
                Op.insert("u", row("id", 1, "v", "a", "g", 5)),
                Op.insert("u", row("id", 2, "v", "a ", "g", 5)));
        assertEquals("[[1, true], [2, false], [3, null]]", sorted(c, "f"));
        assertEquals("[[2]]", sorted(c, "x"));
        TestCircuits.applyAndCheck(
                c,
                views,
                Op.insert("u", row("id", 3, "v", null, "g", 9)),
                Op.insert("u", row("id", 4, "v", "b ", "g", 1)));
        assertEquals("[[1, true], [2, null], [3, null]]", sorted(c, "f"));
        assertEquals("[]", sorted(c, "x"));
        TestCircuits.applyAndCheck(c, views, Op.deleteKey("u", Map.of("id", 3)));
        assertEquals("[[1, true], [2, false], [3, null]]", sorted(c, "f"));
        assertEquals("[[2]]", sorted(c, "x"));
    }

    private static String sorted(Circuit c, String view) {
        return TestCircuits.rows(c, view).stream()
                .map(Row::toString)
                .sorted()
                .toList()
                .toString();
    }
}
