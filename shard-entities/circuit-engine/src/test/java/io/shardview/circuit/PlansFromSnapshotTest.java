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
                Circuit.SQL_REVISION);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CircuitSnapshot.write(new DataOutputStream(bytes), damaged);
        Circuit restored = Circuit.readSnapshot(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(0, restored.viewsFromPlans());
        assertEquals(TestCircuits.rows(c, "big"), TestCircuits.rows(restored, "big"));
        restored.applyBatch(List.of(Op.insert("t", TestCircuits.row("id", 3, "x", 9))));
        assertEquals(2, TestCircuits.rows(restored, "big").size());
    }

    /** The next random batch, applied to the circuit and to its twin alike (refused ones rolled back). */
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
