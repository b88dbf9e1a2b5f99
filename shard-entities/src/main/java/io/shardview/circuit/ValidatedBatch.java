package io.shardview.circuit;

import java.util.Map;

/** A batch proven valid against one circuit version: its net effect per table, ready to apply. */
public record ValidatedBatch(long baseVersion, int ops, Map<String, ZSet> tableDeltas) implements BatchValidation {
}
