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

    /**
     * A node: an operator over earlier nodes, or (operator null) a leaf reading a relation. key: what identifies the
     * operator apart from its inputs ({@link NodeKeys}); null for a leaf.
     */
    record Node(Operator operator, int[] inputs, String relation, String key) {}

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
     * or an operator over earlier nodes ({@code inputs}, by index) with the state entries it holds and the number of
     * the tenant's views that hold it ({@code views}, more than 1 where views share it; 0 for a leaf).
     */
    public record Explained(
            int id, String operator, String relation, List<Integer> inputs, long stateRows, int views) {}

    /** The nodes in order, the last being the view's output; holders: how many views hold each operator. */
    public List<Explained> explain(Map<Operator, Integer> holders) {
        List<Explained> out = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            out.add(
                    n.operator() == null
                            ? new Explained(i, "Read", n.relation(), List.of(), 0, 0)
                            : new Explained(
                                    i,
                                    n.operator().getClass().getSimpleName(),
                                    null,
                                    Arrays.stream(n.inputs()).boxed().toList(),
                                    n.operator().stateRows(),
                                    holders.getOrDefault(n.operator(), 1)));
        }
        return out;
    }

    /** The tables and views this dataflow reads. */
    public Set<String> relations() {
        return relations;
    }

    /** The operators, in node order. */
    public List<Operator> operators() {
        List<Operator> out = new ArrayList<>(nodes.size());
        for (Node n : nodes) if (n.operator() != null) out.add(n.operator());
        return out;
    }

    /**
     * This dataflow with each operator that {@code shared} holds for the same node over the same inputs replaced by
     * that one; its other operators are added to {@code shared}. The replaced operators' state is dropped: it equals
     * the shared ones' (this dataflow was filled from the same relations).
     */
    Dataflow sharing(SharedOperators shared) {
        List<Node> out = new ArrayList<>(nodes.size());
        Operator[] resolved = new Operator[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (n.operator() == null) {
                out.add(n);
                continue;
            }
            resolved[i] = shared.intern(key(i, resolved), n.operator());
            out.add(resolved[i] == n.operator() ? n : new Node(resolved[i], n.inputs(), null, n.key()));
        }
        return new Dataflow(List.copyOf(out), columns, readOrder, relations);
    }

    /** Each operator with what identifies it (see {@link SharedOperators}), in node order. */
    void keys(java.util.function.BiConsumer<SharedOperators.Key, Operator> each) {
        Operator[] operators = new Operator[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            operators[i] = nodes.get(i).operator();
            if (operators[i] != null) each.accept(key(i, operators), operators[i]);
        }
    }

    /** Node i's key over its inputs: the relations its leaves read, the given operators of its other inputs. */
    private SharedOperators.Key key(int i, Operator[] operators) {
        Node n = nodes.get(i);
        List<Object> inputs = new ArrayList<>(n.inputs().length);
        for (int input : n.inputs()) {
            Node in = nodes.get(input);
            inputs.add(in.operator() == null ? in.relation() : operators[input]);
        }
        return new SharedOperators.Key(n.key(), inputs);
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
        return step(relationDeltas, first, work, null);
    }

    /**
     * As {@link #step(Map, boolean, Work)}, one of the steps of a batch through several dataflows that share
     * operators ({@link SharedOperators}; {@code batch} null if none): a shared operator another dataflow stepped in
     * the batch is not stepped again, its output is taken; one this step runs gives its output to the others, until
     * this step undoes it. Each shared operator steps under its own lock, so dataflows sharing it may step in
     * parallel.
     */
    public Step step(Map<String, ZSet> relationDeltas, boolean first, Work work, SharedOperators.Batch batch) {
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
                if (batch == null || !batch.shares(op)) {
                    deltas[i] = stepOperator(op, in, work, inputs, i, null);
                    continue;
                }
                synchronized (op) {
                    ZSet earlier = batch.outputs.get(op);
                    deltas[i] = earlier != null ? earlier : stepOperator(op, in, work, inputs, i, batch);
                }
            }
        } catch (RuntimeException e) {
            if (!first) undo(inputs, inputs[i] != null ? i + 1 : i, batch);
            throw e;
        }
        return new Step(deltas[deltas.length - 1], first ? null : inputs, batch);
    }

    /**
     * Steps node i's operator: its inputs are recorded in {@code inputs} (and its output in {@code batch}, for a
     * shared one) as soon as it stepped, so a meter passing a budget after the step has it undone with the others.
     */
    private static ZSet stepOperator(
            Operator op, ZSet[] in, Work work, ZSet[][] inputs, int i, SharedOperators.Batch batch) {
        long rowsBefore = op.stateRows();
        long bytesBefore = op.stateBytes();
        ZSet out = op.step(in, work);
        inputs[i] = in; // stepped: undone if a later check fails
        if (batch != null) batch.outputs.put(op, out);
        work.produced(out.size());
        work.stateGrew(op.stateRows() - rowsBefore, op.stateBytes() - bytesBefore);
        return out;
    }

    /** Undoes the operators this step ran before node end, newest first, and forgets their outputs. */
    private void undo(ZSet[][] inputs, int end, SharedOperators.Batch batch) {
        for (int i = end - 1; i >= 0; i--) {
            if (inputs[i] == null) continue;
            Operator op = nodes.get(i).operator();
            if (batch == null || !batch.shares(op)) {
                op.undo(inputs[i]);
                continue;
            }
            synchronized (op) {
                op.undo(inputs[i]);
                batch.outputs.remove(op);
            }
        }
    }

    /** A completed step: its output delta, and until the dataflow's next step, a way to revert it. */
    public final class Step {
        private final ZSet output;
        private final ZSet[][] inputs;
        private final SharedOperators.Batch batch;

        private Step(ZSet output, ZSet[][] inputs, SharedOperators.Batch batch) {
            this.output = output;
            this.inputs = inputs;
            this.batch = batch;
        }

        public ZSet output() {
            return output;
        }

        /**
         * Reverts the state of every operator this step ran to before it (a later view of the batch failed); an
         * operator it took from another dataflow's step is that step's to undo.
         */
        public void undo() {
            if (inputs == null) throw new IllegalStateException("a dataflow's first step is not undone");
            Dataflow.this.undo(inputs, inputs.length, batch);
        }
    }

    /** Writes every operator's state, in node order. */
    public void writeState(DataOutput out) throws IOException {
        for (Node n : nodes) {
            if (n.operator() != null) n.operator().writeState(out);
        }
    }

    /**
     * Every operator's state as it is now, to be written later, in two forms: {@code full}, each operator's state in
     * node order (as {@link #writeState}), and {@code shared}, each after a flag, the flag alone where an earlier
     * view of the snapshot holds the operator and writes its state (read by {@link #readSharedState}). {@code taken}:
     * the images taken for the earlier views, by operator; a shared operator's is taken once.
     */
    public StateImages stateImages(Map<Operator, StateImage> taken) {
        List<StateImage> images = new ArrayList<>();
        List<Boolean> earlier = new ArrayList<>();
        for (Node n : nodes) {
            if (n.operator() == null) continue;
            StateImage image = taken.get(n.operator());
            earlier.add(image != null);
            if (image == null) {
                image = n.operator().stateImage();
                taken.put(n.operator(), image);
            }
            images.add(image);
        }
        StateImage full = out -> {
            for (StateImage image : images) image.write(out);
        };
        StateImage shared = out -> {
            for (int k = 0; k < images.size(); k++) {
                out.writeBoolean(earlier.get(k));
                if (!earlier.get(k)) images.get(k).write(out);
            }
        };
        return new StateImages(full, shared);
    }

    /** See {@link #stateImages}. */
    public record StateImages(StateImage full, StateImage shared) {}

    /** Restores the state written by {@link #writeState} into a freshly compiled, identical dataflow. */
    public void readState(DataInput in) throws IOException {
        for (Node n : nodes) {
            if (n.operator() != null) n.operator().readState(in);
        }
    }

    /**
     * Restores the state written by {@link #stateImages}' shared form into a freshly compiled, identical dataflow; returns the
     * operators left empty, whose state an earlier view's shared operator holds: they must be replaced by it
     * ({@link SharedOperators#share}) before the dataflow steps.
     */
    public List<Operator> readSharedState(DataInput in) throws IOException {
        List<Operator> unfilled = new ArrayList<>();
        for (Node n : nodes) {
            if (n.operator() == null) continue;
            if (in.readBoolean()) unfilled.add(n.operator());
            else n.operator().readState(in);
        }
        return unfilled;
    }
}
