package io.shardview.entity.tenant;

import com.typesafe.config.Config;
import io.shardview.circuit.PreparedSql;
import io.shardview.circuit.sql.PlanCache;
import io.shardview.entity.fault.FailPoints;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The node's SQL planner threads: tenants plan their SQL requests here, off their entity's thread, so a view that
 * takes seconds to plan holds none of the tenant's other requests, and never the dispatcher that serves the others.
 *
 * <p>Bounded in threads and in waiting requests (a full queue is refused at once, and the tenant answers 503: nothing
 * applied). Planning a request is given a time budget; the tenant answers a request past it with a 422 and drops its
 * plan. Calcite cannot be interrupted, so the thread finishes the work it was given; the bounded pool is what keeps
 * runaway plans from taking more than its threads. Each thread has a large stack: the planner recurses along the
 * statement's tree, whose depth is limited, and a stack overflow still caught there is refused as too deep.
 */
public final class SqlPlanning {
    /** The node's SQL planner, from {@code shardview.tenant.sql} (config/tenant.conf). */
    public static SqlPlanning from(Config config) {
        Config c = config.getConfig("shardview.tenant.sql");
        return new SqlPlanning(
                c.getInt("planner-threads"),
                c.getInt("planner-queue"),
                c.getDuration("plan-budget"),
                c.getInt("max-depth"));
    }

    /**
     * Sizes the plan cache the JVM's tenants share ({@link PlanCache}) from {@code shardview.tenant.sql.plan-cache}: a
     * setting of the whole node, made once when the node starts.
     */
    public static void sizePlanCache(Config config) {
        PlanCache.setCapacity(config.getInt("shardview.tenant.sql.plan-cache"));
    }

    /** Each planner thread's stack: virtual memory reserved per thread, committed only as far as a plan recurses. */
    static final long STACK_BYTES = 64L << 20;

    private final ThreadPoolExecutor pool;
    private final Duration budget;
    private final int maxDepth;

    /**
     * @param threads planner threads on this node
     * @param queue requests that may wait for a thread
     * @param budget how long planning one request may take
     * @param maxDepth the deepest nesting of a SELECT accepted (see {@link io.shardview.circuit.sql.SqlDepth})
     */
    public SqlPlanning(int threads, int queue, Duration budget, int maxDepth) {
        AtomicInteger counter = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(
                threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue), work -> {
                    Thread thread =
                            new Thread(null, work, "shardview-sql-planner-" + counter.incrementAndGet(), STACK_BYTES);
                    thread.setDaemon(true);
                    return thread;
                });
        this.pool.allowCoreThreadTimeOut(true);
        this.budget = budget;
        this.maxDepth = maxDepth;
    }

    /**
     * Plans a statement that touches what views use (a join, grouping, a subquery, a CASE) against an empty catalog,
     * in the background, once: loading and compiling Calcite's planner takes seconds on a busy machine, and would
     * otherwise fall on the first user's request and its budget.
     */
    public void warmUp() {
        pool.execute(() -> {
            PreparedSql.Catalog empty = new PreparedSql.Catalog(0, java.util.Map.of(), java.util.Map.of());
            PreparedSql.prepare(
                    "CREATE TABLE a (k BIGINT NOT NULL, g INT, v DOUBLE, s VARCHAR(8), PRIMARY KEY (k));"
                            + "CREATE TABLE b (k BIGINT NOT NULL, w NUMERIC(10, 2), PRIMARY KEY (k));"
                            + "CREATE VIEW j AS SELECT a.g, COUNT(*) AS n, SUM(b.w) AS w, MAX(CASE WHEN a.v > 0 THEN a.s ELSE 'x' END) AS m "
                            + "FROM a JOIN b ON a.k = b.k WHERE a.k IN (SELECT k FROM b WHERE w > 1) GROUP BY a.g HAVING COUNT(*) > 1",
                    empty,
                    -1,
                    maxDepth);
        });
    }

    /** The time one request's planning may take. */
    public Duration budget() {
        return budget;
    }

    /** The deepest nesting of a SELECT accepted. */
    public int maxDepth() {
        return maxDepth;
    }

    /**
     * Plans a SQL request against {@code catalog}. Fails with a {@link java.util.concurrent.RejectedExecutionException}
     * when the queue is full, a {@link java.util.concurrent.TimeoutException} when the budget passed, or whatever the
     * planner threw (a bug).
     */
    CompletableFuture<PreparedSql> prepare(String sql, PreparedSql.Catalog catalog) {
        return submit(() -> {
            FailPoints.raise(failpointIn(sql));
            return PreparedSql.prepare(sql, catalog, -1, maxDepth);
        });
    }

    /** Plans a one-off SELECT against {@code catalog}; fails as {@link #prepare} does. */
    CompletableFuture<PreparedSql.PreparedQuery> prepareQuery(String select, PreparedSql.Catalog catalog) {
        return submit(() -> PreparedSql.prepareQuery(select, catalog, maxDepth));
    }

    private <T> CompletableFuture<T> submit(Supplier<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        pool.execute(() -> {
            try {
                result.complete(work.get());
            } catch (Throwable t) { // handed to the entity, which records it (InternalErrors) and answers 500
                result.completeExceptionally(t);
            }
        });
        return result.orTimeout(budget.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The failpoint kind a request names in a view {@code __failpoint_<kind>}, or null (only with failpoints on). */
    private static String failpointIn(String sql) {
        if (!FailPoints.enabled() || sql == null) return null;
        java.util.regex.Matcher view = FAILPOINT_VIEW.matcher(sql);
        return view.find() ? view.group(1) : null;
    }

    private static final java.util.regex.Pattern FAILPOINT_VIEW =
            java.util.regex.Pattern.compile("(?i)create\\s+view\\s+" + FailPoints.PREFIX + "(\\w+)");

    /** Stops the planner threads (work in progress finishes on its own). */
    public void shutdown() {
        pool.shutdownNow();
    }
}
