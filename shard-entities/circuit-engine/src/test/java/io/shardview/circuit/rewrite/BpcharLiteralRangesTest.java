package io.shardview.circuit.rewrite;

import static io.shardview.circuit.TestCircuits.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.TestCircuits;
import io.shardview.circuit.batch.Op;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Comparisons of a CHAR(3) with literals that differ by trailing blanks, in correlated subqueries, whose conditions
 * Calcite's decorrelator simplifies: as bpchar 'a ' is 'a', so {@code ch < 'a ' OR ch <> 'a'} is {@code ch <> 'a'}
 * and {@code ch >= 'b ' AND ch <= 'b'} is {@code ch = 'b'}, where Java's string order, 'a' before 'a ', made the
 * first always true and the second never (SQL revision 10 plans the literals without their blanks). Found by
 * DifferentialTest (seed 6315095818911). Expected rows read from PostgreSQL 15 on the same data.
 */
class BpcharLiteralRangesTest {
    private static final List<String> VIEWS = List.of("inner_or", "outer_and", "in_case", "not_in");

    @Test
    void literalsWithTrailingBlanksCompareAsTheBpcharTheyStandFor() {
        Circuit c = TestCircuits.circuit("CREATE TABLE t1 (id INT PRIMARY KEY, k INT, c0 INT NOT NULL);"
                + "CREATE TABLE t0 (id INT PRIMARY KEY, k INT, ch CHAR(3));"
                + "CREATE VIEW inner_or AS SELECT id, (SELECT COUNT(*) FROM t0 ia"
                + " WHERE (ia.ch < 'a ' OR ia.ch <> 'a') AND ia.k = a.id) AS n FROM t1 a;"
                + "CREATE VIEW outer_and AS SELECT a.id, (SELECT COUNT(*) FROM t1 b"
                + " WHERE a.ch >= 'b ' AND a.ch <= 'b' AND b.id = a.k) AS n FROM t0 a;"
                + "CREATE VIEW in_case AS SELECT a.id, (SELECT COUNT(*) FROM t0 ia"
                + " WHERE CASE WHEN ia.ch >= 'a  ' AND ia.ch <= 'a' THEN 1 ELSE 0 END = 1 AND ia.k = a.id) AS n"
                + " FROM t1 a;"
                + "CREATE VIEW not_in AS SELECT a.id FROM t1 a"
                + " WHERE a.k NOT IN (SELECT ia.k FROM t0 ia WHERE (ia.ch < 'a ' OR ia.ch <> 'a') AND ia.k = a.id)");
        TestCircuits.applyAndCheck(
                c,
                VIEWS,
                Op.insert("t1", row("id", 6, "k", null, "c0", -2)),
                Op.insert("t1", row("id", 7, "k", 1, "c0", 3)),
                Op.insert("t1", row("id", 8, "k", 2, "c0", 4)),
                Op.insert("t0", row("id", 7, "k", 6, "ch", "a")),
                Op.insert("t0", row("id", 1, "k", 7, "ch", "b")),
                Op.insert("t0", row("id", 2, "k", 8, "ch", " ")),
                Op.insert("t0", row("id", 3, "k", 6, "ch", "a b")));
        assertEquals("6:1 7:1 8:1 | 1:1 2:0 3:0 7:0 | 6:1 7:0 8:0 | 7 8", TestCircuits.shown(c, VIEWS));
        TestCircuits.deleteKey(c, "t0", "id", 3);
        assertEquals("6:0 7:1 8:1 | 1:1 2:0 7:0 | 6:1 7:0 8:0 | 6 7 8", TestCircuits.shown(c, VIEWS));
    }

    /**
     * An IN list of 20 values or more, which Calcite plans as an IN over a VALUES relation whose strings are text: a
     * CHAR(3) 'a  ' was not found in ('a ', ...) (PostgreSQL types the list's values by the value before IN). A
     * subquery over VALUES, written with or without SELECT, keeps comparing as text, as in PostgreSQL.
     */
    @Test
    void aLongInListComparesAsTheBpcharBeforeIt() {
        StringBuilder many = new StringBuilder("'a '");
        for (int i = 0; i < 30; i++) many.append(", 'x").append(i).append("'");
        List<String> views = List.of("s", "l", "c", "cl", "nl", "iv", "sv");
        Circuit c = TestCircuits.circuit("CREATE TABLE t1 (id INT PRIMARY KEY, k INT);"
                + "CREATE TABLE t0 (id INT PRIMARY KEY, k INT, ch CHAR(3));"
                + "CREATE VIEW s AS SELECT id FROM t0 WHERE ch IN ('a ', 'b');"
                + "CREATE VIEW l AS SELECT id FROM t0 WHERE ch IN (" + many + ");"
                + "CREATE VIEW c AS SELECT id, (SELECT COUNT(*) FROM t0 ia WHERE ia.ch IN ('a ', 'b') AND ia.k = a.id) AS n"
                + " FROM t1 a;"
                + "CREATE VIEW cl AS SELECT id, (SELECT COUNT(*) FROM t0 ia WHERE ia.ch IN (" + many + ")"
                + " AND ia.k = a.id) AS n FROM t1 a;"
                + "CREATE VIEW nl AS SELECT id FROM t0 WHERE ch NOT IN (" + many + ");"
                + "CREATE VIEW iv AS SELECT id FROM t0 WHERE ch IN (VALUES ('a '), ('x1'));"
                + "CREATE VIEW sv AS SELECT id FROM t0 WHERE ch IN (SELECT * FROM (VALUES ('a '), ('x1')) v(c))");
        TestCircuits.applyAndCheck(
                c,
                views,
                Op.insert("t1", row("id", 6, "k", 1)),
                Op.insert("t0", row("id", 7, "k", 6, "ch", "a")),
                Op.insert("t0", row("id", 8, "k", 6, "ch", "a  ")),
                Op.insert("t0", row("id", 9, "k", 6, "ch", "x1")));
        assertEquals("7 8 | 7 8 9 | 6:2 | 6:3 |  | 9 | 9", TestCircuits.shown(c, views));
        TestCircuits.deleteKey(c, "t0", "id", 9);
        assertEquals("7 8 | 7 8 | 6:2 | 6:2 |  |  | ", TestCircuits.shown(c, views));
    }
}
