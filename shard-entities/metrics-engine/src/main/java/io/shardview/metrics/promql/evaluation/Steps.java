package io.shardview.metrics.promql.evaluation;

import java.util.List;

/** A value of the expression tree over every time of a {@link Grid}: what each node hands to its parent. */
sealed interface Steps {
    /** A scalar per evaluation time. */
    record Scalars(double[] values) implements Steps {}

    /** An instant vector per evaluation time. */
    record Vectors(List<List<Sample>> steps) implements Steps {}

    /** A string, the same at every time. */
    record Text(String value) implements Steps {}
}
