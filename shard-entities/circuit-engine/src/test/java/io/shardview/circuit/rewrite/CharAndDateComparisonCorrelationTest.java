package io.shardview.circuit.rewrite;

import static io.shardview.circuit.TestCircuits.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.TestCircuits;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.operator.RangeJoin;
import io.shardview.circuit.operator.RangeSemiJoin;
import io.shardview.circuit.snapshot.SnapshotTest;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Subqueries correlated by a comparison of CHAR(n) values or of a date with a timestamp, through Calcite's rewrite
 * (a {@link RangeJoin} of the subquery's rows with the distinct correlation values), and such values compared with a
 * scalar subquery (a {@link RangeSemiJoin}), follow PostgreSQL's comparison: a CHAR(3) with a VARCHAR as bpchar
 * (trailing blanks of neither count: 'a' = 'a ', 'a' &lt; 'a\t'), with a TEXT as text (the CHAR loses its blanks, the
 * text keeps them: 'a' &lt; 'a\t' &lt; 'a '), a date with a timestamp as the timestamp of its midnight (2024-01-02 =
 * 2024-01-02 00:00, &gt; 2024-01-01 23:59:59.999999). Each row keeps its own spelling ('a ', 'a\t' as stored). Every
 * expected result was read from PostgreSQL 15 on the same data and changes.
 */
class CharAndDateComparisonCorrelationTest {
    private static final Map<String, String> VIEWS = Map.of(
            "v1", "SELECT id, (SELECT COUNT(*) FROM u WHERE u.v <= t.c) AS n FROM t",
            "v2", "SELECT id, (SELECT COUNT(*) FROM u WHERE u.x < t.c) AS n FROM t",
            "v3", "SELECT id, v FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.c > t.v)",
            "v4", "SELECT id, c, v IN (SELECT u.v FROM u WHERE u.c >= t.c) AS f FROM t",
            "v5", "SELECT id, (SELECT COUNT(*) FROM u WHERE u.d < t.ts) AS n FROM t",
            "v6", "SELECT id FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.ts <= t.d)",
            "v7", "SELECT id, v FROM t WHERE v < (SELECT MAX(c) FROM u)",
            "v8", "SELECT id, c FROM t WHERE c >= (SELECT MIN(x) FROM u)",
            "v9", "SELECT id FROM t WHERE d > (SELECT MIN(ts) FROM u)");
    private static final List<String> NAMES = VIEWS.keySet().stream().sorted().toList();

    private static Circuit circuit() {
        StringBuilder ddl = new StringBuilder(
                "CREATE TABLE t (id INT PRIMARY KEY, c CHAR(3), v VARCHAR, x TEXT, d DATE, ts TIMESTAMP);"
                        + "CREATE TABLE u (id INT PRIMARY KEY, c CHAR(3), v VARCHAR, x TEXT, d DATE, ts TIMESTAMP);");
        for (String name : NAMES)
            ddl.append("CREATE VIEW ")
                    .append(name)
                    .append(" AS ")
                    .append(VIEWS.get(name))
                    .append(';');
        Circuit c = TestCircuits.circuit(ddl.toString());
        apply(
                c,
                Op.insert(
                        "t",
                        row("id", 1, "c", "a", "v", "a", "x", "a", "d", "2024-01-02", "ts", "2024-01-02 00:00:00")),
                Op.insert(
                        "t",
                        row(
                                "id",
                                2,
                                "c",
                                "a\t",
                                "v",
                                "a ",
                                "x",
                                "a ",
                                "d",
                                "2024-01-01",
                                "ts",
                                "2024-01-01 23:59:59.999999")),
                Op.insert(
                        "t",
                        row(
                                "id",
                                3,
                                "c",
                                "ab",
                                "v",
                                "a\t",
                                "x",
                                "a\t",
                                "d",
                                "2024-01-03",
                                "ts",
                                "2024-01-02 00:00:00.000001")),
                Op.insert("t", row("id", 4)),
                Op.insert(
                        "t", row("id", 5, "c", "", "v", "", "x", " ", "d", "2024-01-02", "ts", "2024-01-03 00:00:00")),
                Op.insert(
                        "u",
                        row("id", 1, "c", "a", "v", "a ", "x", "a ", "d", "2024-01-02", "ts", "2024-01-02 00:00:00")),
                Op.insert(
                        "u",
                        row(
                                "id",
                                2,
                                "c",
                                "a\t",
                                "v",
                                "a\t",
                                "x",
                                "a\t",
                                "d",
                                "2024-01-01",
                                "ts",
                                "2024-01-01 23:59:59.999999")),
                Op.insert(
                        "u",
                        row(
                                "id",
                                3,
                                "c",
                                "b",
                                "v",
                                "a",
                                "x",
                                "a",
                                "d",
                                "2024-01-03",
                                "ts",
                                "2024-01-02 00:00:00.000001")),
                Op.insert("u", row("id", 4)));
        return c;
    }

    private static void apply(Circuit c, Op... ops) {
        TestCircuits.applyAndCheck(c, NAMES, ops);
    }

    private static String rows(Circuit c) {
        return TestCircuits.shown(c, NAMES);
    }

    @Test
    void viewsCompareCharValuesAndDatesWithTimestampsAsPostgresDoes() throws IOException {
        Circuit c = circuit();
        assertEquals(
                "1:2 2:3 3:3 4:0 5:0 | 1:0 2:1 3:3 4:0 5:0 | 1:a 2:a  3:a\t 5: | 1:a  :true 2:a\t :false 3:ab :false"
                        + " 4:-:false 5:   :false | 1:1 2:1 3:2 4:0 5:2 | 1 3 5 | 1:a 2:a  3:a\t 5: | 1:a   2:a\t  3:ab  | 1 3 5",
                rows(c));

        // A blank-only VARCHAR (the empty bpchar), a timestamp at midnight; the 'b' CHAR goes.
        apply(
                c,
                Op.insert(
                        "u", row("id", 5, "c", " ", "v", " ", "x", "", "d", "2024-01-01", "ts", "2024-01-03 00:00:00")),
                Op.deleteKey("u", row("id", 3)));
        assertEquals(
                "1:2 2:3 3:3 4:0 5:1 | 1:1 2:1 3:3 4:0 5:0 | 1:a 2:a  5: | 1:a  :false 2:a\t :false 3:ab :false"
                        + " 4:-:false 5:   :false | 1:2 2:2 3:3 4:0 5:3 | 1 3 5 | 1:a 2:a  5: | 1:a   2:a\t  3:ab  5:    | 1 3 5",
                rows(c));

        c = SnapshotTest.roundTrip(c);
        apply(
                c,
                Op.update(
                        "u",
                        row("id", 2, "c", "ab", "v", "ab ", "x", "a", "d", "2024-01-02", "ts", "2024-01-01 00:00:00")),
                Op.update(
                        "t",
                        row(
                                "id",
                                3,
                                "c",
                                "a ",
                                "v",
                                "ab",
                                "x",
                                "a\t",
                                "d",
                                "2024-01-03",
                                "ts",
                                "2024-01-01 00:00:00")));
        assertEquals(
                "1:2 2:2 3:2 4:0 5:1 | 1:1 2:2 3:1 4:0 5:0 | 1:a 2:a  5: | 1:a  :false 2:a\t :false 3:a  :false"
                        + " 4:-:false 5:   :false | 1:1 2:1 3:0 4:0 5:3 | 1 2 3 5 | 1:a 2:a  5: | 1:a   2:a\t  3:a   5:    | 1 3 5",
                rows(c));

        apply(c, Op.deleteKey("u", row("id", 1)), Op.deleteKey("u", row("id", 2)), Op.deleteKey("u", row("id", 5)));
        assertEquals(
                "1:0 2:0 3:0 4:0 5:0 | 1:0 2:0 3:0 4:0 5:0 |  | 1:a  :false 2:a\t :false 3:a  :false 4:-:false 5:   :false"
                        + " | 1:0 2:0 3:0 4:0 5:0 |  |  |  | ",
                rows(c),
                "u holds only NULLs");

        apply(
                c,
                Op.insert(
                        "u",
                        row("id", 6, "c", "zz", "v", "a", "x", "a\t", "d", "2024-01-03", "ts", "2024-01-02 00:00:00")));
        assertEquals(
                "1:1 2:1 3:1 4:0 5:0 | 1:0 2:0 3:0 4:0 5:0 | 1:a 2:a  3:ab 5: | 1:a  :true 2:a\t :false 3:a  :false"
                        + " 4:-:false 5:   :false | 1:0 2:0 3:0 4:0 5:0 | 1 3 5 | 1:a 2:a  3:ab 5: | 2:a\t  | 3",
                rows(c));
    }
}
