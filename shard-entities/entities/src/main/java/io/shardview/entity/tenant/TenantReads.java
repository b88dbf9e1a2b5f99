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
import java.util.ArrayList;
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
                            read.replyTo(),
                            read.asOf()),
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
        if (read.asOf() != null) return asOf(state, read, freshness);
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

    /**
     * The view's rows as of a time of the tenant's clock: at the last version the clock showed that time or earlier,
     * once it has passed it, rebuilt from the rows now and the view's retained changes since (each taken back); paged
     * by position ({@code after}: the rows before the page). 409 before the clock has passed the time, 410 when the
     * clock's ticks kept or the view's retained changes do not reach back to it.
     */
    private static ReadReply asOf(TenantState state, ReadRows read, Freshness freshness) {
        if (!read.view()) {
            return new Refused(
                    RejectionKind.INVALID, "as_of reads views (their changes are kept), not tables", Map.of());
        }
        ClockTicks.AsOf at = state.ticks.asOf(read.asOf());
        if (at instanceof ClockTicks.NotYet notYet) {
            return new Refused(
                    RejectionKind.CONFLICT,
                    "the tenant's clock has not passed " + read.asOf() + " (it shows "
                            + (notYet.clock() == null
                                    ? "nothing: no view reads it"
                                    : notYet.clock().toString())
                            + "): the rows as of that time may still change",
                    Map.of("as_of", read.asOf().toString()));
        }
        if (at instanceof ClockTicks.Before before) {
            return new Refused(
                    RejectionKind.GONE,
                    "the tenant's clock is kept from " + before.oldest() + " on, after " + read.asOf(),
                    Map.of(
                            "as_of",
                            read.asOf().toString(),
                            "oldest",
                            before.oldest().toString()));
        }
        long version = ((ClockTicks.At) at).version();
        ChangeReplay since = state.histories.get(read.name()).since(read.name(), version);
        if (since instanceof ChangeReplay.Gone gone) {
            return new Refused(
                    RejectionKind.GONE,
                    "view " + read.name() + " keeps its changes from version " + gone.oldestResumable()
                            + " on, after the version " + version + " its clock showed " + read.asOf() + " at",
                    Map.of("as_of", read.asOf().toString(), "version", version, "horizon", gone.oldestResumable()));
        }
        long offset;
        try {
            offset = read.after() == null ? 0 : Long.parseLong(read.after());
        } catch (NumberFormatException badCursor) {
            return new Refused(RejectionKind.INVALID, "invalid cursor " + read.after(), Map.of("after", read.after()));
        }
        long rowsNow = state.circuit.read(read.name(), 0, null).orElseThrow().count();
        if (rowsNow > AS_OF_MAX_ROWS) { // each is rebuilt in memory
            return new Refused(
                    RejectionKind.LIMIT_EXCEEDED,
                    "as_of reads views of at most " + AS_OF_MAX_ROWS + " rows; " + read.name() + " has " + rowsNow,
                    Map.of("limit", "as-of-rows", "max", AS_OF_MAX_ROWS, "reached", rowsNow));
        }
        RowsPage now = state.circuit.read(read.name(), Integer.MAX_VALUE, null).orElseThrow();
        // The rows as a multiset keyed by their JSON (a number reads alike whatever its Java type), in read order.
        Map<String, List<Object>> rows = new LinkedHashMap<>();
        Map<String, Long> copies = new HashMap<>();
        for (List<Object> row : RowJson.rows(now.rows())) add(rows, copies, row, 1);
        List<ViewChange> changes = ((ChangeReplay.Changes) since).changes();
        for (int i = changes.size() - 1; i >= 0; i--) { // newest first, each taken back
            for (List<Object> row : changes.get(i).inserted()) add(rows, copies, row, -1);
            for (List<Object> row : changes.get(i).deleted()) add(rows, copies, row, 1);
        }
        List<List<Object>> all = new ArrayList<>();
        rows.forEach((key, row) -> {
            for (long c = 0; c < copies.getOrDefault(key, 0L); c++) all.add(row);
        });
        int from = (int) Math.min(Math.max(0, offset), all.size());
        int to = (int) Math.min(all.size(), from + (long) read.limit());
        return new Rows(
                read.name(),
                version,
                null, // the content hash of a past version is not kept
                all.size(),
                columns(now.columns()),
                List.copyOf(all.subList(from, to)),
                to < all.size() ? Long.toString(to) : null,
                freshness);
    }

    /** The most rows a view read as of a time may have now: the read rebuilds them all in memory. */
    static final long AS_OF_MAX_ROWS = 100_000;

    private static void add(Map<String, List<Object>> rows, Map<String, Long> copies, List<Object> row, long n) {
        String key;
        try {
            key = JSON.writeValueAsString(row);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        rows.putIfAbsent(key, row);
        copies.merge(key, n, (a, b) -> a + b == 0 ? null : a + b);
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

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
