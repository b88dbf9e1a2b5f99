package io.shardview.circuit.pg;

import static io.shardview.circuit.TestCircuits.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.DdlResult;
import io.shardview.circuit.TestCircuits;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.catalog.Column;
import io.shardview.circuit.data.Row;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CHAR(n) (bpchar) through CASE, COALESCE, NULLIF and CAST, with the values and types PostgreSQL 15 gives
 * (checked there): CASE takes the type of its ELSE, COALESCE of its first argument; a bpchar result keeps
 * each value's blanks, a text one loses them; a written CAST AS CHAR(n) pads and truncates.
 */
class BpcharTypingTest {
    private static final String TABLE =
            "CREATE TABLE t (id INT PRIMARY KEY, c CHAR(3), c5 CHAR(5), v VARCHAR, n INT NOT NULL, cn CHAR(3) NOT NULL);";

    /** The single row of a one-row view, each value as PostgreSQL prints it, and the view's column types. */
    private static String view(String select) {
        Circuit c = TestCircuits.circuit(TABLE);
        c.applyBatch(List.of(
                Op.insert("t", row("id", 1, "c", "zz", "c5", "b", "v", "x", "n", 7, "cn", "a")),
                Op.insert("t", row("id", 2, "c5", "bb", "v", "y ", "n", 12345, "cn", "b"))));
        assertInstanceOf(DdlResult.Applied.class, c.executeSql("CREATE VIEW w AS " + select));
        List<Row> rows = TestCircuits.rows(c, "w");
        StringBuilder out = new StringBuilder();
        for (Row r : rows) {
            out.append(Arrays.stream(r.toArray())
                            .map(v -> v == null ? "NULL" : "[" + v + "]")
                            .toList())
                    .append(' ');
        }
        return out
                + c.columns("w").orElseThrow().stream()
                        .map(Column::sqlTypeName)
                        .toList()
                        .toString();
    }

    @Test
    void caseOverCharKeepsItsBlanksEvenWhenCalciteSimplifiesItToACast() {
        // On a NOT NULL column Calcite simplifies this CASE to a cast to the nullable type.
        // Its implicit ELSE NULL has no length, so PostgreSQL describes it as bpchar.
        assertEquals(
                "[[1], [a  ]] [[2], [b  ]] [integer, bpchar]",
                view("SELECT id, CASE WHEN cn IS NOT NULL THEN cn ELSE NULL END AS a FROM t"));
        assertEquals(
                "[[1], [zz ]] [[2], NULL] [integer, bpchar]",
                view("SELECT id, CASE WHEN n < 10 THEN c END AS a FROM t"));
    }

    @Test
    void aCaseWhoseConditionIsAlwaysTrueKeepsTheTypeOfItsElse() {
        // n >= n holds on the NOT NULL n; PostgreSQL still types the CASE by its ELSE (varchar), so c loses its blanks.
        assertEquals(
                "[[1], [zz]] [[2], NULL] [integer, varchar]",
                view("SELECT id, CASE WHEN n >= n THEN c ELSE v END AS a FROM t"));
    }

    @Test
    void caseTakesTheTypeOfItsElseAndCoalesceOfItsFirstArgument() {
        // CASE ... THEN c ELSE v is varchar (c loses its blanks); COALESCE(c, v) is bpchar (v's value keeps its
        // length).
        assertEquals(
                "[[1], [zz], [zz ]] [[2], [y ], [y ]] [integer, varchar, bpchar]",
                view("SELECT id, CASE WHEN n < 10 THEN c ELSE v END AS a, COALESCE(c, v) AS b FROM t"));
        assertEquals(
                "[[1], [x], [zz ]] [[2], [y ], [bb   ]] [integer, varchar, bpchar]",
                view("SELECT id, COALESCE(v, c) AS a, COALESCE(c, c5) AS b FROM t"));
    }

    @Test
    void aLiteralInABpcharCoalesceKeepsItsOwnLengthAndComparesWithoutBlanks() {
        assertEquals(
                "[[1], [zz ], [false], [zz ]] [[2], [q], [true], [ab ]] [integer, bpchar, boolean, bpchar]",
                view(
                        "SELECT id, COALESCE(c, 'q') AS a, COALESCE(c, 'q') = 'q  ' AS b, COALESCE(c, 'ab ') AS d FROM t"));
    }

    @Test
    void aCharInSubqueryOfVarcharsDifferingInBlanksKeepsEachOuterRowOnce() {
        // 'zz '::char(3) matches both 'zz' and 'zz ' (bpchar comparison); IN still keeps row 1 once.
        Circuit c = TestCircuits.circuit(TABLE + " CREATE TABLE s (id INT PRIMARY KEY, v VARCHAR);");
        c.applyBatch(List.of(
                Op.insert("t", row("id", 1, "c", "zz", "n", 1, "cn", "a")),
                Op.insert("s", row("id", 1, "v", "zz")),
                Op.insert("s", row("id", 2, "v", "zz "))));
        assertInstanceOf(
                DdlResult.Applied.class,
                c.executeSql("CREATE VIEW w AS SELECT id FROM t WHERE c IN (SELECT v FROM s)"));
        assertEquals(List.of(Row.wrap(1)), TestCircuits.rows(c, "w"));
        c.applyBatch(List.of(Op.deleteKey("s", row("id", 1))));
        assertEquals(List.of(Row.wrap(1)), TestCircuits.rows(c, "w"), "one match left");
    }

    @Test
    void aCorrelatedCharInSubqueryOfVarcharsDifferingInBlanksKeepsEachOuterRowOnce() {
        Circuit c = TestCircuits.circuit(TABLE + " CREATE TABLE s (id INT PRIMARY KEY, v VARCHAR);");
        c.applyBatch(List.of(
                Op.insert("t", row("id", 1, "c", "zz", "n", 1, "cn", "a")),
                Op.insert("s", row("id", 1, "v", "zz")),
                Op.insert("s", row("id", 2, "v", "zz "))));
        assertInstanceOf(
                DdlResult.Applied.class,
                c.executeSql("CREATE VIEW w AS SELECT id FROM t WHERE c IN (SELECT v FROM s WHERE s.id >= t.n)"));
        assertEquals(List.of(Row.wrap(1)), TestCircuits.rows(c, "w"));
        c.applyBatch(List.of(Op.deleteKey("s", row("id", 1))));
        assertEquals(List.of(Row.wrap(1)), TestCircuits.rows(c, "w"), "one match left");
        c.applyBatch(List.of(Op.deleteKey("s", row("id", 2))));
        assertEquals(List.of(), TestCircuits.rows(c, "w"), "none left");
    }

    @Test
    void aCharExistsAgainstVarcharsDifferingInBlanksKeepsEachOuterRowOnce() {
        // 'zz '::char(3) = 'zz' and = 'zz ' (bpchar comparison); EXISTS still keeps row 1 once.
        Circuit c = TestCircuits.circuit(TABLE + " CREATE TABLE s (id INT PRIMARY KEY, v VARCHAR);");
        c.applyBatch(List.of(
                Op.insert("t", row("id", 1, "c", "zz", "n", 1, "cn", "a")),
                Op.insert("s", row("id", 1, "v", "zz")),
                Op.insert("s", row("id", 2, "v", "zz "))));
        assertInstanceOf(
                DdlResult.Applied.class,
                c.executeSql("CREATE VIEW w AS SELECT id FROM t WHERE EXISTS (SELECT 1 FROM s WHERE s.v = t.c)"));
        assertEquals(List.of(Row.wrap(1)), TestCircuits.rows(c, "w"));
        c.applyBatch(List.of(Op.deleteKey("s", row("id", 1))));
        assertEquals(List.of(Row.wrap(1)), TestCircuits.rows(c, "w"), "one match left");
    }

    @Test
    void aWrittenJoinWithADistinctSubqueryJoinsTheCharRowWithEachVarcharItMatches() {
        // PostgreSQL: 'zz '::char(3) = 'zz' and = 'zz ', and DISTINCT keeps both VARCHARs: a join gives row 1 twice.
        Circuit c = TestCircuits.circuit(TABLE + " CREATE TABLE s (id INT PRIMARY KEY, v VARCHAR);");
        c.applyBatch(List.of(
                Op.insert("t", row("id", 1, "c", "zz", "n", 1, "cn", "a")),
                Op.insert("s", row("id", 1, "v", "zz")),
                Op.insert("s", row("id", 2, "v", "zz "))));
        assertInstanceOf(
                DdlResult.Applied.class,
                c.executeSql("CREATE VIEW w AS SELECT t.id FROM t JOIN (SELECT DISTINCT v FROM s) d ON t.c = d.v"));
        assertEquals(List.of(Row.wrap(1), Row.wrap(1)), TestCircuits.rows(c, "w"));
        c.applyBatch(List.of(Op.deleteKey("s", row("id", 1))));
        assertEquals(List.of(Row.wrap(1)), TestCircuits.rows(c, "w"), "one match left");
    }

    @Test
    void aCaseOfLiteralsOnlyIsTextAndNotPadded() {
        assertEquals(
                "[[1], [a]] [[2], [bb]] [integer, text]",
                view("SELECT id, CASE WHEN n < 10 THEN 'a' ELSE 'bb' END AS a FROM t"));
    }

    @Test
    void nullIfKeepsTheBpcharOfItsFirstArgument() {
        assertEquals("[[1], [zz ]] [[2], NULL] [integer, character(3)]", view("SELECT id, NULLIF(c, 'a') AS a FROM t"));
    }

    @Test
    void nullIfOfAVarcharAndABpcharIsBpchar() {
        // PostgreSQL: NULLIF(v, c) returns the left side of bpchar's =, so 'y ' stays 'y ' but as bpchar; as text 'y'.
        assertEquals(
                "[[1], [x], [x]] [[2], [y ], [y]] [integer, bpchar, varchar]",
                view("SELECT id, NULLIF(v, c) AS a, CAST(NULLIF(v, c) AS VARCHAR) AS b FROM t"));
    }

    @Test
    void aWrittenCastToCharPadsAndTruncates() {
        assertEquals(
                "[[1], [zz   ], [7 ], [x   ], [b], [true]] [[2], NULL, [12], [y   ], [bb], [true]]"
                        + " [integer, character(5), character(2), character(4), varchar, boolean]",
                view("SELECT id, CAST(c AS CHAR(5)) AS a, CAST(n AS CHAR(2)) AS b, CAST(v AS CHAR(4)) AS d,"
                        + " CAST(CAST(c5 AS CHAR(2)) AS VARCHAR) AS e, CAST('abcd' AS CHAR(2)) = 'ab' AS f FROM t"));
    }

    @Test
    void aWrittenCastToVarcharOfALengthTruncates() {
        assertEquals(
                "[[1], [7]] [[2], [123]] [integer, varchar(3)]", view("SELECT id, CAST(n AS VARCHAR(3)) AS a FROM t"));
    }

    @Test
    void bpcharComparesWithVarcharAsBpcharAndWithTextAsText() {
        // PostgreSQL: 'a'::char(3) = 'a '::varchar is true (bpchareq), = 'a '::text false (texteq).
        Circuit c = TestCircuits.circuit("CREATE TABLE q (id INT PRIMARY KEY, c CHAR(3), v VARCHAR);"
                + "CREATE VIEW w AS SELECT id, c = v AS e, c IS DISTINCT FROM v AS d, c = v || '' AS t, c = LOWER(c) AS l FROM q;"
                + "CREATE VIEW j AS SELECT a.id FROM q a JOIN q b ON a.c = b.v;"
                + "CREATE VIEW s AS SELECT id FROM q WHERE c IN (SELECT v FROM q);"
                + "CREATE VIEW n AS SELECT id FROM q WHERE c NOT IN (SELECT v FROM q WHERE v IS NOT NULL);"
                + "CREATE VIEW m AS SELECT id FROM q WHERE v NOT IN (SELECT c FROM q WHERE c IS NOT NULL)");
        c.applyBatch(List.of(Op.insert("q", row("id", 1, "c", "a", "v", "a "))));
        assertEquals(
                "[1, true, false, false, true]",
                Arrays.toString(TestCircuits.rows(c, "w").get(0).toArray()));
        assertEquals(1, TestCircuits.rows(c, "j").size());
        assertEquals(1, TestCircuits.rows(c, "s").size());
        assertEquals(0, TestCircuits.rows(c, "n").size());
        assertEquals(0, TestCircuits.rows(c, "m").size());
    }

    @Test
    void unionTakesTheTypeOfItsFirstInput() {
        // PostgreSQL: SELECT c UNION ALL SELECT v is bpchar ('zz ' and 'x'); SELECT v UNION ALL SELECT c varchar ('x',
        // 'zz').
        assertEquals(
                "[[x]] [[zz ]] [NULL] [bpchar]", view("SELECT c AS a FROM t UNION ALL SELECT v FROM t WHERE id = 1"));
        assertEquals(
                "[[x]] [[zz]] [NULL] [varchar]", view("SELECT v AS a FROM t WHERE id = 1 UNION ALL SELECT c FROM t"));
    }

    /** The rows of a view, each as its values' text, after one row (id 1, c 'a', v 'a ') in q. */
    private static String overRow(String views, String view) {
        Circuit c = TestCircuits.circuit("CREATE TABLE q (id INT PRIMARY KEY, c CHAR(3), v VARCHAR, x TEXT);" + views);
        c.applyBatch(List.of(Op.insert("q", row("id", 1, "c", "a", "v", "a ", "x", "a "))));
        return TestCircuits.rows(c, view).stream()
                .map(r -> Arrays.toString(r.toArray()))
                .toList()
                .toString();
    }

    private static List<String> types(String views, String view) {
        Circuit c = TestCircuits.circuit("CREATE TABLE q (id INT PRIMARY KEY, c CHAR(3), v VARCHAR, x TEXT);" + views);
        return c.columns(view).orElseThrow().stream().map(Column::sqlTypeName).toList();
    }

    @Test
    void aLaterViewReadsTextColumnsAsTextAndVarcharColumnsAsVarchar() {
        // PostgreSQL: w.l (LOWER), w.k (||) and w.lit (a literal) are text, so 'a'::char(3) = 'a ' is false
        // there; w.pv stays varchar, compared as bpchar (true).
        String w = "CREATE VIEW w AS SELECT id, c, v AS pv, LOWER(v) AS l, v || '' AS k, 'a ' AS lit FROM q;";
        assertEquals(List.of("integer", "character(3)", "varchar", "text", "text", "text"), types(w, "w"));
        assertEquals(
                "[[1, false, false, true, false]]",
                overRow(
                        w
                                + "CREATE VIEW z AS SELECT id, c = l AS el, c = k AS ek, c = pv AS ev, c = lit AS elit FROM w",
                        "z"));
    }

    @Test
    void aTextTableColumnComparesWithCharAsText() {
        assertEquals(List.of("text"), types("", "q").subList(3, 4));
        assertEquals("[[false, true]]", overRow("CREATE VIEW z AS SELECT c = x AS ex, c = v AS ev FROM q", "z"));
    }

    @Test
    void minAndMaxOfAVarcharAreText() {
        // PostgreSQL has no min(varchar): min(text) makes the column text; max(bpchar) stays bpchar.
        String w = "CREATE VIEW w AS SELECT MIN(v) AS lo, MAX(c) AS hi FROM q;";
        assertEquals("text", types(w, "w").get(0));
        assertEquals("[[false]]", overRow(w + "CREATE VIEW z AS SELECT hi = lo AS e FROM w", "z"));
    }

    @Test
    void nullIfIsBpcharOnlyWhenItComparesAsBpchar() {
        // PostgreSQL 15: NULLIF(v, 'q') and NULLIF(c, x) are text (text's =), NULLIF(c, v) bpchar.
        String w = "CREATE VIEW w AS SELECT c, NULLIF(v, 'q') AS a, NULLIF(c, x) AS b, NULLIF(c, v) AS d FROM q;";
        assertEquals(List.of("character(3)", "text", "text", "character(3)"), types(w, "w"));
        assertEquals("[[a  , a , a, null]]", overRow(w, "w"));
        assertEquals("[[false]]", overRow(w + "CREATE VIEW z AS SELECT c = a AS e FROM w", "z"));
    }

    @Test
    void aSelectOfLiteralsAloneIsText() {
        assertEquals(List.of("text"), types("CREATE VIEW w AS SELECT 'a' AS a UNION ALL SELECT 'b '", "w"));
    }

    @Test
    void aCastToTextDropsTheBlanksAndComparesAsText() {
        // PostgreSQL 15: c::text is 'zz' (text); 'y'::char(3)::text = 'y ' compares as text (false), as bpchar it is
        // true.
        assertEquals(
                "[[1], [zz], [false], [false], [7x]] [[2], NULL, [false], [true], [12345x]] [integer, text, boolean, boolean, text]",
                view(
                        "SELECT id, CAST(c AS TEXT) AS a, CAST(CAST('y' AS CHAR(3)) AS text) = v AS b, CAST('y' AS CHAR(3)) = v AS bp,"
                                + " CAST(n AS TEXT) || 'x' AS d FROM t"));
        assertEquals("[[2]] [integer]", view("SELECT id FROM t WHERE CAST(cn AS TEXT) || ' ' = CAST('b ' AS TEXT)"));
        assertEquals("[[1]] [integer]", view("SELECT id FROM t WHERE CAST(cn AS TEXT) = 'a'"));
    }
}
