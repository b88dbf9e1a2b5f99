package io.shardview.circuit.view;

import io.shardview.circuit.budget.BudgetExceeded;
import io.shardview.circuit.budget.Work;
import io.shardview.circuit.compiler.Dataflow;
import io.shardview.circuit.compiler.SharedOperators;
import io.shardview.circuit.data.ZSet;
import io.shardview.circuit.error.EvaluationException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * Propagates a batch's table deltas through the views, level by level (a view's level is one more than
 * the deepest relation it reads, tables being level 0). Only views reading a changed relation run.
 * Views of one level are independent, so when the work (affected views times changed rows) is large
 * they run in parallel, in the ForkJoin pool of the calling thread (the node runs tenant circuits on
 * one, so their steps never use the common pool) or else the common pool; each view touches only its
 * own state and the operators it shares with others, which step once, under their own lock, so the result
 * is the same as sequential evaluation, and deltas are reported in view creation order.
 *
 * <p>A batch is all or nothing: views are first stepped, and their contents and hashes change only
 * once every affected view has stepped without an SQL runtime error. If one fails, every step taken
 * is undone and the first failing view (lowest level, then creation order) is reported. The bytes the
 * contents gain are counted as they absorb the steps' outputs: past the budget, the contents are
 * restored too.
 */
public final class ViewEvaluator {
    /**
     * Measured on the shared 2-core bench machine with 1,000 views (bench/RESULTS.md): parallel lost at
     * 100 changed rows per batch (1e5 work) and won at 10,000 (1e7 work).
     */
    static final long DEFAULT_PARALLEL_WORK = 1_000_000;

    private long parallelWork = DEFAULT_PARALLEL_WORK;

    public void setParallelWork(long work) {
        parallelWork = work;
    }

    /** Evaluating a view raised an SQL runtime error or passed a budget; no view's state changed. */
    public static final class ViewFailed extends Exception {
        public final String view;

        ViewFailed(String view, RuntimeException cause) {
            super(cause.getMessage(), cause, false, false);
            this.view = view;
        }

        /** The budget the view's step passed, or null when it failed with an SQL runtime error. */
        public BudgetExceeded budgetExceeded() {
            return getCause() instanceof BudgetExceeded e ? e : null;
        }
    }

    /** One view's step in a batch: completed, or failed with the exception. */
    private record Attempt(MaterializedView view, Dataflow.Step step, RuntimeException failure) {}

    /**
     * Steps every affected view and, if all succeed, updates their contents; relationDeltas receives
     * each changed view's delta. Returns the changed views' deltas.
     */
    public Map<String, ViewDelta> propagate(Collection<MaterializedView> views, Map<String, ZSet> relationDeltas)
            throws ViewFailed {
        return propagate(views, relationDeltas, Work.unlimited());
    }

    /**
     * As above, metered by {@code work}: the rows each operator produces, and the state the operators and the
     * views' contents would gain; a view whose step passes a budget fails the batch as an SQL runtime error does.
     */
    public Map<String, ViewDelta> propagate(
            Collection<MaterializedView> views, Map<String, ZSet> relationDeltas, Work work) throws ViewFailed {
        return propagate(views, relationDeltas, work, null);
    }

    /**
     * As above, the views sharing the operators {@code shared} says (null: none): each shared operator steps once in
     * the batch, for the first view reaching it (see {@link SharedOperators}).
     */
    public Map<String, ViewDelta> propagate(
            Collection<MaterializedView> views,
            Map<String, ZSet> relationDeltas,
            Work work,
            SharedOperators.Batch shared)
            throws ViewFailed {
        TreeMap<Integer, List<MaterializedView>> byLevel = new TreeMap<>();
        for (MaterializedView v : views) {
            byLevel.computeIfAbsent(v.level, l -> new ArrayList<>()).add(v);
        }
        List<Attempt> done = new ArrayList<>();
        boolean parallel = false;
        for (List<MaterializedView> level : byLevel.values()) {
            List<MaterializedView> affected = new ArrayList<>();
            for (MaterializedView v : level) {
                if (readsAny(v, relationDeltas)) affected.add(v);
            }
            if (affected.isEmpty()) continue;
            boolean parallelLevel = parallel(affected.size(), relationDeltas);
            parallel |= parallelLevel;
            List<Attempt> attempts = step(affected, relationDeltas, parallelLevel, work, shared);
            for (Attempt a : attempts) {
                if (a.failure() == null) done.add(a);
            }
            for (Attempt a : attempts) {
                if (a.failure() != null) throw fail(a, done);
            }
            for (Attempt a : attempts) {
                if (!a.step().output().isEmpty())
                    relationDeltas.put(a.view().name, a.step().output());
            }
        }
        return commit(views, done, parallel, work);
    }

    private static boolean readsAny(MaterializedView v, Map<String, ZSet> relationDeltas) {
        for (String r : v.relations()) {
            if (relationDeltas.containsKey(r)) return true;
        }
        return false;
    }

    private boolean parallel(int affectedViews, Map<String, ZSet> relationDeltas) {
        if (affectedViews < 2) return false;
        long changedRows = 0;
        for (ZSet d : relationDeltas.values()) changedRows += d.size();
        return affectedViews * changedRows >= parallelWork && poolParallelism() >= 2;
    }

    /**
     * Threads a parallel step can use: a parallel stream forks into the pool of the thread that runs it
     * (in the node, the tenant circuits' own pool), else into the common pool.
     */
    private static int poolParallelism() {
        ForkJoinPool pool = ForkJoinTask.getPool();
        return pool != null ? pool.getParallelism() : ForkJoinPool.getCommonPoolParallelism();
    }

    private static List<Attempt> step(
            List<MaterializedView> affected,
            Map<String, ZSet> relationDeltas,
            boolean parallel,
            Work work,
            SharedOperators.Batch shared) {
        if (parallel)
            return affected.parallelStream()
                    .map(v -> stepOne(v, relationDeltas, work, shared))
                    .toList();
        List<Attempt> out = new ArrayList<>(affected.size());
        for (MaterializedView v : affected) out.add(stepOne(v, relationDeltas, work, shared));
        return out;
    }

    /**
     * Steps one view and counts what its content would gain; a failure is returned, not thrown, so the views
     * that did step can be undone.
     */
    private static Attempt stepOne(
            MaterializedView v, Map<String, ZSet> relationDeltas, Work work, SharedOperators.Batch shared) {
        Dataflow.Step step;
        try {
            step = v.dataflow().step(relationDeltas, false, work, shared);
        } catch (RuntimeException e) {
            return new Attempt(v, null, e);
        }
        try {
            // The rows now; the bytes once absorbed, which counts them without looking every row up a second time.
            if (work.metered()) work.stateGrew(step.output().weightSum(), 0);
        } catch (RuntimeException e) {
            step.undo();
            return new Attempt(v, null, e);
        }
        return new Attempt(v, step, null);
    }

    /** Undoes every completed step, newest first, and turns the failure into what the caller sees. */
    private static ViewFailed fail(Attempt failed, List<Attempt> done) {
        for (int i = done.size() - 1; i >= 0; i--) {
            done.get(i).step().undo();
        }
        if (failed.failure() instanceof EvaluationException || failed.failure() instanceof BudgetExceeded) {
            return new ViewFailed(failed.view().name, failed.failure());
        }
        throw failed.failure(); // a bug, not bad data: still leaves the views as they were
    }

    /**
     * Absorbs every step's output into its view and checks the bytes the views gained against the budget, in step
     * order; past it, every view absorbed is restored and every step undone, and the view that passed it fails the
     * batch.
     */
    private static Map<String, ViewDelta> commit(
            Collection<MaterializedView> views, List<Attempt> done, boolean parallel, Work work) throws ViewFailed {
        long[] grew = new long[done.size()];
        if (parallel) {
            java.util.stream.IntStream.range(0, done.size())
                    .parallel()
                    .forEach(i -> grew[i] =
                            done.get(i).view().absorb(done.get(i).step().output()));
        } else {
            for (int i = 0; i < grew.length; i++)
                grew[i] = done.get(i).view().absorb(done.get(i).step().output());
        }
        if (work.metered()) {
            for (int i = 0; i < grew.length; i++) {
                try {
                    work.stateGrew(0, grew[i]);
                } catch (BudgetExceeded e) {
                    for (int j = done.size() - 1; j >= 0; j--)
                        done.get(j).view().unabsorb(done.get(j).step().output());
                    throw fail(new Attempt(done.get(i).view(), null, e), done);
                }
            }
        }
        Map<MaterializedView, ZSet> outputs = new HashMap<>();
        for (Attempt a : done) {
            if (!a.step().output().isEmpty()) outputs.put(a.view(), a.step().output());
        }
        Map<String, ViewDelta> out = new LinkedHashMap<>();
        if (outputs.isEmpty()) return out;
        for (MaterializedView v : views) {
            ZSet d = outputs.get(v);
            if (d != null) out.put(v.name, ViewDelta.of(d, v.hashHex()));
        }
        return out;
    }
}
