package io.shardview.circuit.compiler;

import io.shardview.circuit.budget.Work;
import io.shardview.circuit.catalog.Column;
import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.ZSet;
import io.shardview.circuit.operator.Operator;
import io.shardview.circuit.operator.StateImage;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
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
    record Node(Operator operator, int[] inputs, String relation) {}

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

    /** The nodes in order, each as its relation or its operator's class and its inputs: "t, u, ComputedJoin(0, 1)". */
    @Override
    public String toString() {
        List<String> out = new java.util.ArrayList<>();
        for (Node n : nodes) {
            out.add(
                    n.operator() == null
                            ? n.relation()
                            : n.operator().getClass().getSimpleName()
                                    + Arrays.toString(n.inputs())
                                            .replace('[', '(')
                                            .replace(']', ')'));
        }
        return String.join(", ", out);
    }

    /**
     * One node of the operator graph as {@code EXPLAIN} shows it: a leaf reading a table or view ({@code relation}),
     * or an operator over earlier nodes ({@code inputs}, by index) with the state entries it holds.
     */
    public record Explained(int id, String operator, String relation, List<Integer> inputs, long stateRows) {}

    /** The nodes in order, the last being the view's output. */
    public List<Explained> explain() {
        List<Explained> out = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            out.add(
                    n.operator() == null
                            ? new Explained(i, "Read", n.relation(), List.of(), 0)
                            : new Explained(
                                    i,
                                    n.operator().getClass().getSimpleName(),
                                    null,
                                    Arrays.stream(n.inputs()).boxed().toList(),
                                    n.operator().stateRows()));
        }
        return out;
    }

    /** The tables and views this dataflow reads. */
    public Set<String> relations() {
        return relations;
    }

    /** As {@link #step(Map, boolean, Work)}, unmetered. */
    public Step step(Map<String, ZSet> relationDeltas, boolean first) {
        return step(relationDeltas, first, Work.unlimited());
    }

    /**
     * Runs one step: the output delta for the given deltas of the relations (absent means unchanged).
     * The first step of a new dataflow passes first = true so constant and global-aggregate rows appear.
     * If an operator throws (an {@link io.shardview.circuit.error.EvaluationException} for an SQL
     * runtime error, a {@link io.shardview.circuit.budget.BudgetExceeded} when the request passes a budget),
     * the operators that already stepped are undone and the exception propagates, so the state is as before;
     * a first step is not undone: a view whose filling fails is dropped.
     *
     * <p>Each operator's output rows and the state it gained are reported to {@code work}.
     */
    public Step step(Map<String, ZSet> relationDeltas, boolean first, Work work) {
        ZSet[] deltas = new ZSet[nodes.size()];
        ZSet[][] inputs = new ZSet[nodes.size()][];
        int i = 0;
        try {
            for (; i < deltas.length; i++) {
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
                if (!run) {
                    deltas[i] = EMPTY;
                    continue;
                }
                Operator op = n.operator();
                long rowsBefore = op.stateRows();
                long bytesBefore = op.stateBytes();
                deltas[i] = op.step(in, work);
                inputs[i] = in; // stepped: undone if a later check fails
                work.produced(deltas[i].size());
                work.stateGrew(op.stateRows() - rowsBefore, op.stateBytes() - bytesBefore);
            }
        } catch (RuntimeException e) {
            if (!first) undo(inputs, inputs[i] != null ? i + 1 : i);
            throw e;
        }
        return new Step(deltas[deltas.length - 1], first ? null : inputs);
    }

    /** The state entries of every operator (see {@link Operator#stateRows}). */
    public long stateRows() {
        long rows = 0;
        for (Node n : nodes) if (n.operator() != null) rows += n.operator().stateRows();
        return rows;
    }

    /** The estimated bytes of every operator's state. */
    public long stateBytes() {
        long bytes = 0;
        for (Node n : nodes) if (n.operator() != null) bytes += n.operator().stateBytes();
        return bytes;
    }

    /** Undoes the operators that ran before node end, newest first. */
    private void undo(ZSet[][] inputs, int end) {
        for (int i = end - 1; i >= 0; i--) {
            if (inputs[i] != null) nodes.get(i).operator().undo(inputs[i]);
        }
    }

    /** A completed step: its output delta, and until the dataflow's next step, a way to revert it. */
    public final class Step {
        private final ZSet output;
        private final ZSet[][] inputs;

        private Step(ZSet output, ZSet[][] inputs) {
            this.output = output;
            this.inputs = inputs;
        }

        public ZSet output() {
            return output;
        }

        /** Reverts every operator's state to before this step (a later view of the batch failed). */
        public void undo() {
            if (inputs == null) throw new IllegalStateException("a dataflow's first step is not undone");
            Dataflow.this.undo(inputs, inputs.length);
        }
    }

    /** Writes every operator's state, in node order. */
    public void writeState(DataOutput out) throws IOException {
        for (Node n : nodes) {
            if (n.operator() != null) n.operator().writeState(out);
        }
    }

    /** Every operator's state as it is now, written later as {@link #writeState} would have written it. */
    public StateImage stateImage() {
        List<StateImage> images = new ArrayList<>();
        for (Node n : nodes) {
            if (n.operator() != null) images.add(n.operator().stateImage());
        }
        return out -> {
            for (StateImage image : images) image.write(out);
        };
    }

    /** Restores the state written by {@link #writeState} into a freshly compiled, identical dataflow. */
    public void readState(DataInput in) throws IOException {
        for (Node n : nodes) {
            if (n.operator() != null) n.operator().readState(in);
        }
    }
}
