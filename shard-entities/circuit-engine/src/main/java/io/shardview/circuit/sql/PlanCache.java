package io.shardview.circuit.sql;

import io.shardview.circuit.catalog.Column;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.calcite.rel.RelNode;

/**
 * The plans of recently planned SELECTs, shared by every circuit of the JVM. Planning is a function of the SELECT's
 * text, the columns of the relations it may read, and how it is read (accepted before, SQL revision, depth limit):
 * the same inputs give the same plan, which is what restoring a snapshot already relies on. So a tenant recovering
 * after passivation, or one of many tenants created with the same schema, compiles its views from a plan made once
 * instead of running Calcite again (parsing, validation and rewriting take milliseconds per view; compiling a plan
 * into operators, done for each view as before, takes microseconds). A plan is never changed once made (the
 * compiler only reads it), so sharing one between circuits on different threads is safe.
 *
 * <p>Least recently used plans go first once the cache holds {@link #capacity()} plans; only successful plans are
 * kept.
 */
public final class PlanCache {
    /** What a plan is made from: two requests with equal keys get equal plans. */
    record Key(String select, Map<String, List<Column>> relations, boolean accepted, int revision, int maxDepth) {}

    private static volatile int capacity = 1000;

    @SuppressWarnings("serial")
    private static final LinkedHashMap<Key, RelNode> PLANS = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, RelNode> eldest) {
            return size() > capacity;
        }
    };

    private static long hits;
    private static long misses;

    private PlanCache() {}

    /** Sets how many plans the cache keeps (0 turns it off); set once when a node starts. */
    public static void setCapacity(int plans) {
        if (plans < 0) throw new IllegalArgumentException("plan cache capacity must be >= 0: " + plans);
        synchronized (PLANS) {
            capacity = plans;
            while (PLANS.size() > plans) {
                PLANS.remove(PLANS.keySet().iterator().next());
            }
        }
    }

    public static int capacity() {
        return capacity;
    }

    /** Plans kept, lookups answered from the cache, and lookups that had to plan. */
    public record Stats(int plans, long hits, long misses) {}

    public static Stats stats() {
        synchronized (PLANS) {
            return new Stats(PLANS.size(), hits, misses);
        }
    }

    /** Plans being made now, so that circuits asking for the same one at once wait for it instead of each planning. */
    private static final ConcurrentHashMap<Key, CompletableFuture<RelNode>> IN_FLIGHT = new ConcurrentHashMap<>();

    /** Makes a plan: {@link SqlPlanner}'s Calcite planning, or its refusal. */
    interface Planner {
        RelNode plan() throws SqlPlanner.PlanningException;
    }

    /**
     * The plan kept for {@code key}, or the one another thread is making for it now, or else the one {@code planner}
     * makes (kept for next time). Many tenants recovering at once with the same views (a node that just joined, taking
     * over their shards) plan each view once between them instead of all at once. A refusal is not shared: whoever
     * waited for a plan that was refused plans for itself.
     */
    static RelNode plan(Key key, Planner planner) throws SqlPlanner.PlanningException {
        RelNode kept = get(key);
        if (kept != null) return kept;
        if (capacity == 0) return planner.plan();
        CompletableFuture<RelNode> mine = new CompletableFuture<>();
        CompletableFuture<RelNode> other = IN_FLIGHT.putIfAbsent(key, mine);
        if (other != null) {
            try {
                return other.join();
            } catch (CompletionException | CancellationException refused) {
                return planner.plan();
            }
        }
        try {
            RelNode plan = planner.plan();
            put(key, plan);
            mine.complete(plan);
            return plan;
        } catch (Throwable t) {
            mine.completeExceptionally(t);
            throw t;
        } finally {
            IN_FLIGHT.remove(key, mine);
        }
    }

    static RelNode get(Key key) {
        if (capacity == 0) return null;
        synchronized (PLANS) {
            RelNode plan = PLANS.get(key);
            if (plan == null) misses++;
            else hits++;
            return plan;
        }
    }

    private static void put(Key key, RelNode plan) {
        if (capacity == 0) return;
        // The key keeps its own copy of the relations: the caller's map may change after planning.
        Key own = new Key(key.select(), Map.copyOf(key.relations()), key.accepted(), key.revision(), key.maxDepth());
        synchronized (PLANS) {
            PLANS.put(own, plan);
        }
    }
}
