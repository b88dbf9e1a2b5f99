package io.shardview.circuit;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ForkJoinPool;

/**
 * Propagates a batch's table deltas through the views, level by level (a view's level is one more than
 * the deepest relation it reads, tables being level 0). Only views reading a changed relation run.
 * Views of one level are independent, so when the work (affected views times changed rows) is large
 * they run in parallel on the common ForkJoin pool; each view touches only its own state, so the
 * result is the same as sequential evaluation, and deltas are reported in view creation order.
 */
final class ViewEvaluator {
    /**
     * Measured on the shared 2-core bench machine with 1,000 views (bench/RESULTS.md): parallel lost at
     * 100 changed rows per batch (1e5 work) and won at 10,000 (1e7 work).
     */
    static final long DEFAULT_PARALLEL_WORK = 1_000_000;

    private long parallelWork = DEFAULT_PARALLEL_WORK;

    void setParallelWork(long work) {
        parallelWork = work;
    }

    /** Steps every affected view; relationDeltas receives each changed view's delta. */
    Map<String, ViewDelta> propagate(Collection<MaterializedView> views, Map<String, ZSet> relationDeltas) {
        TreeMap<Integer, List<MaterializedView>> byLevel = new TreeMap<>();
        for (MaterializedView v : views) {
            byLevel.computeIfAbsent(v.level, l -> new ArrayList<>()).add(v);
        }
        Map<MaterializedView, ZSet> outputs = new LinkedHashMap<>();
        for (List<MaterializedView> level : byLevel.values()) {
            List<MaterializedView> affected = level.stream()
                    .filter(v -> v.relations().stream().anyMatch(relationDeltas::containsKey)).toList();
            List<ZSet> deltas = step(affected, relationDeltas);
            for (int i = 0; i < affected.size(); i++) {
                ZSet d = deltas.get(i);
                if (d.isEmpty()) continue;
                relationDeltas.put(affected.get(i).name, d);
                outputs.put(affected.get(i), d);
            }
        }
        return report(views, outputs);
    }

    private List<ZSet> step(List<MaterializedView> affected, Map<String, ZSet> relationDeltas) {
        long changedRows = relationDeltas.values().stream().mapToLong(ZSet::size).sum();
        boolean parallel = affected.size() > 1 && affected.size() * changedRows >= parallelWork;
        if (!parallel || ForkJoinPool.getCommonPoolParallelism() < 2) {
            return affected.stream().map(v -> stepOne(v, relationDeltas)).toList();
        }
        return affected.parallelStream().map(v -> stepOne(v, relationDeltas)).toList();
    }

    private static ZSet stepOne(MaterializedView v, Map<String, ZSet> relationDeltas) {
        ZSet d = v.dataflow.step(relationDeltas, false);
        v.absorb(d);
        return d;
    }

    private static Map<String, ViewDelta> report(Collection<MaterializedView> views, Map<MaterializedView, ZSet> outputs) {
        Map<String, ViewDelta> out = new LinkedHashMap<>();
        for (MaterializedView v : views) {
            ZSet d = outputs.get(v);
            if (d != null) out.put(v.name, ViewDelta.of(d, v.hashHex()));
        }
        return out;
    }
}
