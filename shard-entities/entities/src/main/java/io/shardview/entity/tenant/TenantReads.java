package io.shardview.entity.tenant;

import io.shardview.circuit.QueryResult;
import io.shardview.circuit.RowsPage;
import io.shardview.circuit.budget.Budgets;
import io.shardview.circuit.catalog.CatalogDescription;
import io.shardview.circuit.catalog.Column;
import io.shardview.circuit.error.RejectionKind;
import io.shardview.entity.fault.FailPoints;
import io.shardview.entity.tenant.TenantProtocol.BudgetUse;
import io.shardview.entity.tenant.TenantProtocol.ColumnInfo;
import io.shardview.entity.tenant.TenantProtocol.DescribeReply;
import io.shardview.entity.tenant.TenantProtocol.ExplainReply;
import io.shardview.entity.tenant.TenantProtocol.Freshness;
import io.shardview.entity.tenant.TenantProtocol.PlanOperator;
import io.shardview.entity.tenant.TenantProtocol.QueryReply;
import io.shardview.entity.tenant.TenantProtocol.QueryRows;
import io.shardview.entity.tenant.TenantProtocol.ReadReply;
import io.shardview.entity.tenant.TenantProtocol.ReadRows;
import io.shardview.entity.tenant.TenantProtocol.ReadWaitOver;
import io.shardview.entity.tenant.TenantProtocol.Refused;
import io.shardview.entity.tenant.TenantProtocol.ReplayChanges;
import io.shardview.entity.tenant.TenantProtocol.Rows;
import io.shardview.entity.tenant.TenantProtocol.TableInfo;
import io.shardview.entity.tenant.TenantProtocol.TenantInfo;
import io.shardview.entity.tenant.TenantProtocol.ViewInfo;
import io.shardview.entity.tenant.TenantProtocol.ViewPlan;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.persistence.typed.javadsl.Effect;

/**
 * The read side of a tenant entity: pages of rows, which may wait in the entity for a version not written yet, and the
 * answers built from the state without changing it (the catalog, a view's plan, a one-off query's rows, a view's
 * changes for a change stream).
 */
final class TenantReads {
    /** How long a read waits at a replica that has not yet received its tenant's first events. */
    private static final Duration FIRST_EVENTS_WAIT = Duration.ofSeconds(2);

    private final TenantContext tenant;

    /** Reads waiting for a version, by id (a timer with the same key ends each wait). Not state: a stop answers them. */
    private final Map<Long, ReadRows> waiting = new HashMap<>();

    private long nextReadId;

    TenantReads(TenantContext tenant) {
        this.tenant = tenant;
    }

    /** A page of rows: answered now, or once the circuit reaches the version the read waits for. */
    Effect<TenantEvent, TenantState> onRead(TenantState state, ReadRows read) {
        if (state.circuit.version() == 0 && tenant.replica.isFollower(state, tenant.lastSequenceNumber())) {
            // A replica that has not received its tenant's first events yet: the read waits for them a moment
            // rather than saying the tenant does not exist.
            waitAtMost(
                    new ReadRows(
                            read.name(),
                            read.view(),
                            read.limit(),
                            read.after(),
                            Math.max(1, read.minVersion()),
                            read.waitMillis(),
                            read.replyTo()),
                    FIRST_EVENTS_WAIT.plusMillis(read.waitMillis()));
            tenant.replica.wanted(state, tenant.lastSequenceNumber());
            return tenant.effects.none();
        }
        // A read waiting for a version not reached yet waits even for a view or table the tenant does not have: the
        // version it waits for may create it (a replica reading its home's new view with read-your-writes).
        if (state.circuit.version() >= read.minVersion() || read.waitMillis() <= 0) {
            return tenant.answer(read.replyTo(), rowsReply(state, read));
        }
        waitAtMost(read, Duration.ofMillis(read.waitMillis()));
        tenant.replica.wanted(state, tenant.lastSequenceNumber()); // a follower asks its home now, not at its next tick
        return tenant.effects.none();
    }

    private void waitAtMost(ReadRows read, Duration atMost) {
        long id = nextReadId++;
        waiting.put(id, read);
        tenant.timers.startSingleTimer(id, new ReadWaitOver(id), atMost);
    }

    /** A waiting read has waited long enough: answered with whatever version the circuit has. */
    Effect<TenantEvent, TenantState> onWaitOver(TenantState state, ReadWaitOver over) {
        ReadRows read = waiting.remove(over.id());
        if (read != null) tenant.reply(read.replyTo(), rowsReply(state, read));
        return tenant.effects.none();
    }

    /** Whether a read waits for a version at most {@code reached} (it is answered once that version is durable). */
    boolean waitingUpTo(long reached) {
        for (ReadRows read : waiting.values()) {
            if (read.minVersion() <= reached) return true;
        }
        return false;
    }

    /** Answers the waiting reads whose version the circuit has reached, all of them with {@code Long.MAX_VALUE}. */
    void answerWaiting(TenantState state, long reached) {
        if (waiting.isEmpty()) return;
        var reads = waiting.entrySet().iterator();
        while (reads.hasNext()) {
            var entry = reads.next();
            if (entry.getValue().minVersion() > reached) continue;
            reads.remove();
            tenant.timers.cancel(entry.getKey());
            tenant.reply(entry.getValue().replyTo(), rowsReply(state, entry.getValue()));
        }
    }

    /** A page of rows, with which replica read it and how far behind its home that replica is. */
    private ReadReply rowsReply(TenantState state, ReadRows read) {
        long lastSeqNr = tenant.lastSequenceNumber();
        TenantReplica replica = tenant.replica;
        String home = replica.home(state, lastSeqNr);
        Regions.Lag lag = replica.lag(state, lastSeqNr);
        return rows(
                state,
                read,
                new Freshness(
                        replica.self(),
                        home == null ? replica.self() : home,
                        lag == null ? 0 : lag.versions(),
                        lag == null ? 0 : lag.millis()));
    }

    // ---- answers built from the state -------------------------------------------------------

    static ReadReply rows(TenantState state, ReadRows read, Freshness freshness) {
        CatalogDescription catalog = state.circuit.describe();
        boolean exists = read.view()
                ? catalog.views().stream().anyMatch(v -> v.name().equals(read.name()))
                : catalog.tables().stream().anyMatch(t -> t.name().equals(read.name()));
        if (!exists) {
            return new Refused(
                    RejectionKind.NOT_FOUND,
                    "tenant " + state.tenant + " has no " + (read.view() ? "view" : "table") + " named " + read.name(),
                    Map.of());
        }
        RowsPage page;
        try {
            page = state.circuit.read(read.name(), read.limit(), read.after()).orElseThrow();
        } catch (NumberFormatException badCursor) {
            return new Refused(RejectionKind.INVALID, "invalid cursor " + read.after(), Map.of("after", read.after()));
        }
        return new Rows(
                page.name(),
                page.version(),
                page.hash(),
                page.count(),
                columns(page.columns()),
                RowJson.rows(page.rows()),
                page.next(),
                freshness);
    }

    static ExplainReply explain(TenantState state, String view) {
        long version = state.circuit.version();
        if (version == 0) return new Refused(RejectionKind.NOT_FOUND, "no tenant named " + state.tenant, Map.of());
        return state.circuit
                .explain(view)
                .<ExplainReply>map(plan -> new ViewPlan(
                        view,
                        version,
                        plan.revision(),
                        plan.rows(),
                        plan.operators().stream()
                                .map(o -> new PlanOperator(
                                        o.id(), o.operator(), o.relation(), o.inputs(), o.stateRows(), o.views()))
                                .toList()))
                .orElseGet(() -> new Refused(
                        RejectionKind.NOT_FOUND, "no view named " + view + " in tenant " + state.tenant, Map.of()));
    }

    static DescribeReply describe(TenantState state, TenantClock clock) {
        CatalogDescription catalog = state.circuit.describe();
        if (catalog.version() == 0) {
            return new Refused(RejectionKind.NOT_FOUND, "no tenant named " + state.tenant, Map.of());
        }
        return new TenantInfo(
                state.tenant,
                catalog.version(),
                catalog.tables().stream()
                        .map(t -> new TableInfo(t.name(), columns(t.columns()), t.primaryKey(), t.rows()))
                        .toList(),
                catalog.views().stream()
                        .map(v -> new ViewInfo(v.name(), v.sql(), columns(v.columns()), v.rows()))
                        .toList(),
                budgets(state),
                state.replication,
                state.home,
                state.terms.epoch(),
                clock.info(state));
    }

    /** Each budget by name with its value and the tenant's use of it, from counters (nothing is walked). */
    static Map<String, BudgetUse> budgets(TenantState state) {
        Budgets budgets = state.budgets();
        Map<String, Long> used = Map.of(
                Budgets.STATE_ROWS, state.circuit.stateRows(),
                Budgets.STATE_BYTES, state.circuit.stateBytes(),
                Budgets.VIEWS, (long) state.histories.size());
        Map<String, BudgetUse> out = new LinkedHashMap<>();
        for (String name : Budgets.NAMES) {
            out.put(name, new BudgetUse(budgets.get(name), used.get(name), state.budgetOverrides.containsKey(name)));
        }
        return out;
    }

    static QueryReply query(QueryResult result) {
        if (result instanceof QueryResult.Rejected rejected) {
            return new Refused(rejected.kind(), rejected.message(), rejected.details());
        }
        QueryResult.Rows rows = (QueryResult.Rows) result;
        return new QueryRows(columns(rows.columns()), RowJson.rows(rows.rows()));
    }

    static ChangeReplay replay(TenantState state, ReplayChanges request) {
        FailPoints.atName(request.view());
        ChangeHistory history = state.histories.get(request.view());
        if (history == null) {
            return new ChangeReplay.NotFound("tenant " + state.tenant + " has no view named " + request.view());
        }
        if (request.from() != null) return history.since(request.view(), request.from());
        RowsPage all =
                state.circuit.read(request.view(), Integer.MAX_VALUE, null).orElseThrow();
        return new ChangeReplay.Snapshot(
                request.view(),
                state.circuit.version(),
                history.lastVersion(),
                state.viewColumns.get(request.view()),
                RowJson.rows(all.rows()),
                all.hash());
    }

    private static List<ColumnInfo> columns(List<Column> columns) {
        return columns.stream()
                .map(c -> new ColumnInfo(c.name(), c.sqlTypeName(), c.nullable()))
                .toList();
    }
}
