package io.shardview.circuit;

import io.shardview.circuit.error.RejectionKind;
import java.util.List;

/** The result of a SQL request: every statement applied, or none with the reason. */
public sealed interface DdlResult {

    /** A table or view created or dropped by the request. */
    record ChangedObject(String kind, String name, String action) {}

    /** All statements applied; the version grew by one. */
    record Applied(long version, List<ChangedObject> objects) implements DdlResult {}

    /**
     * Nothing applied: which statement (0-based) failed, the kind, a message naming the problem, and details for a
     * client to act on (line and column of a syntax error, the limit passed).
     */
    record Rejected(int statement, RejectionKind kind, String message, java.util.Map<String, Object> details)
            implements DdlResult {
        public Rejected {
            details = details == null ? java.util.Map.of() : java.util.Map.copyOf(details);
        }

        public Rejected(int statement, RejectionKind kind, String message) {
            this(statement, kind, message, java.util.Map.of());
        }
    }
}
