package io.shardview.circuit.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.DdlResult;
import io.shardview.circuit.RandomBatches;
import io.shardview.circuit.RandomSchema;
import io.shardview.circuit.RandomViews;
import io.shardview.circuit.RowsPage;
import io.shardview.circuit.TestCircuits;
import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.data.ByteArrayInput;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A circuit image is the state at the version it was taken, however many batches the circuit applies
 * while another thread writes it: the restored circuit equals one that stopped at that version, and
 * keeps ingesting exactly like it.
 */
class ConcurrentImageTest {

    private static byte[] writeOnAnotherThread(CircuitImage image, Runnable meanwhile) throws Exception {
        CompletableFuture<byte[]> written = CompletableFuture.supplyAsync(() -> {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                image.write(out);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return bytes.toByteArray();
        });
        meanwhile.run();
        return written.get();
    }

    private static Circuit restore(byte[] bytes) throws IOException {
        return Circuit.readSnapshot(new ByteArrayInput(bytes));
    }

    @Test
    void imageWrittenWhileBatchesContinueRestoresTheStateAtItsVersion() throws Exception {
        long base = Long.getLong("circuit.seed", System.nanoTime());
        for (int s = 0; s < 4; s++) {
            long seed = base + s;
            System.out.println("ConcurrentImageTest seed " + seed);
            run(seed);
        }
    }

    private static void run(long seed) throws Exception {
        Random rnd = new Random(seed);
        RandomSchema schema = new RandomSchema(rnd);
        Circuit live = new Circuit();
        Circuit stopped = new Circuit(); // applies the same batches, but none after the image
        live.executeSql(schema.ddl());
        stopped.executeSql(schema.ddl());
        RandomViews views = new RandomViews(rnd, schema);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String sql = "CREATE VIEW v" + i + " AS " + views.next("v" + i);
            // A view whose evaluation fails already (say 0 % 0 over a global aggregate's row) is refused; skip it.
            if (!(live.executeSql(sql) instanceof DdlResult.Applied)) continue;
            assertInstanceOf(DdlResult.Applied.class, stopped.executeSql(sql), sql);
            names.add("v" + i);
        }
        RandomBatches batches = new RandomBatches(rnd, schema);
        List<List<Op>> accepted = new ArrayList<>();
        for (int b = 0; b < 60; b++) {
            RandomBatches.Batch batch = batches.next(8);
            if (!(live.applyBatch(batch.ops()) instanceof BatchOutcome.Accepted)) batches.rollback();
            else stopped.applyBatch(batch.ops());
        }
        CircuitImage image = live.image();
        byte[] bytes = writeOnAnotherThread(image, () -> {
            for (int b = 0; b < 200; b++) {
                RandomBatches.Batch batch = batches.next(8);
                if (!(live.applyBatch(batch.ops()) instanceof BatchOutcome.Accepted)) batches.rollback();
                else accepted.add(batch.ops());
            }
        });
        Circuit restored = restore(bytes);
        String where = "seed " + seed;
        assertEquals(image.version(), restored.version(), where);
        assertEquals(stopped.describe(), restored.describe(), where);
        for (String v : names) assertEquals(stopped.content(v), restored.content(v), where + " " + v);
        for (var t : stopped.describe().tables()) {
            assertEquals(
                    stopped.read(t.name(), Integer.MAX_VALUE, null),
                    restored.read(t.name(), Integer.MAX_VALUE, null),
                    where);
        }
        // Operator state is part of the image too: both go on to the live circuit's state.
        for (List<Op> ops : accepted) {
            assertEquals(
                    TestCircuits.summary(stopped.applyBatch(ops)),
                    TestCircuits.summary(restored.applyBatch(ops)),
                    where);
        }
        assertEquals(live.describe(), restored.describe(), where);
        for (String v : names) assertEquals(live.content(v), restored.content(v), where + " " + v);
    }

    @Test
    void rowsUpdatedAndDeletedAfterTheImageKeepTheirImagedValues() throws Exception {
        Circuit c = TestCircuits.circuit("CREATE TABLE t (k INT PRIMARY KEY, s TEXT, n INT);"
                + " CREATE VIEW v AS SELECT s, SUM(n) AS total FROM t GROUP BY s");
        List<Op> inserts = new ArrayList<>();
        for (int k = 0; k < 2000; k++) inserts.add(Op.insert("t", TestCircuits.row("k", k, "s", "g" + k % 7, "n", k)));
        c.applyBatch(inserts);
        RowsPage tableBefore = c.read("t", Integer.MAX_VALUE, null).orElseThrow();
        RowsPage viewBefore = c.read("v", Integer.MAX_VALUE, null).orElseThrow();
        CircuitImage image = c.image();
        byte[] bytes = writeOnAnotherThread(image, () -> {
            for (int k = 0; k < 2000; k += 100) {
                List<Op> ops = new ArrayList<>();
                for (int j = k; j < k + 100; j++) {
                    ops.add(
                            j % 2 == 0
                                    ? Op.update("t", TestCircuits.row("k", j, "s", "changed", "n", -j))
                                    : Op.deleteKey("t", TestCircuits.row("k", j)));
                }
                assertInstanceOf(BatchOutcome.Accepted.class, c.applyBatch(ops));
            }
        });
        Circuit restored = restore(bytes);
        assertEquals(tableBefore, restored.read("t", Integer.MAX_VALUE, null).orElseThrow());
        assertEquals(viewBefore, restored.read("v", Integer.MAX_VALUE, null).orElseThrow());
        assertEquals(1000, c.describe().tables().get(0).rows());
    }
}
