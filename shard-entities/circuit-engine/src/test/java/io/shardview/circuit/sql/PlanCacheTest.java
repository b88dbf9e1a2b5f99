package io.shardview.circuit.sql;

import static io.shardview.circuit.TestCircuits.applyAndCheck;
import static io.shardview.circuit.TestCircuits.circuit;
import static io.shardview.circuit.TestCircuits.row;
import static io.shardview.circuit.TestCircuits.shown;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.catalog.Column;
import io.shardview.circuit.pg.ColumnType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.calcite.rel.RelNode;
import org.junit.jupiter.api.Test;

/**
 * Circuits share the plans of equal SELECTs over equally typed relations, and only those: a shared plan gives each
 * circuit its own operators and state, and a different column type gets a plan of its own.
 */
class PlanCacheTest {
    /** A SELECT no other test plans, so the first plan of it here is a miss whatever ran before in this JVM. */
    private static String unique(String select) {
        return select + " /* " + System.nanoTime() + " */";
    }

    @Test
    void aSecondCircuitWithTheSameSchemaPlansNothingAndKeepsItsOwnState() {
        String ddl = "CREATE TABLE t (id INT NOT NULL, g INT, v INT, PRIMARY KEY (id));"
                + "CREATE VIEW sums AS " + unique("SELECT g, SUM(v) AS s, COUNT(*) AS n FROM t GROUP BY g") + ";"
                + "CREATE VIEW big AS " + unique("SELECT id, v FROM t WHERE v > 10");
        PlanCache.Stats before = PlanCache.stats();
        Circuit a = circuit(ddl);
        PlanCache.Stats afterFirst = PlanCache.stats();
        Circuit b = circuit(ddl);
        PlanCache.Stats afterSecond = PlanCache.stats();
        assertEquals(2, afterFirst.misses() - before.misses(), "the first circuit plans both views");
        assertEquals(2, afterSecond.hits() - afterFirst.hits(), "the second takes both plans from the cache");
        assertEquals(afterFirst.misses(), afterSecond.misses());

        List<String> views = List.of("sums", "big");
        applyAndCheck(
                a, views, Op.insert("t", row("id", 1, "g", 1, "v", 20)), Op.insert("t", row("id", 2, "g", 1, "v", 5)));
        applyAndCheck(b, views, Op.insert("t", row("id", 1, "g", 2, "v", 7)));
        assertEquals("1:25:2 | 1:20", shown(a, views));
        assertEquals("2:7:1 | ", shown(b, views));
    }

    @Test
    void theSameSelectOverAnotherColumnTypeIsPlannedForThatType() {
        String select = unique("SELECT a / 2 AS half FROM t");
        Circuit ints = circuit("CREATE TABLE t (a INT); CREATE VIEW v AS " + select);
        Circuit doubles = circuit("CREATE TABLE t (a DOUBLE PRECISION); CREATE VIEW v AS " + select);
        assertNotEquals(ints.columns("v").orElseThrow(), doubles.columns("v").orElseThrow());
        applyAndCheck(ints, List.of("v"), Op.insert("t", row("a", 5)));
        applyAndCheck(doubles, List.of("v"), Op.insert("t", row("a", 5.0)));
        assertEquals("2", shown(ints, List.of("v")));
        assertEquals("2.5", shown(doubles, List.of("v")));
    }

    @Test
    void aSnapshotRestoredFromACachedPlanHasTheSameContent() throws Exception {
        // counts' plan is kept in the snapshot as text; ranks' (a window) is not, so a restore plans it.
        Circuit original = circuit("CREATE TABLE t (id INT NOT NULL, g INT, PRIMARY KEY (id));"
                + "CREATE VIEW counts AS " + unique("SELECT g, COUNT(*) AS n FROM t GROUP BY g") + ";"
                + "CREATE VIEW ranks AS " + unique("SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS r FROM t"));
        applyAndCheck(
                original,
                List.of("counts", "ranks"),
                Op.insert("t", row("id", 1, "g", 3)),
                Op.insert("t", row("id", 2, "g", 3)));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        original.writeSnapshot(new DataOutputStream(bytes));
        // A view is restored as accepted SQL (no depth limit, older revisions' rules), planned apart from new
        // requests: the first restore plans ranks, the next takes the plan the first kept; counts comes from its text.
        Circuit.readSnapshot(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        long hits = PlanCache.stats().hits();
        Circuit restored = Circuit.readSnapshot(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(hits + 1, PlanCache.stats().hits(), "the second restore compiles ranks from the kept plan");
        assertEquals(1, restored.viewsFromPlans(), "counts from its plan as text");
        for (String view : List.of("counts", "ranks"))
            assertEquals(shown(original, List.of(view)), shown(restored, List.of(view)));
        applyAndCheck(restored, List.of("counts", "ranks"), Op.insert("t", row("id", 3, "g", 4)));
        assertEquals("3:2 4:1", shown(restored, List.of("counts")));
        assertEquals("3:2", shown(original, List.of("counts")), "the original's state is its own");
    }

    @Test
    void circuitsAskingForTheSamePlanAtOnceWaitForOnePlanning() throws Exception {
        String select = unique("SELECT a FROM t WHERE a > 1");
        Map<String, List<Column>> relations = Map.of("t", List.of(new Column("a", ColumnType.INT, true, 0, 0, 0)));
        PlanCache.Key key = new PlanCache.Key(select, true, 3, Integer.MAX_VALUE);
        Relations lookup = Relations.of(relations);
        AtomicInteger plannings = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        var pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<RelNode>> plans = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                plans.add(pool.submit(() -> {
                    start.await();
                    return PlanCache.plan(key, lookup, () -> {
                        plannings.incrementAndGet();
                        try {
                            Thread.sleep(300); // long enough for the others to find it in flight
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                        return SqlPlanner.planAfresh(select, lookup, true, 3, Integer.MAX_VALUE);
                    });
                }));
            }
            start.countDown();
            RelNode first = plans.get(0).get();
            for (var plan : plans) assertSame(first, plan.get(), "every circuit gets the one plan");
            assertEquals(1, plannings.get(), "planned once");
        } finally {
            pool.shutdown();
        }
    }

    /** Relations of a tenant with many, counting what planning asks of them. */
    private static final class Counted implements Relations {
        final Map<String, List<Column>> relations = new java.util.HashMap<>();
        final List<String> lookedUp = new ArrayList<>();
        int listed;

        Counted(int tables) {
            for (int i = 0; i < tables; i++) {
                relations.put("t" + i, List.of(new Column("a", ColumnType.INT, true, 0, 0, 0)));
            }
        }

        @Override
        public List<Column> columns(String name) {
            lookedUp.add(name);
            return relations.get(name);
        }

        @Override
        public java.util.Set<String> names() {
            listed++;
            return relations.keySet();
        }
    }

    @Test
    void planningAsksOnlyForTheRelationsTheSelectNamesAndLetsGoOfTheRestAfter() throws Exception {
        Counted tenant = new Counted(5_000);
        PlanCache.Planned planned = SqlPlanner.planAfresh(
                unique("SELECT x.a, y.a FROM t17 x JOIN t4000 y ON x.a = y.a WHERE x.a > (SELECT MAX(a) FROM t3)"),
                tenant,
                false,
                Circuit.SQL_REVISION,
                Integer.MAX_VALUE);
        assertEquals(java.util.Set.of("t17", "t4000", "t3"), java.util.Set.copyOf(tenant.lookedUp));
        assertEquals(0, tenant.listed, "no relation listed");
        assertEquals(
                java.util.Set.of("t17", "t4000", "t3"), planned.reads().found().keySet());
        // The plan keeps its catalog, which no longer reaches the tenant's relations.
        List<org.apache.calcite.plan.RelOptTable> scanned = new ArrayList<>();
        planned.plan().accept(new org.apache.calcite.rel.RelShuttleImpl() {
            @Override
            public RelNode visit(org.apache.calcite.rel.core.TableScan scan) {
                scanned.add(scan.getTable());
                return scan;
            }
        });
        int asked = tenant.lookedUp.size();
        assertEquals(null, scanned.get(0).getRelOptSchema().getTableForMember(List.of("t9")));
        assertEquals(asked, tenant.lookedUp.size(), "the plan's catalog asks the tenant nothing more");
    }

    @Test
    void aPlanHoldsWhereTheRelationsItReadAreTheSameWhateverElseTheTenantHolds() throws Exception {
        String select = unique("SELECT a FROM t1 WHERE a > 0");
        Counted small = new Counted(2);
        Counted large = new Counted(3_000);
        long hits = PlanCache.stats().hits();
        RelNode first = SqlPlanner.plan(select, small, false, Circuit.SQL_REVISION, Integer.MAX_VALUE);
        RelNode second = SqlPlanner.plan(select, large, false, Circuit.SQL_REVISION, Integer.MAX_VALUE);
        assertSame(first, second, "the plan over t1 is taken from the cache");
        assertEquals(hits + 1, PlanCache.stats().hits());
        large.relations.put("t1", List.of(new Column("a", ColumnType.BIGINT, true, 0, 0, 0)));
        RelNode third = SqlPlanner.plan(select, large, false, Circuit.SQL_REVISION, Integer.MAX_VALUE);
        assertNotEquals(first.getRowType().toString(), third.getRowType().toString(), "t1 changed: planned again");
    }
}
