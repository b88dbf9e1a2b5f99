package io.shardview.circuit;

import static io.shardview.circuit.TestCircuits.circuit;
import static io.shardview.circuit.TestCircuits.row;
import static io.shardview.circuit.TestCircuits.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.data.Row;
import io.shardview.circuit.error.RejectionKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SQL runtime errors (division by zero, overflow, invalid casts) fail the batch or view creation that
 * hits them, as PostgreSQL fails the statement, and change nothing.
 */
class EvaluationErrorTest {
    private static final String SCHEMA = "CREATE TABLE t (k INT PRIMARY KEY, a INT, b INT, s VARCHAR);"
            + "CREATE TABLE u (k INT PRIMARY KEY, x INT);"
            + "CREATE VIEW total AS SELECT COUNT(*) AS n, SUM(a) AS sa FROM t;"
            + "CREATE VIEW ratio AS SELECT k, a / b AS r FROM t;"
            + "CREATE VIEW j AS SELECT t.k, u.x FROM t JOIN u ON t.k = u.k AND t.a / u.x > 0;"
            + "CREATE VIEW positive AS SELECT r FROM ratio WHERE r > 0;"
            + "CREATE VIEW by_a AS SELECT a, MIN(b) AS mb FROM t GROUP BY a";

    /** Everything a reader can observe: version, every relation's rows and hash. */
    private static Map<String, Object> observe(Circuit c) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("version", c.version());
        for (String name : List.of("t", "u", "total", "ratio", "j", "positive", "by_a")) {
            RowsPage page = c.read(name, Integer.MAX_VALUE, null).orElseThrow();
            out.put(name, List.of(page.hash(), page.rows()));
        }
        return out;
    }

    private static Circuit filled(long parallelWork) {
        Circuit c = circuit(SCHEMA);
        c.setParallelWork(parallelWork);
        assertInstanceOf(
                BatchOutcome.Accepted.class,
                c.applyBatch(List.of(
                        Op.insert("t", row("k", 1, "a", 6, "b", 2, "s", "7")),
                                Op.insert("t", row("k", 2, "a", 5, "b", -1)),
                        Op.insert("u", row("k", 1, "x", 3)), Op.insert("u", row("k", 2, "x", 4)))));
        return c;
    }

    private static void assertFailed(BatchOutcome outcome, String view, String problem) {
        BatchOutcome.Failed failed = assertInstanceOf(BatchOutcome.Failed.class, outcome, String.valueOf(outcome));
        assertEquals(view, failed.view());
        assertEquals(problem, failed.problem());
        assertEquals("view " + view + ": " + problem, failed.message());
    }

    /** The views equal a from-scratch evaluation, so their operator state survived the failures intact. */
    private static void assertConsistent(Circuit c) {
        for (String v : List.of("total", "ratio", "j", "positive", "by_a")) {
            assertEquals(c.recompute(v), c.content(v), v);
        }
    }

    @ParameterizedTest(name = "parallel work threshold {0}")
    @ValueSource(longs = {1, Long.MAX_VALUE})
    void aBatchWhoseViewDividesByZeroIsRejectedAndChangesNothing(long parallelWork) {
        Circuit c = filled(parallelWork);
        Map<String, Object> before = observe(c);
        // total steps before ratio fails (in parallel, j and by_a too); the failure is known before positive steps.
        assertFailed(
                c.applyBatch(List.of(
                        Op.update("t", row("k", 1, "a", 9, "b", 3)),
                        Op.insert("u", row("k", 3, "x", 1)),
                        Op.insert("t", row("k", 3, "a", 1, "b", 0)))),
                "ratio",
                "division by zero");
        assertEquals(before, observe(c));
        assertConsistent(c);

        BatchOutcome.Accepted next = assertInstanceOf(
                BatchOutcome.Accepted.class,
                c.applyBatch(List.of(
                        Op.update("t", row("k", 1, "a", 9, "b", 3)), Op.insert("t", row("k", 3, "a", 1, "b", 1)))));
        assertEquals(3, next.version());
        assertEquals(List.of(Row.of(1L, 3L), Row.of(2L, -5L), Row.of(3L, 1L)), rows(c, "ratio"));
        assertConsistent(c);
    }

    @Test
    void anAbsOutsideItsTypeFailsTheBatchAsPostgresFailsTheStatement() {
        Circuit c = circuit("CREATE TABLE t (k INT PRIMARY KEY, a INT);"
                + "CREATE VIEW magnitude AS SELECT k, ABS(a) AS m, ABS(a - 1) + 1 AS n FROM t");
        assertInstanceOf(
                BatchOutcome.Accepted.class,
                c.applyBatch(List.of(Op.insert("t", row("k", 1, "a", -7)), Op.insert("t", row("k", 2, "a", 3)))));
        RowsPage before = c.read("magnitude", Integer.MAX_VALUE, null).orElseThrow();
        // PostgreSQL 15: SELECT abs(-2147483648) fails with "integer out of range".
        assertFailed(
                c.applyBatch(List.of(Op.insert("t", row("k", 3, "a", Integer.MIN_VALUE)))),
                "magnitude",
                "integer out of range");
        assertEquals(before, c.read("magnitude", Integer.MAX_VALUE, null).orElseThrow());
        assertEquals(List.of(Row.of(1L, 7L, 9L), Row.of(2L, 3L, 3L)), rows(c, "magnitude"));
        assertEquals(c.recompute("magnitude"), c.content("magnitude"));
    }

    @ParameterizedTest(name = "parallel work threshold {0}")
    @ValueSource(longs = {1, Long.MAX_VALUE})
    void aFailingJoinConditionLeavesTheJoinStateAsItWas(long parallelWork) {
        Circuit c = filled(parallelWork);
        Map<String, Object> before = observe(c);
        // The right side's new row meets the left side's new row with a zero divisor mid-step.
        assertFailed(
                c.applyBatch(List.of(Op.insert("t", row("k", 3, "a", 4, "b", 1)), Op.insert("u", row("k", 3, "x", 0)))),
                "j",
                "division by zero");
        assertEquals(before, observe(c));
        assertInstanceOf(
                BatchOutcome.Accepted.class,
                c.applyBatch(
                        List.of(Op.insert("t", row("k", 3, "a", 4, "b", 1)), Op.insert("u", row("k", 3, "x", 2)))));
        assertEquals(List.of(Row.of(1L, 3L), Row.of(2L, 4L), Row.of(3L, 2L)), rows(c, "j"));
        assertConsistent(c);
    }

    @Test
    void integerOverflowFollowsTheResultType() {
        Circuit c = circuit("CREATE TABLE t (k INT PRIMARY KEY, a INT, b BIGINT);"
                + "CREATE VIEW plus AS SELECT k, a + 1 AS a1 FROM t;"
                + "CREATE VIEW wide AS SELECT k, a + b AS ab, b * 2 AS b2 FROM t;"
                + "CREATE VIEW neg AS SELECT k, -a AS na FROM t");
        assertFailed(
                c.applyBatch(List.of(Op.insert("t", row("k", 1, "a", Integer.MAX_VALUE, "b", 0)))),
                "plus",
                "integer out of range");
        // INT + BIGINT is a bigint: no integer overflow, but b * 2 overflows the bigint.
        assertInstanceOf(
                BatchOutcome.Accepted.class,
                c.applyBatch(List.of(Op.insert("t", row("k", 2, "a", 5, "b", Integer.MAX_VALUE)))));
        assertEquals(List.of(Row.of(2L, 2147483652L, 4294967294L)), rows(c, "wide"));
        assertFailed(
                c.applyBatch(List.of(Op.insert("t", row("k", 3, "a", 1, "b", Long.MAX_VALUE / 2 + 1)))),
                "wide",
                "bigint out of range");
        assertFailed(
                c.applyBatch(List.of(Op.insert("t", row("k", 4, "a", Integer.MIN_VALUE, "b", 0)))),
                "neg",
                "integer out of range");
        assertEquals(2, c.version());
    }

    @Test
    void aNullOperandDoesNotSpareTheOtherOperandsEvaluation() {
        // PostgreSQL evaluates every argument of a strict operator before it sees a NULL: y = 12 / n, y + 12 / n and
        // s || 12 / n fail for y and s NULL and n 0 (checked in PostgreSQL 15), where CASE and COALESCE do not.
        Circuit c = circuit("CREATE TABLE t (k INT PRIMARY KEY, y INT, n INT, s VARCHAR);"
                + "CREATE VIEW lazy AS SELECT k, COALESCE(y, 1) AS c, CASE WHEN n = 0 THEN 0 ELSE 12 / n END AS q FROM t;"
                + "CREATE VIEW eq AS SELECT k FROM t WHERE y = 12 / n;"
                + "CREATE VIEW plus AS SELECT k, y + 12 / n AS p FROM t;"
                + "CREATE VIEW cat AS SELECT k, s || CAST(12 / n AS VARCHAR) AS t FROM t");
        assertFailed(c.applyBatch(List.of(Op.insert("t", row("k", 1, "n", 0)))), "eq", "division by zero");
        c.executeSql("DROP VIEW eq");
        assertFailed(c.applyBatch(List.of(Op.insert("t", row("k", 1, "n", 0)))), "plus", "division by zero");
        c.executeSql("DROP VIEW plus");
        assertFailed(c.applyBatch(List.of(Op.insert("t", row("k", 1, "n", 0)))), "cat", "division by zero");
        c.executeSql("DROP VIEW cat");
        assertInstanceOf(BatchOutcome.Accepted.class, c.applyBatch(List.of(Op.insert("t", row("k", 1, "n", 0)))));
        assertEquals(List.of(Row.of(1L, 1L, 0L)), rows(c, "lazy"));
    }

    @Test
    void aViewOfAnOlderSqlRevisionEvaluatesAsItDidThenAlsoAfterASnapshot() throws java.io.IOException {
        // A journal replayed after the upgrade: the view was created under revision 1, when y = 12 / n stopped at a
        // NULL y, and the batch below was accepted then; it must be accepted again on replay, and after a snapshot.
        Circuit old = new Circuit();
        assertInstanceOf(DdlResult.Applied.class, old.replaySql("CREATE TABLE t (k INT PRIMARY KEY, y INT, n INT)", 1));
        assertInstanceOf(
                DdlResult.Applied.class,
                old.replaySql(
                        "CREATE VIEW eq AS SELECT k FROM t WHERE y = 12 / n; CREATE VIEW c AS SELECT k, CAST(1.5 AS INTEGER) AS i FROM t",
                        1));
        assertInstanceOf(BatchOutcome.Accepted.class, old.applyBatch(List.of(Op.insert("t", row("k", 1, "n", 0)))));
        assertEquals(List.of(Row.of(1L, 1L)), rows(old, "c"), "Calcite folded the cast then, truncating");
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        old.writeSnapshot(new java.io.DataOutputStream(bytes));
        Circuit restored = Circuit.readSnapshot(
                new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
        assertInstanceOf(
                BatchOutcome.Accepted.class, restored.applyBatch(List.of(Op.insert("t", row("k", 2, "n", 0)))));
        assertEquals(List.of(Row.of(1L, 1L), Row.of(2L, 1L)), rows(restored, "c"));

        // The same views created now follow PostgreSQL.
        assertInstanceOf(
                DdlResult.Applied.class,
                restored.executeSql("CREATE VIEW c2 AS SELECT k, CAST(1.5 AS INTEGER) AS i FROM t"));
        assertEquals(List.of(Row.of(1L, 2L), Row.of(2L, 2L)), rows(restored, "c2"));
        DdlResult now = restored.executeSql("CREATE VIEW eq2 AS SELECT k FROM t WHERE y = 12 / n");
        assertEquals(
                RejectionKind.EVALUATION_ERROR,
                assertInstanceOf(DdlResult.Rejected.class, now).kind());
    }

    @Test
    void anInvalidCastFailsWithPostgresMessage() {
        Circuit c = circuit(
                "CREATE TABLE t (k INT PRIMARY KEY, s VARCHAR); CREATE VIEW n AS SELECT k, CAST(s AS INT) AS i FROM t");
        assertInstanceOf(BatchOutcome.Accepted.class, c.applyBatch(List.of(Op.insert("t", row("k", 1, "s", " 42 ")))));
        assertFailed(
                c.applyBatch(List.of(Op.insert("t", row("k", 2, "s", "x")))),
                "n",
                "invalid input syntax for type integer: \"x\"");
        assertFailed(
                c.applyBatch(List.of(Op.insert("t", row("k", 2, "s", "3000000000")))),
                "n",
                "value \"3000000000\" is out of range for type integer");
        assertEquals(List.of(Row.of(1L, 42L)), rows(c, "n"));
    }

    @Test
    void createViewOnDataThatFailsIsRefusedWithTheWholeRequest() {
        Circuit c = filled(Long.MAX_VALUE);
        Map<String, Object> before = observe(c);
        DdlResult r = c.executeSql(
                "CREATE VIEW fine AS SELECT k FROM t; CREATE VIEW bad AS SELECT k, 100 / (a - 5) AS q FROM t");
        DdlResult.Rejected rejected = assertInstanceOf(DdlResult.Rejected.class, r);
        assertEquals(new DdlResult.Rejected(1, RejectionKind.EVALUATION_ERROR, "view bad: division by zero"), rejected);
        assertEquals(before, observe(c));
        assertFalse(c.columns("fine").isPresent());
        DdlResult empty = c.executeSql("CREATE VIEW mean AS SELECT 10 / COUNT(*) AS q FROM t WHERE a > 100");
        assertEquals(
                RejectionKind.EVALUATION_ERROR,
                assertInstanceOf(DdlResult.Rejected.class, empty).kind());
    }

    @Test
    void aOneOffQueryThatFailsIsRejected() {
        Circuit c = filled(Long.MAX_VALUE);
        QueryResult q = c.query("SELECT k / (a - a) FROM t");
        assertEquals(new QueryResult.Rejected(RejectionKind.EVALUATION_ERROR, "query: division by zero"), q);
    }

    @Test
    void aFailureInOneOfManyBatchesOfARandomRunNeverLeaksState() {
        // A run where every third batch fails must end as a run that never saw the failing batches.
        Circuit failing = filled(Long.MAX_VALUE);
        Circuit clean = filled(Long.MAX_VALUE);
        List<BatchOutcome> accepted = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            List<Op> ops = List.of(
                    Op.upsert("t", row("k", i % 7, "a", i % 5, "b", i % 4 + 1, "s", "v" + i)),
                    Op.upsert("u", row("k", i % 5, "x", i % 3 + 1)));
            if (i % 3 == 0) {
                List<Op> bad = new ArrayList<>(ops);
                bad.add(Op.upsert("t", row("k", 100 + i, "a", 1, "b", 0)));
                assertInstanceOf(BatchOutcome.Failed.class, failing.applyBatch(bad));
            }
            BatchOutcome a = failing.applyBatch(ops);
            assertEquals(clean.applyBatch(ops), a);
            accepted.add(a);
        }
        assertEquals(observe(clean), observe(failing));
        assertEquals(30, accepted.size());
    }

    @Test
    void avgOfDoublesThatOverflowFailsTheBatchAsInPostgres() {
        Circuit c = circuit(
                "CREATE TABLE d (k INT PRIMARY KEY, x DOUBLE PRECISION); CREATE VIEW m AS SELECT AVG(x) AS a FROM d");
        assertInstanceOf(BatchOutcome.Accepted.class, c.applyBatch(List.of(Op.insert("d", row("k", 1, "x", 1e308)))));
        long version = c.version();
        // PostgreSQL: avg of 1e308 and 0 fails (its sum of squared deviations overflows), so the batch fails.
        assertFailed(c.applyBatch(List.of(Op.insert("d", row("k", 2, "x", 0.0)))), "m", "value out of range: overflow");
        assertEquals(version, c.version());
        assertEquals(List.of(1e308), rows(c, "m").stream().map(r -> r.get(0)).toList());
    }
}
