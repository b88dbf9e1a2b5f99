package io.shardview.circuit;

import java.util.List;

/** The answer to a one-off SELECT: its rows in read order, or why it was refused. */
public sealed interface QueryResult {

    /** The rows of the query (copies repeated) in its ORDER BY, else all columns ascending. */
    record Rows(List<Column> columns, List<Row> rows) implements QueryResult {
    }

    /** The query could not be planned or evaluated. */
    record Rejected(RejectionKind kind, String message) implements QueryResult {
    }
}
