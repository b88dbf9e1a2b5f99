package io.shardview.entity.rules;

import io.shardview.entity.metrics.ShardedAppend;
import io.shardview.entity.metrics.ShardedQuery;
import io.shardview.entity.metrics.TenantShards;
import io.shardview.entity.metrics.TooManyPoints;
import io.shardview.metrics.index.Labels;
import io.shardview.metrics.ingest.SampleBatch;
import io.shardview.metrics.promql.evaluation.QueryException;
import io.shardview.metrics.promql.evaluation.Sample;
import io.shardview.metrics.rules.GroupState;
import io.shardview.metrics.rules.Notification;
import io.shardview.metrics.rules.RuleResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * One evaluation of a group at one time, off the group's actor: each rule's query through the tenant's metrics shards
 * (this region's), its results and staleness markers stored through the ordinary append path before the next rule's
 * query (which may read them), and the alerts to notify. It works on its own copy of the group's state and gives it
 * back whole; a rule whose query cannot run (a PromQL error, too many samples, its time out) is that rule's error, as
 * in Prometheus, while shards that do not answer or refuse to store fail the whole evaluation, which is tried again.
 */
final class GroupEvaluation {
    /** What an evaluation gives back: the group's next state, the alerts to send, how long it took. */
    record Done(long time, GroupState state, List<Notification> notifications, double seconds) {}

    /** The evaluation could not store or read what it needed; nothing of it is kept. */
    static final class Failed extends RuntimeException {
        Failed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final String tenant;
    private final ShardedQuery query;
    private final ShardedAppend append;
    private final RulesSettings settings;
    private final long intervalMillis;

    GroupEvaluation(
            String tenant, ShardedQuery query, ShardedAppend append, RulesSettings settings, long intervalMillis) {
        this.tenant = tenant;
        this.query = query;
        this.append = append;
        this.settings = settings;
        this.intervalMillis = intervalMillis;
    }

    /** Evaluates {@code state}'s group at {@code time} on {@code state} itself (the caller's copy). */
    CompletionStage<Done> run(GroupState state, long time, long nowMillis) {
        long started = System.nanoTime();
        TenantShards shards = query.shardsOrEvery(tenant, null);
        List<Notification> notifications = new ArrayList<>();
        boolean backfill = nowMillis - time > settings.maxCatchUpMillis() / 4;
        CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
        for (int i = 0; i < state.group().rules().size(); i++) {
            int rule = i;
            chain = chain.thenCompose(v -> evaluate(state, shards, rule, time, backfill))
                    .thenAccept(result -> {
                        // As Prometheus: alerts are sent after an evaluation that worked, whether its series stored.
                        if (!result.failed()) {
                            notifications.addAll(
                                    state.notifications(rule, time, settings.resendDelayMillis(), intervalMillis));
                        }
                    });
        }
        return chain.thenApply(v -> new Done(time, state, notifications, (System.nanoTime() - started) / 1e9));
    }

    private CompletionStage<RuleResult> evaluate(
            GroupState state, TenantShards shards, int rule, long time, boolean backfill) {
        long started = System.nanoTime();
        return query.instant(
                        shards,
                        state.group().rules().get(rule).expr(),
                        time,
                        settings.queryTimeout().toNanos(),
                        null)
                .handle((result, error) -> {
                    double seconds = (System.nanoTime() - started) / 1e9;
                    if (error == null) return state.apply(rule, time, result, seconds);
                    Throwable cause =
                            error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                    if (cause instanceof QueryException || cause instanceof TooManyPoints) {
                        return state.fail(rule, time, cause.getMessage(), seconds);
                    }
                    throw new Failed(
                            "the query of rule "
                                    + state.group().rules().get(rule).name()
                                    + " got no answer from the tenant's shards: " + cause,
                            cause);
                })
                .thenCompose(result -> store(state, rule, result, backfill));
    }

    private CompletionStage<RuleResult> store(GroupState state, int rule, RuleResult result, boolean backfill) {
        if (result.samples().isEmpty()) {
            if (!result.failed()) state.stored(rule, result);
            return CompletableFuture.completedFuture(result);
        }
        return append.append(tenant, batch(result), backfill).handle((outcome, error) -> {
            if (error != null) {
                throw new Failed(
                        "the results of rule " + state.group().rules().get(rule).name() + " could not be stored: "
                                + error,
                        error);
            }
            if (outcome.refusal() != null) {
                state.storeFailed(rule, result.time(), "results not stored: the tenant's series limit was reached");
                return result;
            }
            int dropped = outcome.outOfOrder() + outcome.tooOld() + outcome.tooFarAhead();
            if (dropped > 0) {
                state.storeFailed(rule, result.time(), dropped + " results not stored (out of order or too old)");
            }
            state.stored(rule, result);
            return result;
        });
    }

    private static SampleBatch batch(RuleResult result) {
        List<String[]> series = new ArrayList<>(result.samples().size());
        int n = result.samples().size();
        int[] seriesOfPoint = new int[n];
        long[] times = new long[n];
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            Sample s = result.samples().get(i);
            series.add(pairs(s.labels()));
            seriesOfPoint[i] = i;
            times[i] = result.time();
            values[i] = s.value();
        }
        return SampleBatch.of(series, seriesOfPoint, times, values);
    }

    private static String[] pairs(Labels labels) {
        String[] out = new String[labels.size() * 2];
        for (int i = 0; i < labels.size(); i++) {
            out[2 * i] = labels.name(i);
            out[2 * i + 1] = labels.value(i);
        }
        return out;
    }
}
