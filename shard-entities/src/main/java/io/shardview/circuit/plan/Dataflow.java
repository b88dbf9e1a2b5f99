package io.shardview.circuit.plan;

import io.shardview.circuit.Column;
import io.shardview.circuit.Row;
import io.shardview.circuit.ZSet;
import io.shardview.circuit.operator.Operator;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The compiled incremental form of one SELECT: operator nodes in topological order, the last being
 * the output. Leaf nodes read the delta of a named table or view.
 */
public final class Dataflow {
    private static final ZSet EMPTY = new ZSet();

    /** A node: an operator over earlier nodes, or (operator null) a leaf reading a relation. */
    record Node(Operator operator, int[] inputs, String relation) {
    }

    private final List<Node> nodes;
    private final List<Column> columns;
    private final Comparator<Row> readOrder;
    private final Set<String> relations;

    Dataflow(List<Node> nodes, List<Column> columns, Comparator<Row> readOrder, Set<String> relations) {
        this.nodes = nodes;
        this.columns = columns;
        this.readOrder = readOrder;
        this.relations = relations;
    }

    /** The output columns. */
    public List<Column> columns() {
        return columns;
    }

    /** The order rows are read in: the query's ORDER BY, then all columns ascending, NULLs last. */
    public Comparator<Row> readOrder() {
        return readOrder;
    }

    /** The tables and views this dataflow reads. */
    public Set<String> relations() {
        return relations;
    }

    /**
     * Runs one step: the output delta for the given deltas of the relations (absent means unchanged).
     * The first step of a new dataflow passes first = true so constant and global-aggregate rows appear.
     */
    public ZSet step(Map<String, ZSet> relationDeltas, boolean first) {
        ZSet[] deltas = new ZSet[nodes.size()];
        for (int i = 0; i < deltas.length; i++) {
            Node n = nodes.get(i);
            if (n.operator() == null) {
                deltas[i] = relationDeltas.getOrDefault(n.relation(), EMPTY);
                continue;
            }
            ZSet[] in = new ZSet[n.inputs().length];
            boolean allEmpty = true;
            for (int k = 0; k < in.length; k++) {
                in[k] = deltas[n.inputs()[k]];
                allEmpty &= in[k].isEmpty();
            }
            boolean run = !allEmpty || (first && n.operator().needsFirstStep());
            deltas[i] = run ? n.operator().step(in) : EMPTY;
        }
        return deltas[deltas.length - 1];
    }

    /** Writes every operator's state, in node order. */
    public void writeState(DataOutput out) throws IOException {
        for (Node n : nodes) {
            if (n.operator() != null) n.operator().writeState(out);
        }
    }

    /** Restores the state written by {@link #writeState} into a freshly compiled, identical dataflow. */
    public void readState(DataInput in) throws IOException {
        for (Node n : nodes) {
            if (n.operator() != null) n.operator().readState(in);
        }
    }
}
