package io.shardview.circuit;

import java.util.Map;

/** The result of applying (or validating) a batch: accepted with per-view deltas, or rejected. */
public sealed interface BatchOutcome {

    /** The batch was applied: the new circuit version and the delta of every view that changed. */
    record Accepted(long version, int ops, Map<String, ViewDelta> views) implements BatchOutcome {
    }

    /** Nothing was applied: the first bad op, why, and a one-sentence message. */
    record Rejected(int index, RejectionKind kind, String message) implements BatchOutcome, BatchValidation {
    }
}
