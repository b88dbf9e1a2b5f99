package io.shardview.circuit;

import java.util.List;

/** The result of a SQL request: every statement applied, or none with the reason. */
public sealed interface DdlResult {

    /** A table or view created or dropped by the request. */
    record ChangedObject(String kind, String name, String action) {
    }

    /** All statements applied; the version grew by one. */
    record Applied(long version, List<ChangedObject> objects) implements DdlResult {
    }

    /** Nothing applied: which statement (0-based) failed, the kind and a message naming the problem. */
    record Rejected(int statement, RejectionKind kind, String message) implements DdlResult {
    }
}
