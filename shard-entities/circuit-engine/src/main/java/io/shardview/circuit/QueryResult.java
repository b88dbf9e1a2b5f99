package io.shardview.circuit;

import io.shardview.circuit.catalog.Column;
import io.shardview.circuit.data.Row;
import io.shardview.circuit.error.RejectionKind;
import java.util.List;

/** The answer to a one-off SELECT: its rows in read order, or why it was refused. */
public sealed interface QueryResult {

    /** The rows of the query (copies repeated) in its ORDER BY, else all columns ascending. */
    record Rows(List<Column> columns, List<Row> rows) implements QueryResult {}

    /** The query could not be planned or evaluated; details as {@link DdlResult.Rejected}'s. */
    record Rejected(RejectionKind kind, String message, java.util.Map<String, Object> details) implements QueryResult {
        public Rejected {
            details = details == null ? java.util.Map.of() : java.util.Map.copyOf(details);
        }

        public Rejected(RejectionKind kind, String message) {
            this(kind, message, java.util.Map.of());
        }
    }
}
