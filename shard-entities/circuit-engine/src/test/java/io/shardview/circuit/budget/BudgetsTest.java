package io.shardview.circuit.budget;

import static io.shardview.circuit.TestCircuits.circuit;
import static io.shardview.circuit.TestCircuits.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.DdlResult;
import io.shardview.circuit.QueryResult;
import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.error.RejectionKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A request that would pass one of its tenant's budgets stops there, changes nothing, and says which budget, its
 * value and how far it got; the state a circuit holds is counted as deltas apply and survives a snapshot.
 */
class BudgetsTest {
    private static final Budgets GENEROUS = new Budgets(1_000_000, 1L << 30, 100_000, 100, 10_000);

    /** SQLite's select5 shape: keyless tables of 10 rows, a comma join linked by equalities only in WHERE. */
    private static String tables(int n) {
        StringBuilder ddl = new StringBuilder();
        for (int t = 1; t <= n; t++) ddl.append("CREATE TABLE t").append(t).append(" (a INT, b INT);");
        return ddl.toString();
    }

    /**
     * A join of {@code n} tables whose only condition reads all of them (no plan can join them but as a product): as
     * many rows as the product of the tables' sizes.
     */
    private static String productJoin(String name, int n) {
        StringBuilder from = new StringBuilder();
        StringBuilder sum = new StringBuilder();
        for (int t = 1; t <= n; t++) {
            from.append(t == 1 ? "" : ", ").append("t").append(t);
            sum.append(t == 1 ? "" : " + ").append("t").append(t).append(".a");
        }
        return "CREATE VIEW " + name + " AS SELECT t1.a, t" + n + ".b FROM " + from + " WHERE " + sum + " >= 0";
    }

    private static List<Op> rowsOf(int tables, int perTable) {
        List<Op> ops = new ArrayList<>();
        for (int t = 1; t <= tables; t++)
            for (int i = 0; i < perTable; i++) ops.add(Op.insert("t" + t, row("a", i, "b", i)));
        return ops;
    }

    @Test
    void aCrossProductBatchStopsAtTheRowsBudgetAndChangesNothing() {
        Circuit c = circuit(tables(8));
        DdlResult created = c.executeSql(productJoin("v8", 8));
        assertInstanceOf(DdlResult.Applied.class, created, created.toString());
        c.setBudgets(GENEROUS);
        long version = c.version();
        long rows = c.stateRows();
        long bytes = c.stateBytes();

        // 8 tables of 10 rows: 10^8 rows.
        BatchOutcome outcome = c.applyBatch(rowsOf(8, 10));

        BatchOutcome.OverBudget over = assertInstanceOf(BatchOutcome.OverBudget.class, outcome, outcome.toString());
        assertEquals("v8", over.view());
        assertEquals(Budgets.ROWS_PER_REQUEST, over.budget());
        assertEquals(100_000, over.limit());
        assertTrue(over.reached() > 100_000 && over.reached() <= 100_000 + 1024, "stopped at " + over.reached());
        assertEquals(version, c.version());
        assertEquals(rows, c.stateRows());
        assertEquals(bytes, c.stateBytes());
        assertEquals(0, c.read("t1", 10, null).orElseThrow().count());

        // The join's state is as before: a batch within the budget gives what a from-scratch evaluation gives.
        c.setBudgets(Budgets.UNLIMITED);
        BatchOutcome small = c.applyBatch(rowsOf(8, 2));
        assertInstanceOf(BatchOutcome.Accepted.class, small, small.toString());
        assertEquals(c.recompute("v8"), c.content("v8"));
    }

    @Test
    void aViewWhoseFillingPassesTheRowsBudgetIsRefusedBeforeItFillsMemory() {
        Circuit c = circuit(tables(12));
        assertInstanceOf(BatchOutcome.Accepted.class, c.applyBatch(rowsOf(12, 10)));
        c.setBudgets(GENEROUS);
        long version = c.version();

        DdlResult result = c.executeSql(productJoin("v12", 12)); // 10^12 rows if it ran to the end

        DdlResult.Rejected rejected = assertInstanceOf(DdlResult.Rejected.class, result, result.toString());
        assertEquals(RejectionKind.LIMIT_EXCEEDED, rejected.kind());
        assertEquals(Budgets.ROWS_PER_REQUEST, rejected.details().get("limit"));
        assertEquals(100_000L, rejected.details().get("max"));
        assertTrue(rejected.message().contains("v12"), rejected.message());
        assertEquals(version, c.version());
        assertTrue(c.columns("v12").isEmpty(), "no view was created");
    }

    /** Tables a and b of ten rows each, and a view j joining them one to one. */
    private static Circuit tenJoinedPairs() {
        Circuit c = circuit("CREATE TABLE a (id INT NOT NULL, k INT, PRIMARY KEY (id));"
                + "CREATE TABLE b (id INT NOT NULL, k INT, PRIMARY KEY (id));"
                + "CREATE VIEW j AS SELECT a.id, b.id AS bid FROM a JOIN b ON a.k = b.k");
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ops.add(Op.insert("a", row("id", i, "k", i)));
            ops.add(Op.insert("b", row("id", i, "k", i)));
        }
        assertInstanceOf(BatchOutcome.Accepted.class, c.applyBatch(ops));
        return c;
    }

    @Test
    void stateRowsCountTablesViewsAndOperatorStateAndStopABatchThatWouldPassThem() {
        Circuit c = tenJoinedPairs();
        // 20 table rows, 10 view rows, 20 rows in the join's two arrangements.
        assertEquals(50, c.stateRows());
        assertTrue(c.stateBytes() > 50 * 16, "bytes " + c.stateBytes());

        c.setBudgets(new Budgets(54, 1L << 30, 100_000, 100, 10_000));
        // One more pair: 2 table rows, 2 arrangement rows, 1 view row = 55, one past the budget.
        BatchOutcome over =
                c.applyBatch(List.of(Op.insert("a", row("id", 10, "k", 10)), Op.insert("b", row("id", 10, "k", 10))));
        BatchOutcome.OverBudget refused = assertInstanceOf(BatchOutcome.OverBudget.class, over, over.toString());
        assertEquals(Budgets.STATE_ROWS, refused.budget());
        assertEquals(55, refused.reached());
        assertEquals(50, c.stateRows());
        assertEquals(c.recompute("j"), c.content("j"));

        // Past the budget within the join's own arrangements (52 + 2 > 53): the join is undone too.
        c.setBudgets(new Budgets(53, 1L << 30, 100_000, 100, 10_000));
        BatchOutcome inJoin =
                c.applyBatch(List.of(Op.insert("a", row("id", 10, "k", 10)), Op.insert("b", row("id", 10, "k", 10))));
        assertEquals(
                54,
                assertInstanceOf(BatchOutcome.OverBudget.class, inJoin, inJoin.toString())
                        .reached());
        assertEquals(50, c.stateRows());
        assertEquals(c.recompute("j"), c.content("j"));
        c.setBudgets(new Budgets(54, 1L << 30, 100_000, 100, 10_000));

        // A table row alone fits (51 <= 54 ... with its arrangement row, 52).
        BatchOutcome fits = c.applyBatch(List.of(Op.insert("a", row("id", 10, "k", 10))));
        assertInstanceOf(BatchOutcome.Accepted.class, fits, fits.toString());
        assertEquals(52, c.stateRows());
        // Deletes free state.
        BatchOutcome freed = c.applyBatch(List.of(Op.deleteKey("a", row("id", 0)), Op.deleteKey("b", row("id", 0))));
        assertInstanceOf(BatchOutcome.Accepted.class, freed, freed.toString());
        assertEquals(47, c.stateRows());
    }

    /**
     * A view sharing another's operators counts only its rows once created: filled with operators of its own (their
     * state counted), it gives them up for the shared ones, whose state no longer counts for the next statement.
     */
    @Test
    void aViewSharingItsOperatorsCountsOnlyItsRows() {
        Circuit c = tenJoinedPairs();
        assertEquals(50, c.stateRows());
        // Each copy of j fills to 50 + 20 arrangement rows + 10 rows, then keeps its 10 rows: 60, then 70. Counting
        // the arrangements it gave up, the second would pass 95 (80 + 30).
        c.setBudgets(new Budgets(95, 1L << 30, 100_000, 100, 10_000));
        String copy = " AS SELECT a.id, b.id AS bid FROM a JOIN b ON a.k = b.k";
        DdlResult r = c.executeSql("CREATE VIEW j2" + copy + "; CREATE VIEW j3" + copy);
        assertInstanceOf(DdlResult.Applied.class, r, r.toString());
        assertEquals(70, c.stateRows());
    }

    @Test
    void stateBytesStopATableBatch() {
        Circuit c = circuit("CREATE TABLE t (id INT NOT NULL, s VARCHAR, PRIMARY KEY (id))");
        c.setBudgets(new Budgets(1_000_000, 10_000, 100_000, 100, 10_000));
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < 100; i++) ops.add(Op.insert("t", row("id", i, "s", "x".repeat(200))));
        BatchOutcome over = c.applyBatch(ops);
        BatchOutcome.OverBudget refused = assertInstanceOf(BatchOutcome.OverBudget.class, over, over.toString());
        assertEquals(Budgets.STATE_BYTES, refused.budget());
        assertEquals(null, refused.view());
        assertEquals(0, c.stateRows());
        assertEquals(0, c.stateBytes());
    }

    /**
     * The bytes a view's content would gain count against the budget: a batch whose table rows fit but whose view
     * rows do not is refused naming the view, and every view, the one that fitted included, is as it was.
     */
    @Test
    void stateBytesStopABatchWhoseViewWouldPassThem() {
        Circuit c = circuit("CREATE TABLE t (id INT NOT NULL, s VARCHAR, PRIMARY KEY (id));"
                + "CREATE VIEW ids AS SELECT id FROM t;"
                + "CREATE VIEW wide AS SELECT id, s || s || s || s || s || s || s || s AS s8 FROM t");
        assertInstanceOf(BatchOutcome.Accepted.class, c.applyBatch(List.of(Op.insert("t", row("id", 0, "s", "x")))));
        long rows = c.stateRows();
        long bytes = c.stateBytes();
        String ids = c.read("ids", 10, null).orElseThrow().hash();
        String wide = c.read("wide", 10, null).orElseThrow().hash();
        List<Op> ops = new ArrayList<>();
        for (int i = 1; i <= 10; i++) ops.add(Op.insert("t", row("id", i, "s", "y".repeat(200))));

        // The table's 10 rows (about 2,500 bytes) and ids' fit; wide's 10 rows of 1,600 characters do not.
        c.setBudgets(new Budgets(1_000_000, bytes + 6_000, 100_000, 100, 10_000));
        BatchOutcome over = c.applyBatch(ops);
        BatchOutcome.OverBudget refused = assertInstanceOf(BatchOutcome.OverBudget.class, over, over.toString());
        assertEquals(Budgets.STATE_BYTES, refused.budget());
        assertEquals("wide", refused.view());
        assertEquals(rows, c.stateRows());
        assertEquals(bytes, c.stateBytes());
        assertEquals(ids, c.read("ids", 10, null).orElseThrow().hash());
        assertEquals(wide, c.read("wide", 10, null).orElseThrow().hash());
        assertEquals(1, c.read("ids", 10, null).orElseThrow().count());
        assertEquals(c.recompute("ids"), c.content("ids"));
        assertEquals(c.recompute("wide"), c.content("wide"));

        // With room, the same batch is accepted and the views are what they would be computed from scratch.
        c.setBudgets(GENEROUS);
        assertInstanceOf(BatchOutcome.Accepted.class, c.applyBatch(ops));
        assertEquals(11, c.read("wide", 100, null).orElseThrow().count());
        assertEquals(c.recompute("ids"), c.content("ids"));
        assertEquals(c.recompute("wide"), c.content("wide"));
        assertTrue(c.stateBytes() > bytes + 16_000, "bytes " + c.stateBytes());
    }

    @Test
    void batchOpsAndViewsHaveTheirBudgets() {
        Circuit c = circuit("CREATE TABLE t (id INT NOT NULL, PRIMARY KEY (id)); CREATE VIEW v1 AS SELECT id FROM t");
        c.setBudgets(new Budgets(1_000_000, 1L << 30, 100_000, 2, 3));
        List<Op> four = new ArrayList<>();
        for (int i = 0; i < 4; i++) four.add(Op.insert("t", row("id", i)));
        BatchOutcome over = c.applyBatch(four);
        BatchOutcome.OverBudget refused = assertInstanceOf(BatchOutcome.OverBudget.class, over, over.toString());
        assertEquals(Budgets.BATCH_OPS, refused.budget());
        assertEquals(4, refused.reached());
        assertInstanceOf(BatchOutcome.Accepted.class, c.applyBatch(four.subList(0, 3)));

        DdlResult two = c.executeSql("CREATE VIEW v2 AS SELECT id FROM t WHERE id > 1");
        assertInstanceOf(DdlResult.Applied.class, two, two.toString());
        DdlResult three = c.executeSql("CREATE VIEW v3 AS SELECT id FROM t WHERE id > 2");
        DdlResult.Rejected rejected = assertInstanceOf(DdlResult.Rejected.class, three, three.toString());
        assertEquals(RejectionKind.LIMIT_EXCEEDED, rejected.kind());
        assertEquals(Budgets.VIEWS, rejected.details().get("limit"));
        // Dropping one makes room again, in the same request.
        assertInstanceOf(
                DdlResult.Applied.class, c.executeSql("DROP VIEW v1; CREATE VIEW v3 AS SELECT id FROM t WHERE id > 2"));
    }

    @Test
    void aQueryIsHeldToTheRowsBudget() {
        Circuit c = circuit(tables(6));
        assertInstanceOf(BatchOutcome.Accepted.class, c.applyBatch(rowsOf(6, 10)));
        c.setBudgets(GENEROUS);
        // The condition reads every table, so no plan avoids the product (a bare count(*) of it is one row's copies).
        QueryResult result = c.query("SELECT count(*) FROM t1, t2, t3, t4, t5, t6"
                + " WHERE t1.a + t2.a + t3.a + t4.a + t5.a + t6.a > -1000000");
        QueryResult.Rejected rejected = assertInstanceOf(QueryResult.Rejected.class, result, result.toString());
        assertEquals(RejectionKind.LIMIT_EXCEEDED, rejected.kind());
        assertEquals(Budgets.ROWS_PER_REQUEST, rejected.details().get("limit"));
    }

    @Test
    void aCountOfAProductCountsCopiesAndFailsPastTwoTo63() {
        Circuit c = circuit(tables(20));
        assertInstanceOf(BatchOutcome.Accepted.class, c.applyBatch(rowsOf(20, 10)));
        c.setBudgets(GENEROUS);
        // No column of the product is read: its inputs keep none, so it is one row of 10^6 copies, not 10^6 rows.
        QueryResult six = c.query("SELECT count(*) FROM t1, t2, t3, t4, t5, t6");
        QueryResult.Rows rows = assertInstanceOf(QueryResult.Rows.class, six, six.toString());
        assertEquals(1_000_000L, ((Number) rows.rows().get(0).toArray()[0]).longValue());
        StringBuilder from = new StringBuilder("t1");
        for (int t = 2; t <= 20; t++) from.append(", t").append(t);
        QueryResult twenty = c.query("SELECT count(*) FROM " + from); // 10^20 copies
        QueryResult.Rejected rejected = assertInstanceOf(QueryResult.Rejected.class, twenty, twenty.toString());
        assertTrue(rejected.message().contains("exceed 2^63"), rejected.message());
    }

    @Test
    void theStateCountsAreRebuiltFromASnapshot() throws IOException {
        Circuit c = circuit("CREATE TABLE a (id INT NOT NULL, k INT, s VARCHAR, PRIMARY KEY (id));"
                + "CREATE TABLE m (k INT, s VARCHAR);"
                + "CREATE VIEW j AS SELECT a.id, m.s FROM a JOIN m ON a.k = m.k;"
                + "CREATE VIEW r AS SELECT a.id, m.k FROM a JOIN m ON a.k < m.k;"
                + "CREATE VIEW g AS SELECT k, count(*) AS n, max(s) AS s FROM m GROUP BY k;"
                + "CREATE VIEW d AS SELECT DISTINCT k FROM m;"
                + "CREATE VIEW l AS SELECT a.id, m.s FROM a LEFT JOIN m ON a.k = m.k AND m.s <> a.s");
        Random random = new Random(7);
        for (int batch = 0; batch < 20; batch++) {
            List<Op> ops = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int id = random.nextInt(40);
                String s = "s" + random.nextInt(5);
                ops.add(Op.upsert("a", row("id", id, "k", random.nextInt(6), "s", s)));
                ops.add(Op.insert("m", row("k", random.nextInt(6), "s", s)));
            }
            assertInstanceOf(BatchOutcome.Accepted.class, c.applyBatch(ops));
        }
        long rows = c.stateRows();
        long bytes = c.stateBytes();
        assertTrue(rows > 400, "rows " + rows);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        c.writeSnapshot(new DataOutputStream(out));
        Circuit restored = Circuit.readSnapshot(new DataInputStream(new ByteArrayInputStream(out.toByteArray())));

        assertEquals(rows, restored.stateRows());
        assertEquals(bytes, restored.stateBytes());
    }
}
