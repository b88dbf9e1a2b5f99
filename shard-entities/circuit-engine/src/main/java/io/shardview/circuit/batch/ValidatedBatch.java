package io.shardview.circuit.batch;

import io.shardview.circuit.data.ZSet;
import io.shardview.circuit.table.KeyChange;
import java.util.List;
import java.util.Map;

/**
 * A batch proven valid against one circuit version: its net effect per table, ready to apply.
 * keyChanges holds, per table with a primary key, the keys the validation touched with their rows
 * before and after, so the table applies them without re-deriving keys from the delta; it is empty
 * for a batch rebuilt from its journaled deltas, which the tables then apply alone.
 */
public record ValidatedBatch(
        long baseVersion, int ops, Map<String, ZSet> tableDeltas, Map<String, List<KeyChange>> keyChanges)
        implements BatchValidation {

    /** A batch rebuilt from its net table deltas (e.g. read back from the journal). */
    public ValidatedBatch(long baseVersion, int ops, Map<String, ZSet> tableDeltas) {
        this(baseVersion, ops, tableDeltas, Map.of());
    }
}
