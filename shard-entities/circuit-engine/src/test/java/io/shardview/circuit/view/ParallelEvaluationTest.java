package io.shardview.circuit.view;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.RandomBatches;
import io.shardview.circuit.RandomSchema;
import io.shardview.circuit.RandomViews;
import io.shardview.circuit.batch.BatchOutcome;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Evaluating independent views in parallel gives exactly the deltas and contents of sequential evaluation. */
class ParallelEvaluationTest {
    @Test
    void parallelEvaluationEqualsSequentialEvaluation() {
        long seed = Long.getLong("circuit.seed", System.nanoTime());
        System.out.println("ParallelEvaluationTest seed " + seed);
        Random rnd = new Random(seed);
        RandomSchema schema = new RandomSchema(rnd);
        Circuit sequential = new Circuit();
        Circuit parallel = new Circuit();
        sequential.setParallelWork(Long.MAX_VALUE);
        parallel.setParallelWork(1);
        sequential.executeSql(schema.ddl());
        parallel.executeSql(schema.ddl());
        RandomViews views = new RandomViews(rnd, schema);
        for (int i = 0; i < 40; i++) {
            String sql = "CREATE VIEW v" + i + " AS " + views.next("v" + i);
            assertEquals(sequential.executeSql(sql), parallel.executeSql(sql));
        }
        RandomBatches batches = new RandomBatches(rnd, schema);
        for (int b = 0; b < 150; b++) {
            RandomBatches.Batch batch = batches.next(20);
            BatchOutcome expected = sequential.applyBatch(batch.ops());
            if (!(expected instanceof BatchOutcome.Accepted)) batches.rollback(); // refused, or failed on a view
            assertEquals(expected, parallel.applyBatch(batch.ops()), "seed " + seed + " batch " + b);
        }
        assertEquals(sequential.describe(), parallel.describe());
    }
}
