package io.shardview.circuit.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.DdlResult;
import io.shardview.circuit.PostgresMirror;
import io.shardview.circuit.TestCircuits;
import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.error.RejectionKind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A correlated subquery whose WHERE has an IN under OR (a list of 20 values or more, or a subquery) beside a condition
 * reading the outer row ({@link CorrelatedFiltersAboveMarks}, SQL revision 12): refused as a correlated subquery before
 * (DifferentialTest seed 10357976398385). Each view equals PostgreSQL 15's answer and the circuit's own recomputation
 * after each of 40 random batches, across a snapshot; revision 11 still refuses them, so its journals replay as they
 * were accepted.
 */
class CorrelatedInUnderOrTest {
    private static final String TABLES = "CREATE TABLE t0 (id INT PRIMARY KEY, k INT, s TEXT);"
            + " CREATE TABLE t1 (id INT, sub TEXT, k INT, PRIMARY KEY (id, sub))";

    /** 21 strings: Calcite plans the list as an IN over VALUES, a mark under OR. */
    private static final String LONG_LIST =
            "('a', 'c', 'e', 'g', 'i', 'k', 'm', 'o', 'q', 's', 'u', 'w', 'y', 'aa', 'bb', 'cc', 'dd', 'ee', 'ff',"
                    + " 'gg', 'hh')";

    private static final List<String> VIEWS = List.of(
            // The shape DifferentialTest found, reduced.
            "SELECT a.id, a.s FROM t0 a WHERE EXISTS (SELECT 1 FROM t1 b WHERE (b.k IS NULL OR b.sub IN " + LONG_LIST
                    + ") AND b.id = a.k) OR a.k > a.id",
            "SELECT a.id, EXISTS (SELECT 1 FROM t1 b WHERE (b.k > 3 OR b.sub IN " + LONG_LIST
                    + ") AND b.id = a.k) AS e FROM t0 a",
            "SELECT a.id, (SELECT COUNT(*) FROM t1 b WHERE (b.k IS NULL OR b.sub IN " + LONG_LIST
                    + ") AND b.id = a.k) AS n FROM t0 a",
            // An uncorrelated IN subquery, a NOT IN, a correlation by a comparison.
            "SELECT a.id FROM t0 a WHERE EXISTS (SELECT 1 FROM t1 b WHERE (b.k = 0 OR b.sub IN (SELECT s FROM t0))"
                    + " AND b.id = a.k)",
            "SELECT a.id FROM t0 a WHERE EXISTS (SELECT 1 FROM t1 b WHERE (b.k = 0 OR b.sub NOT IN"
                    + " (SELECT s FROM t0 WHERE s IS NOT NULL)) AND b.id = a.k)",
            "SELECT a.id, (SELECT MAX(b.k) FROM t1 b WHERE (b.k < 2 OR b.sub IN " + LONG_LIST
                    + ") AND b.id >= a.k) AS m FROM t0 a");

    @Test
    void correlatedSubqueriesWithAnInUnderOrEqualPostgresAfterEveryBatch() throws Exception {
        try (PostgresMirror pg = new PostgresMirror()) {
            pg.reset();
            pg.execute(TABLES);
            Circuit circuit = TestCircuits.circuit(TABLES);
            PostgresMirror.createViews(circuit, VIEWS);
            SplittableRandom random = new SplittableRandom(41);
            Set<Integer> t0 = new HashSet<>();
            Set<String> t1 = new HashSet<>();
            String[] strings = {"a", "b", "c", "gg", "zz", null};
            for (int batch = 0; batch < 40; batch++) {
                List<Op> ops = new ArrayList<>();
                List<String> statements = new ArrayList<>();
                Set<String> touched = new HashSet<>();
                for (int i = 0; i < 1 + random.nextInt(8); i++) {
                    int id = random.nextInt(10);
                    Integer k = random.nextInt(6) == 0 ? null : random.nextInt(-2, 10);
                    if (random.nextBoolean()) {
                        if (!touched.add("t0 " + id)) continue;
                        statements.add("DELETE FROM t0 WHERE id = " + id);
                        if (t0.contains(id) && random.nextInt(3) == 0) {
                            t0.remove(id);
                            ops.add(Op.deleteKey("t0", Map.of("id", id)));
                            continue;
                        }
                        String s = strings[random.nextInt(strings.length)];
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("id", id);
                        row.put("k", k);
                        row.put("s", s);
                        ops.add(t0.add(id) ? Op.insert("t0", row) : Op.update("t0", row));
                        statements.add("INSERT INTO t0 VALUES (" + id + ", " + k + ", "
                                + (s == null ? "NULL" : "'" + s + "'") + ")");
                    } else {
                        String sub = strings[random.nextInt(strings.length - 1)];
                        String key = id + " " + sub;
                        if (!touched.add("t1 " + key)) continue;
                        statements.add("DELETE FROM t1 WHERE id = " + id + " AND sub = '" + sub + "'");
                        if (t1.contains(key) && random.nextInt(3) == 0) {
                            t1.remove(key);
                            ops.add(Op.deleteKey("t1", Map.of("id", id, "sub", sub)));
                            continue;
                        }
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("id", id);
                        row.put("sub", sub);
                        row.put("k", k);
                        ops.add(t1.add(key) ? Op.insert("t1", row) : Op.update("t1", row));
                        statements.add("INSERT INTO t1 VALUES (" + id + ", '" + sub + "', " + k + ")");
                    }
                }
                assertInstanceOf(BatchOutcome.Accepted.class, circuit.applyBatch(ops), "batch " + batch);
                for (String statement : statements) pg.execute(statement);
                pg.assertViewsEqual(circuit, VIEWS, "batch " + batch);
                if (batch == 20) circuit = TestCircuits.restored(circuit);
            }
        }
    }

    @Test
    void revisionElevenStillRefusesThemAndAValueThatMayFailStaysRefused() {
        Circuit c = new Circuit();
        assertInstanceOf(DdlResult.Applied.class, c.replaySql(TABLES, 11));
        for (String select : VIEWS.subList(0, 3)) {
            DdlResult.Rejected refused =
                    assertInstanceOf(DdlResult.Rejected.class, c.replaySql("CREATE VIEW v AS " + select, 11), select);
            assertEquals(RejectionKind.UNSUPPORTED, refused.kind(), select);
        }
        // The mark would compute CAST(b.sub AS INT) for rows no outer row meets, where PostgreSQL computes it only for
        // the rows of each outer row's subquery: a view that fails there would fail here.
        DdlResult.Rejected refused = assertInstanceOf(
                DdlResult.Rejected.class,
                c.executeSql("CREATE VIEW v AS SELECT a.id FROM t0 a WHERE EXISTS (SELECT 1 FROM t1 b WHERE (b.k = 0 OR"
                        + " CAST(b.sub AS INT) IN (SELECT k FROM t0)) AND b.id = a.k)"));
        assertEquals(RejectionKind.UNSUPPORTED, refused.kind());
    }
}
