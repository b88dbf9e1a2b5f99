package io.shardview.circuit.plan;

import org.apache.calcite.sql.SqlAggFunction;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlMinMaxAggFunction;
import org.apache.calcite.sql.type.OperandTypes;

/**
 * The aggregate that {@link io.shardview.circuit.rewrite.OrderedFirstSubqueries} puts in place of {@code ORDER BY x LIMIT 1} over x: a MIN
 * whose value is typed as x itself (the column's typmod and string type), which the typing of view columns
 * recognises by identity.
 */
public final class FirstValue {
    /** MIN standing for ORDER BY x LIMIT 1 over x: its value is typed as x. */
    public static final SqlAggFunction FIRST =
            new SqlMinMaxAggFunction("MIN", SqlKind.MIN, OperandTypes.COMPARABLE_ORDERED);

    private FirstValue() {}
}
