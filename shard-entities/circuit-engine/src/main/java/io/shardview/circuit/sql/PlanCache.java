package io.shardview.circuit.sql;

import io.shardview.circuit.catalog.Column;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    /** What a plan is made from, besides the relations it reads. */
    record Key(String select, boolean accepted, int revision, int maxDepth) {}

    /**
     * What planning asked of a tenant's relations: the columns of each relation it found, and the names it looked up
     * and found nothing for. A plan holds for any tenant whose relations answer the same.
     */
    record Reads(Map<String, List<Column>> found, Set<String> absent) {
        boolean sameIn(Relations relations) {
            for (Map.Entry<String, List<Column>> e : found.entrySet()) {
                if (!e.getValue().equals(relations.columns(e.getKey()))) return false;
            }
            for (String name : absent) {
                if (relations.columns(name) != null) return false;
            }
            return true;
        }
    }

    /** A plan and what its planning read; reads null: planning listed every relation, and the plan is not kept. */
    record Planned(RelNode plan, Reads reads) {
        boolean holdsFor(Relations relations) {
            return reads != null && reads.sameIn(relations);
        }
    }

    private static volatile int capacity = 1000;

    /** One plan per key, the last made: a tenant whose relations differ plans again and keeps its plan instead. */
    @SuppressWarnings("serial")
    private static final LinkedHashMap<Key, Planned> PLANS = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Planned> eldest) {
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
    private static final ConcurrentHashMap<Key, CompletableFuture<Planned>> IN_FLIGHT = new ConcurrentHashMap<>();

    /** Makes a plan: {@link SqlPlanner}'s Calcite planning, or its refusal. */
    interface Planner {
        Planned plan() throws SqlPlanner.PlanningException;
    }

    /**
     * The plan kept for {@code key} over {@code relations}, or the one another thread is making for it now, or else the
     * one {@code planner} makes (kept for next time). Many tenants recovering at once with the same views (a node that
     * just joined, taking over their shards) plan each view once between them instead of all at once. A refusal is not
     * shared: whoever waited for a plan that was refused, or made over other relations, plans for itself.
     */
    static RelNode plan(Key key, Relations relations, Planner planner) throws SqlPlanner.PlanningException {
        RelNode kept = get(key, relations);
        if (kept != null) return kept;
        if (capacity == 0) return planner.plan().plan();
        CompletableFuture<Planned> mine = new CompletableFuture<>();
        CompletableFuture<Planned> other = IN_FLIGHT.putIfAbsent(key, mine);
        if (other != null) {
            try {
                Planned theirs = other.join();
                if (theirs.holdsFor(relations)) return theirs.plan();
            } catch (CompletionException | CancellationException refused) {
                // planned below
            }
            return planner.plan().plan();
        }
        try {
            Planned planned = planner.plan();
            put(key, planned);
            mine.complete(planned);
            return planned.plan();
        } catch (Throwable t) {
            mine.completeExceptionally(t);
            throw t;
        } finally {
            IN_FLIGHT.remove(key, mine);
        }
    }

    static RelNode get(Key key, Relations relations) {
        if (capacity == 0) return null;
        Planned planned;
        synchronized (PLANS) {
            planned = PLANS.get(key);
        }
        boolean hit = planned != null && planned.holdsFor(relations);
        synchronized (PLANS) {
            if (hit) hits++;
            else misses++;
        }
        return hit ? planned.plan() : null;
    }

    private static void put(Key key, Planned planned) {
        if (capacity == 0 || planned.reads() == null) return;
        synchronized (PLANS) {
            PLANS.put(key, planned);
        }
    }
}
