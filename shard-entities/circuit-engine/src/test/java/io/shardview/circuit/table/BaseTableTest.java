package io.shardview.circuit.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.TestCircuits;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.batch.ValidatedBatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BaseTableTest {
    private static Map<String, Object> row(long id, long v) {
        Map<String, Object> m = new HashMap<>();
        m.put("id", id);
        m.put("v", v);
        return m;
    }

    @Test
    void aBatchAppliedWithItsKeyChangesLeavesTheRowsItsDeltaAloneLeaves() {
        Circuit live = TestCircuits.circuit("CREATE TABLE t (id BIGINT NOT NULL, v BIGINT, PRIMARY KEY (id))");
        Circuit replayed = TestCircuits.circuit("CREATE TABLE t (id BIGINT NOT NULL, v BIGINT, PRIMARY KEY (id))");
        Random rnd = new Random(3);
        Map<Long, Long> model = new HashMap<>();
        for (int b = 0; b < 300; b++) {
            List<Op> ops = new ArrayList<>();
            Map<Long, Long> after = new HashMap<>(model);
            for (int i = 0; i < 1 + rnd.nextInt(40); i++) {
                long id = rnd.nextInt(60);
                if (after.containsKey(id) && rnd.nextInt(3) == 0) {
                    ops.add(Op.deleteKey("t", Map.of("id", id)));
                    after.remove(id);
                } else {
                    long v = rnd.nextInt(3); // often the stored value again: an unchanged row
                    ops.add(Op.upsert("t", row(id, v)));
                    after.put(id, v);
                }
            }
            ValidatedBatch batch = (ValidatedBatch) live.validate(ops);
            assertFalse(batch.keyChanges().isEmpty() && !batch.tableDeltas().isEmpty());
            live.apply(batch);
            replayed.apply(new ValidatedBatch(batch.baseVersion(), batch.ops(), batch.tableDeltas()));
            model = after;
            assertEquals(TestCircuits.rows(replayed, "t"), TestCircuits.rows(live, "t"));
            assertEquals(model.size(), TestCircuits.rows(live, "t").size());
        }
    }
}
