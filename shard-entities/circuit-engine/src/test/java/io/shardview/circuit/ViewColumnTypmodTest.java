package io.shardview.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardview.circuit.catalog.Column;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The types a view's columns are described with, as PostgreSQL 15 gives them (format_type of the view's
 * pg_attribute, checked there): a NUMERIC(p,s) or CHAR(n) column keeps its typmod through projections,
 * joins, GROUP BY, DISTINCT, ORDER BY ... LIMIT, views over views and CASE, COALESCE, NULLIF or UNION of
 * values of that same typmod; a written CAST gives its own; arithmetic, MIN/MAX, literals and NULLs lose it.
 */
class ViewColumnTypmodTest {
    private static final String TABLES =
            "CREATE TABLE t (id INT PRIMARY KEY, n NUMERIC, m NUMERIC(5,2), m2 NUMERIC(5,2), k NUMERIC(7,3),"
                    + " c CHAR(3), c2 CHAR(3), c4 CHAR(4), v VARCHAR, cn CHAR(3) NOT NULL, mn NUMERIC(5,2) NOT NULL);"
                    + "CREATE TABLE u (id INT PRIMARY KEY, m NUMERIC(5,2));";

    /** The described types of the last view's columns. */
    private static List<String> types(String... views) {
        StringBuilder ddl = new StringBuilder(TABLES);
        for (int i = 0; i < views.length; i++)
            ddl.append("CREATE VIEW w")
                    .append(i)
                    .append(" AS ")
                    .append(views[i])
                    .append(';');
        Circuit c = TestCircuits.circuit(ddl.toString());
        return c.columns("w" + (views.length - 1)).orElseThrow().stream()
                .map(Column::sqlTypeName)
                .toList();
    }

    @Test
    void aNumericColumnSelectedAsIsKeepsItsTypmod() {
        assertEquals(List.of("numeric(5,2)", "numeric"), types("SELECT m, n FROM t"));
        assertEquals(
                List.of("numeric(5,2)", "numeric(5,2)"), types("SELECT t.m, u.m AS um FROM t JOIN u ON t.id = u.id"));
        assertEquals(List.of("numeric(5,2)"), types("SELECT t.m FROM t LEFT JOIN u ON t.id = u.id"));
        assertEquals(List.of("numeric(5,2)", "bigint"), types("SELECT m, COUNT(*) AS k FROM t GROUP BY m"));
        assertEquals(List.of("numeric(5,2)"), types("SELECT DISTINCT m FROM t"));
        assertEquals(List.of("numeric(5,2)"), types("SELECT x FROM (SELECT m AS x FROM t ORDER BY m LIMIT 3) s"));
        assertEquals(List.of("numeric(5,2)"), types("SELECT m FROM t WHERE id IN (SELECT id FROM u)"));
        assertEquals(List.of("numeric(5,2)"), types("SELECT m, k FROM t", "SELECT m FROM w0"));
    }

    @Test
    void aViewThatIsNeverTrueKeepsItsColumnsTypmods() {
        // Calcite's rules replaced such a view's relation by an empty VALUES, which had lost the typmods.
        assertEquals(List.of("numeric(5,2)", "character(3)"), types("SELECT m, c FROM t WHERE id < id"));
        assertEquals(List.of("numeric(5,2)"), types("SELECT m FROM t WHERE 1 = 0"));
        assertEquals(
                List.of("numeric(5,2)", "numeric(5,2)"),
                types(
                        "SELECT t.m, u.m AS um FROM t JOIN u ON t.id = u.id AND t.id IN (SELECT u2.id FROM u u2 WHERE u2.m = t.m) WHERE t.k < t.k"));
        assertEquals(
                List.of("numeric(5,2)"),
                types("SELECT m FROM t WHERE n <> n AND EXISTS (SELECT 1 FROM u WHERE u.id = t.id)"));
    }

    @Test
    void aViewWhoseSubqueryNeverHoldsKeepsItsColumnsTypes() {
        // Calcite made a view whose EXISTS never holds (u.id IS NULL over a primary key) an empty VALUES, typed text.
        assertEquals(
                List.of("numeric(5,2)", "character(3)"),
                types("SELECT m, c FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.id IS NULL AND u.m = t.m)"));
        assertEquals(
                List.of("bpchar", "numeric(5,2)"),
                types(
                        "SELECT COALESCE(c, v) AS b, m FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.id IS NULL AND u.m >= t.m)"));
        assertEquals(
                List.of("character(3)", "boolean"),
                types("SELECT c, EXISTS (SELECT 1 FROM u WHERE u.id IS NULL) AS e FROM t"));
        assertEquals(
                List.of("numeric(5,2)", "character(3)"),
                types("SELECT m, c FROM t WHERE NOT EXISTS (SELECT 1 FROM u WHERE u.id IS NULL AND u.m = t.m)"));
        // One that still reads the outer row is left to the correlation's rewrite (a mark here), then made empty.
        assertEquals(
                List.of("integer", "boolean"),
                types("SELECT id, m NOT IN (SELECT u.m FROM u WHERE u.m <> u.m AND u.id = t.id) AS f FROM t"));
    }

    @Test
    void aWrittenCastGivesItsTypmod() {
        assertEquals(
                List.of("numeric(7,3)", "numeric", "numeric(5,2)", "numeric(5,-2)", "numeric(4,0)"),
                types("SELECT CAST(n AS NUMERIC(7,3)) AS a, CAST(m AS NUMERIC) AS b, CAST(m AS DECIMAL(5,2)) AS c,"
                        + " CAST(n AS NUMERIC(5,-2)) AS d, CAST(n AS NUMERIC(4)) AS e FROM t"));
        assertEquals(
                List.of("character(5)", "character(3)"),
                types("SELECT CAST(c AS CHAR(5)) AS a, CAST(v AS CHAR(3)) AS b FROM t"));
    }

    @Test
    void caseCoalesceNullifAndUnionKeepATypmodAllTheirValuesShare() {
        assertEquals(
                List.of(
                        "numeric(5,2)",
                        "numeric",
                        "numeric",
                        "numeric(5,2)",
                        "numeric",
                        "numeric",
                        "numeric(5,2)",
                        "numeric(5,2)",
                        "numeric",
                        "numeric(5,2)"),
                types(
                        "SELECT COALESCE(m, m2) AS a, COALESCE(m, k) AS b, COALESCE(m, 0) AS c, CASE WHEN id = 1 THEN m ELSE m2 END AS d,"
                                + " CASE WHEN id = 1 THEN m END AS e, CASE WHEN id = 1 THEN m ELSE 0 END AS f, NULLIF(m, m2) AS g,"
                                + " NULLIF(m, 1) AS h, COALESCE(m, NULL) AS i, CASE WHEN id = 1 THEN CAST(n AS NUMERIC(5,2)) ELSE m END AS j FROM t"));
        // A first argument NOT NULL decides nothing: the COALESCE's typmod is still that of all its arguments.
        assertEquals(
                List.of("bpchar", "character(3)", "numeric", "numeric(5,2)"),
                types(
                        "SELECT COALESCE(cn, 'a ') AS a, COALESCE(cn, c) AS b, COALESCE(mn, 0) AS d, COALESCE(mn, m) AS e FROM t"));
        assertEquals(List.of("numeric(5,2)"), types("SELECT m FROM t UNION ALL SELECT m FROM u"));
        assertEquals(List.of("numeric(5,2)"), types("SELECT m FROM t UNION SELECT m2 FROM t"));
        assertEquals(List.of("numeric"), types("SELECT m FROM t UNION ALL SELECT k FROM t"));
        assertEquals(List.of("numeric"), types("SELECT m FROM t UNION ALL SELECT 0 FROM t"));
        assertEquals(List.of("numeric"), types("SELECT m FROM t UNION ALL SELECT NULL FROM t"));
        assertEquals(List.of("numeric"), types("SELECT CASE WHEN id = 1 THEN CAST(m AS INT) ELSE m END AS x FROM t"));
    }

    @Test
    void arithmeticAndMinOrMaxLoseTheTypmod() {
        assertEquals(
                List.of("numeric", "numeric", "numeric", "numeric", "numeric"),
                types("SELECT m + 0 AS a, -m AS b, m * 1 AS c, m - 0 AS d, m / 1 AS e FROM t"));
        assertEquals(
                List.of("numeric", "numeric", "numeric", "numeric"),
                types("SELECT MIN(m) AS a, MAX(m) AS b, SUM(m) AS s, AVG(m) AS v FROM t"));
        assertEquals(List.of("bpchar", "bpchar"), types("SELECT MIN(c) AS a, MAX(c) AS b FROM t"));
    }

    @Test
    void aCharColumnKeepsItsLengthOnlyWhereAllValuesShareIt() {
        assertEquals(
                List.of(
                        "character(3)",
                        "character(3)",
                        "bpchar",
                        "bpchar",
                        "bpchar",
                        "character(3)",
                        "bpchar",
                        "bpchar"),
                types(
                        "SELECT COALESCE(c, c2) AS a, CASE WHEN id = 1 THEN c ELSE c2 END AS b, CASE WHEN id = 1 THEN c ELSE 'abc' END AS d,"
                                + " COALESCE(c, 'abc') AS e, COALESCE(c, c4) AS f, NULLIF(c, 'ab') AS g, CASE WHEN id = 1 THEN c END AS h,"
                                + " COALESCE(c, NULL) AS i FROM t"));
        assertEquals(List.of("character(3)"), types("SELECT c FROM t UNION ALL SELECT c2 FROM t"));
        assertEquals(List.of("bpchar"), types("SELECT c FROM t UNION ALL SELECT 'abc' FROM t"));
        assertEquals(List.of("bpchar"), types("SELECT c FROM t UNION ALL SELECT c4 FROM t"));
        assertEquals(List.of("character(3)", "bigint"), types("SELECT c, COUNT(*) AS k FROM t GROUP BY c"));
    }

    @Test
    void nullifHasTheTypeOfTheLeftSideOfItsEquals() {
        // PostgreSQL 15: integer = numeric promotes the integer, integer = bigint does not, numeric = real is float8.
        assertEquals(
                List.of("numeric", "integer", "double precision", "numeric(5,2)"),
                types("SELECT NULLIF(0, m) AS a, NULLIF(id, CAST(k AS BIGINT)) AS b, NULLIF(m, CAST(1.5 AS REAL)) AS c,"
                        + " NULLIF(m, k) AS d FROM t"));
    }
}
