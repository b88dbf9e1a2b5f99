package io.shardview.circuit.pg;

import static io.shardview.circuit.TestCircuits.bracketed;
import static io.shardview.circuit.TestCircuits.deleteKey;
import static io.shardview.circuit.TestCircuits.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.TestCircuits;
import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.data.ReadOrder;
import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.ZSet;
import io.shardview.circuit.data.ZSetImage;
import io.shardview.circuit.snapshot.CircuitImage;
import io.shardview.circuit.snapshot.CircuitSnapshot;
import io.shardview.circuit.snapshot.SnapshotTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One bpchar column holding the same text with different paddings (COALESCE of a CHAR(3) and a VARCHAR:
 * 'a  ', 'a' and 'a '), as PostgreSQL 15 shows it (checked there): every row keeps its own spelling in
 * projections, joins, UNION ALL and ORDER BY ... LIMIT, while =, joins and grouping compare as bpchar.
 * Where PostgreSQL keeps one of several spellings (GROUP BY, DISTINCT, UNION, MIN/MAX) it is the one
 * with the fewest blanks among the rows present, so it never depends on the order rows came in.
 */
class BpcharSpellingTest {
    private static final String TABLE = "CREATE TABLE t (id INT PRIMARY KEY, c CHAR(3), v VARCHAR);";

    /** Rows 1 ('a' in the CHAR(3)), 2 ('a' in the VARCHAR) and 3 ('a ' in the VARCHAR), then the views. */
    private static Circuit circuit(String views) {
        Circuit c = TestCircuits.circuit(TABLE + views);
        assertInstanceOf(
                BatchOutcome.Accepted.class,
                c.applyBatch(List.of(
                        Op.insert("t", row("id", 1, "c", "a")),
                        Op.insert("t", row("id", 2, "v", "a")),
                        Op.insert("t", row("id", 3, "v", "a ")))));
        return c;
    }

    @Test
    void aProjectionShowsEachRowsOwnPadding() {
        Circuit c = circuit("CREATE VIEW w AS SELECT COALESCE(c, v) AS x FROM t");
        assertEquals("[a] [a ] [a  ]", bracketed(c, "w"));
        deleteKey(c, "t", "id", 2);
        assertEquals("[a ] [a  ]", bracketed(c, "w"));
        deleteKey(c, "t", "id", 1);
        assertEquals("[a ]", bracketed(c, "w"));
    }

    @Test
    void theViewHashTellsPaddingsApart() {
        Circuit padded = TestCircuits.circuit(TABLE + "CREATE VIEW w AS SELECT COALESCE(c, v) AS x FROM t");
        padded.applyBatch(List.of(Op.insert("t", row("id", 1, "c", "a"))));
        Circuit bare = TestCircuits.circuit(TABLE + "CREATE VIEW w AS SELECT COALESCE(c, v) AS x FROM t");
        bare.applyBatch(List.of(Op.insert("t", row("id", 1, "v", "a"))));
        assertNotEquals(
                padded.read("w", 10, null).orElseThrow().hash(),
                bare.read("w", 10, null).orElseThrow().hash());
        assertEquals(
                ReadOrder.hash(padded.recompute("w")),
                padded.read("w", 10, null).orElseThrow().hash());
    }

    @Test
    void joinsMatchAsBpcharAndKeepBothSidesSpellings() {
        Circuit c = circuit("CREATE VIEW w AS SELECT id, COALESCE(c, v) AS x FROM t;"
                + "CREATE VIEW j AS SELECT a.x AS l, b.x AS r FROM w a JOIN w b ON a.x = b.x WHERE a.id < b.id");
        assertEquals("[a][a ] [a  ][a] [a  ][a ]", bracketed(c, "j"));
    }

    @Test
    void unionAllAndTopKKeepEverySpelling() {
        Circuit c = circuit(
                "CREATE VIEW u AS SELECT COALESCE(c, v) AS x FROM t WHERE id = 1 UNION ALL SELECT COALESCE(c, v) FROM t;"
                        + "CREATE VIEW k AS SELECT COALESCE(c, v) AS x FROM t ORDER BY x LIMIT 2");
        assertEquals("[a] [a ] [a  ] [a  ]", bracketed(c, "u"));
        assertEquals("[a] [a ]", bracketed(c, "k"));
        deleteKey(c, "t", "id", 2);
        assertEquals("[a ] [a  ]", bracketed(c, "k"));
    }

    @Test
    void groupByDistinctAndUnionShowTheSpellingWithFewestBlanksPresent() {
        Circuit c = circuit("CREATE VIEW g AS SELECT COALESCE(c, v) AS x, COUNT(*) AS n FROM t GROUP BY COALESCE(c, v);"
                + "CREATE VIEW d AS SELECT DISTINCT COALESCE(c, v) AS x FROM t;"
                + "CREATE VIEW u AS SELECT COALESCE(c, v) AS x FROM t UNION SELECT COALESCE(c, v) FROM t");
        assertEquals("[a][3]", bracketed(c, "g"));
        assertEquals("[a]", bracketed(c, "d"));
        assertEquals("[a]", bracketed(c, "u"));
        deleteKey(c, "t", "id", 2);
        assertEquals("[a ][2]", bracketed(c, "g"));
        assertEquals("[a ]", bracketed(c, "d"));
        assertEquals("[a ]", bracketed(c, "u"));
        deleteKey(c, "t", "id", 3);
        assertEquals("[a  ][1]", bracketed(c, "g"));
        assertEquals("[a  ]", bracketed(c, "d"));
        assertEquals("[a  ]", bracketed(c, "u"));
    }

    @Test
    void minAndMaxShowASpellingThatARowStillHas() {
        Circuit c = circuit("CREATE VIEW m AS SELECT MIN(COALESCE(c, v)) AS lo, MAX(COALESCE(c, v)) AS hi FROM t");
        assertEquals("[a][a]", bracketed(c, "m"));
        deleteKey(c, "t", "id", 2);
        assertEquals("[a ][a ]", bracketed(c, "m"));
        deleteKey(c, "t", "id", 3);
        assertEquals("[a  ][a  ]", bracketed(c, "m"));
    }

    @Test
    void viewsOfASnapshotFromBeforeSpellingsAreEvaluatedAfresh() throws IOException {
        Circuit c = circuit("CREATE VIEW w AS SELECT COALESCE(c, v) AS x FROM t");
        // As the engine before SVC4 kept it: the three rows merged into one spelling.
        ZSet merged = new ZSet();
        merged.add(Row.of(new FixedChar("a", 3)), 3);
        CircuitImage now = c.image();
        CircuitImage.ViewImage w = now.views.get(0);
        CircuitImage old = new CircuitImage(
                now.version,
                now.tables,
                List.of(new CircuitImage.ViewImage(
                        w.name(), w.sql(), w.revision(), ZSetImage.of(merged), w.operatorState())));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CircuitSnapshot.write(new DataOutputStream(bytes), old, 0x53564333);
        byte[] svc3 = bytes.toByteArray();
        Circuit restored = Circuit.readSnapshot(new DataInputStream(new ByteArrayInputStream(svc3)));
        assertEquals("[a] [a ] [a  ]", bracketed(restored, "w"));
        deleteKey(restored, "t", "id", 2);
        assertEquals("[a ] [a  ]", bracketed(restored, "w"));
    }

    @Test
    void spellingsSurviveASnapshot() throws IOException {
        Circuit c = circuit("CREATE VIEW g AS SELECT COALESCE(c, v) AS x, COUNT(*) AS n FROM t GROUP BY COALESCE(c, v);"
                + "CREATE VIEW d AS SELECT DISTINCT COALESCE(c, v) AS x FROM t;"
                + "CREATE VIEW m AS SELECT MIN(COALESCE(c, v)) AS lo FROM t");
        Circuit restored = SnapshotTest.roundTrip(c);
        deleteKey(restored, "t", "id", 2);
        assertEquals("[a ][2]", bracketed(restored, "g"));
        assertEquals("[a ]", bracketed(restored, "d"));
        assertEquals("[a ]", bracketed(restored, "m"));
    }
}
