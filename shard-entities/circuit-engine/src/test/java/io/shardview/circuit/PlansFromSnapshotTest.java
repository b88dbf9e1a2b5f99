package io.shardview.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.snapshot.CircuitImage;
import io.shardview.circuit.snapshot.CircuitSnapshot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A snapshot keeps each view's plan as text where it reads back as the same plan (io.shardview.circuit.sql.PlanJson),
 * and a restore compiles those views from it without planning their SELECT. Differentially: random schemas, random
 * views of every construct the differential suite draws and random batches; after the restore every view equals its
 * twin in the circuit that was never restored, and its recomputation, after each of the batches that follow.
 */
class PlansFromSnapshotTest {
    @Test
    void viewsRestoredFromTheirPlansGoOnAsThePlannedOnes() throws Exception {
        int views = 0;
        int fromPlans = 0;
        for (long seed = 1; seed <= 16; seed++) {
            Random rnd = new Random(seed);
            RandomSchema schema = new RandomSchema(rnd);
            Circuit original = new Circuit();
            assertTrue(original.executeSql(schema.ddl()) instanceof DdlResult.Applied);
            RandomViews generator = new RandomViews(rnd, schema);
            RandomBatches ops = new RandomBatches(rnd, schema);
            List<String> names = new ArrayList<>();
            for (int v = 0; v < 10; v++) {
                String name = "v" + v;
                DdlResult r = original.executeSql("CREATE VIEW " + name + " AS " + generator.next(name));
                if (r instanceof DdlResult.Applied) names.add(name);
                else generator.discard(name);
            }
            for (int b = 0; b < 20; b++) apply(ops, rnd, original, null);
            Circuit restored = TestCircuits.restored(original);
            views += names.size();
            fromPlans += restored.viewsFromPlans();
            for (String view : names) {
                // names, types, nullability, lengths, precisions and scales, as the view describes its rows
                assertEquals(original.columns(view), restored.columns(view), "seed " + seed + ", view " + view);
            }
            for (int b = 0; b < 30; b++) {
                apply(ops, rnd, original, restored);
                for (String view : names) {
                    String where = "seed " + seed + ", batch " + b + ", view " + view;
                    assertEquals(hash(original, view), hash(restored, view), where);
                    assertEquals(restored.recompute(view), restored.content(view), where);
                }
            }
        }
        System.out.println("PlansFromSnapshotTest: " + fromPlans + " of " + views
                + " views restored from their plans as text, the rest planned");
        assertTrue(fromPlans >= views / 2, fromPlans + " of " + views + " views restored from their plans");
    }

    @Test
    void aPlanThatDoesNotReadIsPlannedInstead() throws Exception {
        Circuit c = TestCircuits.circuit("CREATE TABLE t (id BIGINT NOT NULL, x INT, PRIMARY KEY (id))");
        c.executeSql("CREATE VIEW big AS SELECT id FROM t WHERE x > 5");
        c.applyBatch(List.of(
                Op.insert("t", TestCircuits.row("id", 1, "x", 7)), Op.insert("t", TestCircuits.row("id", 2, "x", 3))));
        assertEquals(1, TestCircuits.restored(c).viewsFromPlans(), "a plan kept as text");
        CircuitImage now = c.image();
        CircuitImage.ViewImage w = now.views.get(0);
        CircuitImage damaged = new CircuitImage(
                now.version,
                now.tables,
                List.of(new CircuitImage.ViewImage(
                        w.name(),
                        w.sql(),
                        w.revision(),
                        w.content(),
                        w.operatorState(),
                        w.sharedState(),
                        () -> "{\"rels\": [")),
                Circuit.PLAN_TEXT_KEY);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CircuitSnapshot.write(new DataOutputStream(bytes), damaged);
        Circuit restored = Circuit.readSnapshot(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(0, restored.viewsFromPlans());
        assertEquals(TestCircuits.rows(c, "big"), TestCircuits.rows(restored, "big"));
        restored.applyBatch(List.of(Op.insert("t", TestCircuits.row("id", 3, "x", 9))));
        assertEquals(2, TestCircuits.rows(restored, "big").size());
    }

    /** The next random batch, applied to the circuit and to its twin alike (refused ones rolled back). */
    /**
     * A snapshot of another build of the engine (a rolling upgrade's, of the same SQL revision): its plans as text are
     * not used, since the planner and the operators a text names may differ; the views are planned, and the next
     * snapshot keeps this build's texts.
     */
    @Test
    void plansOfAnotherBuildArePlannedAgain() throws Exception {
        java.util.Properties build = new java.util.Properties();
        try (var in = Circuit.class.getResourceAsStream("engine-build.properties")) {
            build.load(in);
        }
        assertTrue(build.getProperty("build").matches("\\d{8}T\\d{6}\\.\\d{3}"), "the build wrote its time: " + build);

        Circuit c = TestCircuits.circuit("CREATE TABLE t (id BIGINT NOT NULL, x INT, PRIMARY KEY (id))");
        c.executeSql("CREATE VIEW big AS SELECT id, x * 2 AS y FROM t WHERE x > 5");
        c.applyBatch(List.of(
                Op.insert("t", TestCircuits.row("id", 1, "x", 7)), Op.insert("t", TestCircuits.row("id", 2, "x", 3))));
        CircuitImage now = c.image();
        CircuitImage otherBuild = new CircuitImage(now.version, now.tables, now.views, Circuit.PLAN_TEXT_KEY + 1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CircuitSnapshot.write(new DataOutputStream(bytes), otherBuild);
        Circuit restored = Circuit.readSnapshot(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(0, restored.viewsFromPlans(), "another build's texts are not read");
        assertEquals(TestCircuits.rows(c, "big"), TestCircuits.rows(restored, "big"));
        assertEquals(1, TestCircuits.restored(restored).viewsFromPlans(), "its next snapshot keeps this build's text");
    }

    private static void apply(RandomBatches ops, Random rnd, Circuit circuit, Circuit twin) {
        RandomBatches.Batch batch = ops.next(rnd.nextInt(5) == 0 ? 40 : 6);
        BatchOutcome outcome = circuit.applyBatch(batch.ops());
        if (twin != null)
            assertEquals(outcome.getClass(), twin.applyBatch(batch.ops()).getClass());
        if (!(outcome instanceof BatchOutcome.Accepted)) ops.rollback();
    }

    private static String hash(Circuit c, String view) {
        return c.read(view, 0, null).orElseThrow().hash();
    }
}
