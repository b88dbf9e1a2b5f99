package io.shardview.entity.tenant;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.DdlResult;
import io.shardview.circuit.budget.Budgets;
import io.shardview.circuit.error.RejectionKind;
import io.shardview.entity.fault.InternalErrors;
import io.shardview.entity.tenant.TenantProtocol.Command;
import io.shardview.entity.tenant.TenantProtocol.ExecuteSql;
import io.shardview.entity.tenant.TenantProtocol.Query;
import io.shardview.entity.tenant.TenantProtocol.QueryPlanned;
import io.shardview.entity.tenant.TenantProtocol.QueryReply;
import io.shardview.entity.tenant.TenantProtocol.Refused;
import io.shardview.entity.tenant.TenantProtocol.SqlApplied;
import io.shardview.entity.tenant.TenantProtocol.SqlPlanned;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.pekko.persistence.typed.javadsl.Effect;

/**
 * A tenant's SQL requests (DDL) and one-off queries: planned on the node's planner threads ({@link SqlPlanning}), off
 * the entity's thread, one request at a time so each is planned against the catalog the previous one left; the others
 * wait here in arrival order. A planned DDL request is applied and persisted by the entity; a planned query is run
 * against the current state.
 */
final class TenantSqlRequests {
    private static final Pattern CREATE_VIEW = Pattern.compile("(?i)\\bcreate\\s+(materialized\\s+)?view\\b");

    private final TenantContext tenant;
    private final SqlPlanning planning;
    private final TenantReads reads;

    /**
     * The SQL request or query being planned, and those waiting for it, in arrival order. Not state: a stop or failure
     * answers them, nothing applied.
     */
    private Command planned;

    private final ArrayDeque<Command> waiting = new ArrayDeque<>();

    /** Told of the state once a request's statements applied (the tenant's clock starts with a view reading it). */
    private final java.util.function.Consumer<TenantState> catalogChanged;

    TenantSqlRequests(
            TenantContext tenant,
            SqlPlanning planning,
            TenantReads reads,
            java.util.function.Consumer<TenantState> catalogChanged) {
        this.tenant = tenant;
        this.planning = planning;
        this.reads = reads;
        this.catalogChanged = catalogChanged;
    }

    /** A SQL request (at the home) or a query: planned now if nothing is, else it waits its turn. */
    Effect<TenantEvent, TenantState> enqueue(TenantState state, Command command) {
        if (planned == null) {
            planNext(state, command);
        } else if (waiting.size() >= tenant.settings.sqlMaxWaiting()) {
            tenant.answerFailed(
                    command,
                    Refused.unavailable(
                            "tenant " + tenant.tenant + " has " + waiting.size() + " SQL requests waiting"));
        } else {
            waiting.add(command);
        }
        return tenant.effects.none();
    }

    /** Answers the request being planned and those waiting with {@code refused}, and forgets them. */
    void refuseAll(Refused refused) {
        if (planned != null) tenant.answerFailed(planned, refused);
        planned = null;
        waiting.forEach(command -> tenant.answerFailed(command, refused));
        waiting.clear();
    }

    /** Starts planning {@code next}, or if it can be answered at once, answers it and goes on with the waiting ones. */
    private void planNext(TenantState state, Command next) {
        while (next != null) {
            if (startPlanning(state, next)) return;
            next = waiting.poll();
        }
    }

    /** Whether {@code command} is now being planned (else it was answered). */
    private boolean startPlanning(TenantState state, Command command) {
        if (command instanceof ExecuteSql sql) {
            // A request already applied is answered as it was before its deadline is looked at: a resend that waited
            // past it must not be answered 503 (which says nothing was applied) for a request in the journal.
            SqlApplied earlier = sql.requestKey() == null ? null : state.sqlRequests.get(sql.requestKey());
            if (earlier != null) {
                tenant.reply(sql.replyTo(), new SqlApplied(earlier.version(), earlier.objects(), true));
                return false;
            }
            Refused refused = refusedBeforePlanning(state, sql);
            if (refused != null) {
                tenant.reply(sql.replyTo(), refused);
                return false;
            }
        } else {
            Query query = (Query) command;
            if (TenantContext.expired(query.deadlineMillis())) {
                tenant.reply(query.replyTo(), Refused.unavailable("the query waited past its deadline"));
                return false;
            }
            if (state.circuit.version() == 0) {
                tenant.reply(query.replyTo(), Refused.noSuchTenant(tenant.tenant));
                return false;
            }
        }
        var catalog = state.circuit.catalog();
        try {
            if (command instanceof ExecuteSql sql) {
                tenant.actor.pipeToSelf(
                        planning.prepare(sql.sql(), catalog),
                        (prepared, failure) -> new SqlPlanned(sql, prepared, failure));
            } else {
                Query query = (Query) command;
                tenant.actor.pipeToSelf(
                        planning.prepareQuery(query.sql(), catalog),
                        (prepared, failure) -> new QueryPlanned(query, prepared, failure));
            }
        } catch (RejectedExecutionException busy) {
            tenant.answerFailed(command, Refused.unavailable("the SQL planner of this node is busy"));
            return false;
        }
        planned = command;
        return true;
    }

    private Refused refusedBeforePlanning(TenantState state, ExecuteSql command) {
        if (TenantContext.expired(command.deadlineMillis())) {
            return Refused.unavailable("the SQL request waited past its deadline");
        }
        long newViews = CREATE_VIEW
                .matcher(command.sql() == null ? "" : command.sql())
                .results()
                .count();
        int views = state.histories.size();
        int maxViews = state.budgets().maxViews();
        if (newViews > 0 && views + newViews > maxViews) {
            return new Refused(
                    RejectionKind.LIMIT_EXCEEDED,
                    "a tenant may have at most " + maxViews + " views (" + Budgets.VIEWS + "); it has " + views,
                    Map.of("limit", Budgets.VIEWS, "max", maxViews, "reached", views + newViews));
        }
        return null;
    }

    /**
     * The plan of the SQL request is ready: DDL has no dry run, so it applies here, filling new views from the
     * data, and the event handler sees its version already reached.
     */
    Effect<TenantEvent, TenantState> onSqlPlanned(TenantState state, SqlPlanned done) {
        if (done.request() != planned) return tenant.effects.none(); // answered already (the tenant was stopping)
        ExecuteSql command = done.request();
        planned = null;
        Refused refused = null;
        if (done.failure() != null) {
            refused = planningFailed(command, done.failure());
        } else if (done.prepared().rejection() != null) {
            refused = refusal(done.prepared().rejection());
        } else if (TenantContext.expired(command.deadlineMillis())) {
            refused = Refused.unavailable("planning ended past the request's deadline");
        }
        if (refused != null) {
            tenant.reply(command.replyTo(), refused);
            planNext(state, waiting.poll());
            return tenant.effects.none();
        }
        DdlResult result = state.circuit.apply(done.prepared());
        if (result instanceof DdlResult.Rejected rejected) {
            tenant.reply(command.replyTo(), refusal(rejected));
            planNext(state, waiting.poll());
            return tenant.effects.none();
        }
        DdlResult.Applied applied = (DdlResult.Applied) result;
        TenantEvent.SqlApplied event = new TenantEvent.SqlApplied(
                applied.version(), command.sql(), applied.objects(), Circuit.SQL_REVISION, command.requestKey());
        return tenant.effects
                .persist(event)
                .thenRun(s -> {
                    tenant.durability.durableUpTo(tenant.lastSequenceNumber()); // synced with the writes before it
                    reads.answerWaiting(s, s.circuit.version());
                    tenant.replica.pushed(List.of(event), tenant.lastSequenceNumber(), s.circuit.version());
                    catalogChanged.accept(s);
                    planNext(s, waiting.poll());
                })
                .thenRun(s -> tenant.whenConfirmed(
                        tenant.lastSequenceNumber(),
                        () -> tenant.reply(
                                command.replyTo(), new SqlApplied(applied.version(), applied.objects(), false)),
                        () -> tenant.reply(command.replyTo(), tenant.unconfirmed())));
    }

    /** The plan of the query is ready: it runs against the state now, and the next request is planned. */
    Effect<TenantEvent, TenantState> onQueryPlanned(TenantState state, QueryPlanned done) {
        if (done.request() != planned) return tenant.effects.none();
        planned = null;
        Query query = done.request();
        QueryReply reply;
        if (done.failure() != null) {
            reply = planningFailed(query, done.failure());
        } else if (TenantContext.expired(query.deadlineMillis())) {
            reply = Refused.unavailable("planning ended past the query's deadline");
        } else {
            reply = TenantReads.query(state.circuit.query(done.prepared()));
        }
        tenant.reply(query.replyTo(), reply);
        planNext(state, waiting.poll());
        return tenant.effects.none();
    }

    private static Refused refusal(DdlResult.Rejected rejected) {
        Map<String, Object> details = new LinkedHashMap<>(rejected.details());
        details.put("statement", rejected.statement());
        return new Refused(rejected.kind(), rejected.message(), details);
    }

    /** Why planning failed, as the answer to the request: over budget (422), planner busy (503), or a bug (500). */
    private Refused planningFailed(Command request, Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof TimeoutException) {
            long budget = planning.budget().toMillis();
            return new Refused(
                    RejectionKind.LIMIT_EXCEEDED,
                    "planning the statement took longer than its budget of " + budget + " ms",
                    Map.of("limit", "sql-plan-budget", "max_ms", budget));
        }
        if (cause instanceof RejectedExecutionException) {
            return Refused.unavailable("the SQL planner of this node is busy");
        }
        return tenant.internal(InternalErrors.record(
                tenant.actor.getLog(),
                "sql-planner",
                "tenant " + tenant.tenant + ", " + request.getClass().getSimpleName(),
                cause));
    }
}
