package io.shardview.circuit.compiler;

import java.util.List;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.sql.SqlExplainLevel;
import org.apache.calcite.util.Pair;

/**
 * What identifies an operator apart from its inputs: the plan node that compiled to it, described as Calcite's own
 * digest describes it (its kind and every attribute: conditions, expressions, keys, aggregate calls, collations,
 * limits; Calcite's planners take two nodes of one digest over the same inputs for the same relation) but without
 * its inputs, with its row type, and the evaluation rules of the view's SQL revision. Two operators with one key over
 * the same inputs compute the same deltas from the same input deltas and hold the same state, so views may share one
 * ({@link SharedOperators}).
 */
final class NodeKeys {
    private NodeKeys() {}

    static String describe(RelNode rel, boolean strictOperands, boolean sumZero) {
        StringBuilder out = new StringBuilder();
        out.append(strictOperands ? 's' : '-').append(sumZero ? 'z' : '-').append(' ');
        out.append(rel.getRelTypeName()).append('(');
        rel.explain(new RelWriter() {
            private boolean first = true;

            @Override
            public void explain(RelNode node, List<Pair<String, Object>> values) {
                throw new IllegalStateException("only the node's own terms are described");
            }

            @Override
            public SqlExplainLevel getDetailLevel() {
                return SqlExplainLevel.DIGEST_ATTRIBUTES;
            }

            @Override
            public RelWriter item(String term, Object value) {
                if (!first) out.append(", ");
                first = false;
                out.append(term).append('=');
                if (value instanceof RelNode) out.append("input");
                else if (value != null && value.getClass().isArray())
                    out.append(java.util.Arrays.deepToString(new Object[] {value}));
                else out.append(value);
                return this;
            }

            @Override
            public RelWriter done(RelNode node) {
                return this;
            }
        });
        return out.append("): ").append(rel.getRowType().getFullTypeString()).toString();
    }
}
