package io.shardview.circuit;

import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.BatchValidation;
import io.shardview.circuit.batch.BatchValidator;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.batch.ValidatedBatch;
import io.shardview.circuit.budget.BudgetExceeded;
import io.shardview.circuit.budget.Budgets;
import io.shardview.circuit.budget.Work;
import io.shardview.circuit.catalog.CatalogDescription;
import io.shardview.circuit.catalog.CatalogMap;
import io.shardview.circuit.catalog.Clock;
import io.shardview.circuit.catalog.Column;
import io.shardview.circuit.compiler.Dataflow;
import io.shardview.circuit.compiler.SharedOperators;
import io.shardview.circuit.data.ReadOrder;
import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.ZSet;
import io.shardview.circuit.data.ZSetImage;
import io.shardview.circuit.error.EvaluationException;
import io.shardview.circuit.error.RejectionKind;
import io.shardview.circuit.operator.Operator;
import io.shardview.circuit.operator.StateImage;
import io.shardview.circuit.snapshot.CircuitImage;
import io.shardview.circuit.snapshot.CircuitSnapshot;
import io.shardview.circuit.sql.PlanJson;
import io.shardview.circuit.table.BaseTable;
import io.shardview.circuit.table.TableImage;
import io.shardview.circuit.view.MaterializedView;
import io.shardview.circuit.view.ViewDelta;
import io.shardview.circuit.view.ViewEvaluator;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One tenant's incremental SQL circuit: base tables, views maintained from their deltas, and the
 * version counter. Not thread-safe: owned by exactly one entity, which calls it sequentially.
 */
public final class Circuit {
    private final Map<String, BaseTable> tables = new LinkedHashMap<>();
    private Map<String, MaterializedView> views = new LinkedHashMap<>();
    private final ViewEvaluator evaluator = new ViewEvaluator();
    /** The views' operators, each sub-plan's once: see {@link SharedOperators}. */
    private final SharedOperators shared = new SharedOperators();
    /** Whether a new view takes the operators other views hold for its sub-plans (see {@link #setOperatorSharing}). */
    private boolean sharing = true;

    private Budgets budgets = Budgets.UNLIMITED;
    private long version;
    /** DDL requests applied by this instance: a request prepared against another catalog cannot apply. */
    private long epoch;
    /**
     * The tables' and views' columns as planning sees them ({@link #catalog}), changed with each DDL applied rather than
     * copied for each request; null: made again from the tables and views when next asked for.
     */
    private CatalogMap<List<Column>> catalogTables;

    private CatalogMap<PreparedSql.CatalogView> catalogViews;

    /**
     * Sets what a request may use from now on: state, rows produced, views, batch ops. Unlimited until set, so a
     * circuit replaying its journal accepts what was accepted once, whatever the budgets are now.
     */
    public void setBudgets(Budgets budgets) {
        this.budgets = budgets;
    }

    public Budgets budgets() {
        return budgets;
    }

    /**
     * Whether views created from now on share the operators of identical sub-plans with the views before them (the
     * default), or each keeps operators of its own (for measuring what sharing saves, bench/).
     */
    public void setOperatorSharing(boolean sharing) {
        this.sharing = sharing;
    }

    /**
     * The rows the circuit holds: its tables' and views' rows and its operators' state entries. Summed from
     * counters kept as deltas apply (one per table, view and operator), never by walking the state.
     */
    public long stateRows() {
        long rows = 0;
        for (BaseTable t : tables.values()) rows += t.rowCount();
        for (MaterializedView v : views.values()) rows += v.rowCount;
        for (Operator op : shared.operators(dataflows())) rows += op.stateRows();
        return rows;
    }

    /**
     * View {@code name}'s operator graph with the state each operator holds (EXPLAIN), its own rows, and the SQL
     * revision it was planned under; empty when there is no such view.
     */
    public Optional<ViewPlan> explain(String name) {
        MaterializedView v = views.get(name);
        return v == null
                ? Optional.empty()
                : Optional.of(new ViewPlan(
                        v.revision, v.rowCount, v.dataflow().explain(SharedOperators.holders(dataflows()))));
    }

    /**
     * The views' dataflows, in creation order, read only when iterated: {@link SharedOperators} reads them only when
     * it builds its index again, so a request pays nothing for them.
     */
    private Iterable<Dataflow> dataflows() {
        return () -> views.values().stream().map(MaterializedView::dataflow).iterator();
    }

    /** See {@link #explain}. */
    public record ViewPlan(int revision, long rows, List<io.shardview.circuit.compiler.Dataflow.Explained> operators) {}

    /** The estimated bytes of that state, summed as {@link #stateRows} is. */
    public long stateBytes() {
        long bytes = 0;
        for (BaseTable t : tables.values()) bytes += t.bytes();
        for (MaterializedView v : views.values()) bytes += v.bytes();
        for (Operator op : shared.operators(dataflows())) bytes += op.stateBytes();
        return bytes;
    }

    /** A meter for one request under the current budgets and state. */
    private Work work() {
        return budgets == Budgets.UNLIMITED ? Work.unlimited() : new Work(budgets, stateRows(), stateBytes());
    }

    /** The number of accepted batches and SQL requests so far. */
    public long version() {
        return version;
    }

    /**
     * The deepest nesting of a new view's or query's SELECT this engine plans by default (see {@link
     * io.shardview.circuit.sql.SqlDepth}): every planning and evaluation stage stays within a 512 KB thread stack at
     * it (measured: an OR chain of 150 terms planned in 512 KB, one of 350 in 1 MB).
     */
    public static final int DEFAULT_MAX_SQL_DEPTH = 200;

    /** Runs a request of ';'-separated statements atomically: all apply, or none and a rejection. */
    public DdlResult executeSql(String statements) {
        return apply(PreparedSql.prepare(statements, catalog(), -1, DEFAULT_MAX_SQL_DEPTH));
    }

    /**
     * The revision of the SQL this engine accepts, journaled with each statement so that a replay reads it as
     * it was accepted. 1: REAL, FLOAT4 and FLOAT(1..24) columns are float4 (under 0 they were double precision).
     * 2: an operator computes every operand before a NULL decides (NULL = 1 / 0 fails, as in PostgreSQL), and a
     * literal's CAST is PostgreSQL's (CAST(1.5 AS INTEGER) is 2); a view created under an older revision keeps
     * evaluating as then, so a batch the journal holds evaluates on replay as it did when it was accepted.
     * 3: PostgreSQL's operator and function resolution: only its implicit casts (v + 1 of a varchar v, d % d,
     * LOWER(i), COALESCE(v, 1), bo = 1 and a CAST it has no form of are refused), and its result types where
     * Calcite's differed (b % 7 of a bigint b is a bigint); a view created under an older revision keeps its types.
     * Also 3: VARCHAR(n) keeps its length (a longer value is refused); a table created before keeps VARCHAR uncut.
     * 4: inner joins get their WHERE conditions pushed into and below them and are ordered by the join graph
     * (io.shardview.circuit.sql.JoinOrder); a view created before keeps its plan, and with it the state its snapshot
     * holds.
     * 5: Calcite's $SUM0 (how it sums partial counts, as for COUNT(DISTINCT x) beside COUNT(*)) is 0 over no rows, as
     * defined, where it was NULL (SELECT COUNT(DISTINCT x), COUNT(*) FROM t WHERE false gave 0, NULL); a view created
     * before keeps its NULL, which its snapshot's rows hold. (Window functions, CONCAT and CONCAT_WS came with 5 too;
     * earlier engines refused them, so no earlier view changes.)
     * 6: columns pruned (io.shardview.circuit.sql.ColumnPruning): each operator's input keeps only the columns read
     * above it, so joins index narrower rows; a view created before keeps its plan and the state its snapshot holds.
     * (SQRT, LN, LOG, EXP, POWER and TRUNC came with 6; earlier engines refused them.)
     * 7: a subquery's filter reading fields of an outer row, some of which a subquery below it reads too, is split
     * before decorrelation (io.shardview.circuit.rewrite.NestedCorrelations#split), so the link between the levels
     * is kept: such views gave rows PostgreSQL does not. A view created before keeps its plan; a new one of the
     * shapes the split cannot mend is refused.
     * 8: computations over an outer row's fields alone in a correlated subquery (CAST(a.c0 AS NUMERIC)) are moved
     * beside the outer rows before that split (NestedCorrelations#extractComputations), as Calcite's decorrelator
     * moves them, so the split and the refusal see the fields the decorrelator reads: such a level beside a subquery
     * correlated to the same row gave rows PostgreSQL does not. A view created before keeps its plan.
     * 9: a correlated subquery's equality between a CHAR(n) and a VARCHAR, one inner and one outer, is kept from the
     * decorrelator's substitutions even when it is the outer string's only one (io.shardview.circuit.rewrite.
     * BpcharCorrelations): {@code WHERE (SELECT MIN(b.v) FROM b WHERE b.ch = a.v) = a.v} compared MIN with the inner
     * 'a' for an outer 'a ' (equal as bpchar), giving rows PostgreSQL does not. A view created before keeps its plan.
     * 10: a string literal compared with a CHAR(n) value is planned without its trailing blanks, which do not count
     * there (io.shardview.circuit.rewrite.BpcharLiterals): the decorrelator merged {@code ch < 'a ' OR ch <> 'a'} in a
     * correlated subquery into {@code ch IS NOT NULL}, ordering 'a' before 'a ' as Java does, giving rows PostgreSQL
     * does not. Also 10: an IN list of 20 values or more compared with a CHAR(n) value compares as bpchar, as a shorter
     * list did (Calcite plans it as an IN over VALUES, whose strings were text: 'a  ' IN ('a ', ...) was false). A view
     * created before keeps its plan.
     * 11: an aggregate over a projection of columns alone (SELECT customer, SUM(amount) ... GROUP BY customer reads
     * two of a table's columns) reads the rows below the projection, its group and argument columns mapped through it
     * (io.shardview.circuit.compiler.PlanCompiler), where a Project operator made and consolidated a row for each
     * input row first. The same results; a view created before keeps its plan, whose snapshot lists that operator.
     * 12: a correlated subquery whose WHERE has an IN under OR (a list of 20 values or more, or a subquery) is
     * decorrelated where it was refused as a correlated subquery: its conditions that read the outer row go above the
     * IN's mark when that mark depends on the row alone (io.shardview.circuit.rewrite.CorrelatedFiltersAboveMarks).
     */
    public static final int SQL_REVISION = 12;

    /**
     * What a view's plan kept as text in a snapshot is valid for: this engine's SQL revision and its build. The
     * planner, the engine's own operators and Calcite's change between builds without a new SQL revision, and a text
     * is read by matching its operators by name: so a text is used only by the build that wrote it (a node of another
     * build, a rolling upgrade's, plans the view from its SQL, and its next snapshot writes its own text).
     */
    public static final int PLAN_TEXT_KEY = planTextKey();

    private static int planTextKey() {
        java.util.Properties build = new java.util.Properties();
        try (var in = Circuit.class.getResourceAsStream("engine-build.properties")) {
            if (in != null) build.load(in);
        } catch (IOException unreadable) {
            // the SQL revision alone, as a build without the file (an IDE's) has
        }
        return java.util.Objects.hash(SQL_REVISION, build.getProperty("version"), build.getProperty("build"));
    }

    /**
     * Runs statements of the journal again, on recovery: as {@link #executeSql}, but reading what an older
     * engine accepted as it did (a NUMERIC type modifier outside PostgreSQL's bounds is an unconstrained NUMERIC),
     * and with the column types of the SQL revision they were accepted under.
     */
    public DdlResult replaySql(String statements, int revision) {
        return apply(PreparedSql.prepare(statements, catalog(), revision, Integer.MAX_VALUE));
    }

    /**
     * What planning a request needs of this circuit, copied, so that {@link PreparedSql#prepare} can run on another
     * thread while this circuit applies batches. Its epoch counts the DDL applied; a request prepared at another
     * epoch cannot apply.
     */
    public PreparedSql.Catalog catalog() {
        if (catalogTables == null || catalogViews == null) {
            Map<String, List<Column>> t = new LinkedHashMap<>();
            tables.forEach((name, table) -> t.put(name, table.schema().columns()));
            Map<String, PreparedSql.CatalogView> v = new LinkedHashMap<>();
            views.forEach((name, view) -> v.put(name, PreparedSql.CatalogView.of(view)));
            catalogTables = CatalogMap.of(t);
            catalogViews = CatalogMap.of(v);
        }
        return new PreparedSql.Catalog(epoch, catalogTables, catalogViews);
    }

    /**
     * Applies a request prepared against this circuit's current catalog: every statement, filling new views from
     * the current data, or none (a view's evaluation failed on the data, or the request was rejected when prepared).
     */
    public DdlResult apply(PreparedSql prepared) {
        if (prepared.rejection() != null) return prepared.rejection();
        if (prepared.epoch != epoch) {
            throw new IllegalStateException(
                    "request prepared at catalog epoch " + prepared.epoch + ", circuit is at " + epoch);
        }
        Undo undo = new Undo(prepared.steps);
        List<DdlResult.ChangedObject> objects = new ArrayList<>();
        Work work = work();
        for (int i = 0; i < prepared.steps.size(); i++) {
            DdlResult.Rejected rejected = apply(i, prepared.steps.get(i), objects, work);
            if (rejected != null) {
                undo.run();
                shared.forget(); // it may hold operators of a view created by this request
                return rejected;
            }
        }
        version++;
        epoch++;
        return new DdlResult.Applied(version, List.copyOf(objects));
    }

    /**
     * How to put the tables and views back as they were before a request that fails part way. A request that only
     * creates (most) forgets what it created; one that drops keeps copies, so that what it dropped returns in its place
     * (views are kept in the order they can be restored in).
     */
    private final class Undo implements Runnable {
        private final Map<String, BaseTable> savedTables;
        private final Map<String, MaterializedView> savedViews;
        private final List<String> created = new ArrayList<>();
        private final CatalogMap<List<Column>> savedCatalogTables = catalogTables;
        private final CatalogMap<PreparedSql.CatalogView> savedCatalogViews = catalogViews;

        Undo(List<PreparedSql.Step> steps) {
            boolean onlyCreates = true;
            for (PreparedSql.Step step : steps) {
                String name = step instanceof PreparedSql.CreateTable ct
                        ? ct.schema().name()
                        : step instanceof PreparedSql.CreateView cv ? cv.view().name : null;
                if (name == null || tables.containsKey(name) || views.containsKey(name)) onlyCreates = false;
                else created.add(name);
            }
            savedTables = onlyCreates ? null : new LinkedHashMap<>(tables);
            savedViews = onlyCreates ? null : new LinkedHashMap<>(views);
        }

        @Override
        public void run() {
            if (savedTables == null) {
                for (String name : created) {
                    tables.remove(name);
                    views.remove(name);
                }
            } else {
                tables.clear();
                tables.putAll(savedTables);
                views = savedViews;
            }
            catalogTables = savedCatalogTables;
            catalogViews = savedCatalogViews;
        }
    }

    private DdlResult.Rejected apply(
            int index, PreparedSql.Step step, List<DdlResult.ChangedObject> objects, Work work) {
        if (step instanceof PreparedSql.CreateTable ct) {
            tables.put(ct.schema().name(), new BaseTable(ct.schema()));
            if (catalogTables != null)
                catalogTables =
                        catalogTables.with(ct.schema().name(), ct.schema().columns());
            if (!Clock.isSystem(ct.schema().name())) {
                objects.add(new DdlResult.ChangedObject("table", ct.schema().name(), "created"));
            }
        } else if (step instanceof PreparedSql.CreateView cv) {
            MaterializedView view = cv.view();
            if (!views.containsKey(view.name) && views.size() >= budgets.maxViews()) {
                return overBudget(
                        index,
                        view.name,
                        new BudgetExceeded(
                                Budgets.VIEWS,
                                budgets.maxViews(),
                                views.size() + 1L,
                                "a tenant may have at most " + budgets.maxViews() + " views (" + Budgets.VIEWS + ")"));
            }
            try {
                ZSet filled = view.dataflow()
                        .step(currentContents(view.dataflow()), true, work)
                        .output();
                long[] growth = view.growth(filled);
                work.stateGrew(growth[0], growth[1]);
                view.absorb(filled);
                if (sharing) {
                    List<Operator> own = view.dataflow().operators();
                    view.share(shared, dataflows());
                    // The operators it gave up in favour of shared ones no longer count against the state budgets.
                    Set<Operator> kept = Collections.newSetFromMap(new IdentityHashMap<>());
                    kept.addAll(view.dataflow().operators());
                    for (Operator op : own) {
                        if (!kept.contains(op)) work.stateGrew(-op.stateRows(), -op.stateBytes());
                    }
                }
            } catch (EvaluationException e) {
                return new DdlResult.Rejected(
                        index, RejectionKind.EVALUATION_ERROR, "view " + view.name + ": " + e.getMessage());
            } catch (BudgetExceeded e) {
                return overBudget(index, view.name, e);
            }
            views.put(view.name, view);
            if (catalogViews != null) catalogViews = catalogViews.with(view.name, PreparedSql.CatalogView.of(view));
            objects.add(new DdlResult.ChangedObject("view", view.name, "created"));
        } else {
            PreparedSql.Drop drop = (PreparedSql.Drop) step;
            if (drop.absent()) return null;
            if (drop.view()) {
                views.remove(drop.name());
                if (catalogViews != null) catalogViews = catalogViews.without(drop.name());
                shared.forget();
            } else {
                tables.remove(drop.name());
                if (catalogTables != null) catalogTables = catalogTables.without(drop.name());
            }
            objects.add(new DdlResult.ChangedObject(drop.view() ? "view" : "table", drop.name(), "dropped"));
        }
        return null;
    }

    private static DdlResult.Rejected overBudget(int index, String view, BudgetExceeded e) {
        return new DdlResult.Rejected(
                index,
                RejectionKind.LIMIT_EXCEEDED,
                "view " + view + ": " + e.getMessage() + "; nothing was applied",
                e.details());
    }

    /**
     * A view restored from a snapshot, compiled from its SELECT as accepted once, or the {@link Problem} that
     * prevents it.
     */
    private Object plan(String name, String select, int revision) {
        // A restore adds tables, then views, without DDL: the catalog is made from them once, at the first view, and
        // each view planned joins it, since the next may read it. (Made afresh for every view, it cost a restore of n
        // views n^2/2 catalog entries: 2.4-2.6 s of a 9,000-view tenant's 2.5-2.6 s, bench ManyViewsRecovery.)
        PreparedSql.Catalog catalog = catalog();
        PreparedSql.Catalog withoutEpoch = new PreparedSql.Catalog(0, catalog.tables(), catalog.views());
        PreparedSql prepared = PreparedSql.prepare(
                "CREATE VIEW \"" + name.replace("\"", "\"\"") + "\" AS " + select,
                withoutEpoch,
                revision,
                Integer.MAX_VALUE);
        if (prepared.rejection() != null)
            return new Problem(prepared.rejection().kind(), prepared.rejection().message());
        MaterializedView view = ((PreparedSql.CreateView) prepared.steps.get(0)).view();
        catalogViews = catalogViews.with(name, PreparedSql.CatalogView.of(view));
        return view;
    }

    /** Why a statement cannot apply. */
    private record Problem(RejectionKind kind, String message) {}

    /** Evaluates a view from scratch with a freshly compiled copy of its plan (for verification). */
    public ZSet recompute(String view) {
        Dataflow fresh = views.get(view).compile();
        return fresh.step(currentContents(fresh), true).output();
    }

    /** The incrementally maintained content of a view (for verification). */
    public ZSet content(String view) {
        return views.get(view).content;
    }

    private Map<String, ZSet> currentContents(Dataflow dataflow) {
        Map<String, ZSet> out = new LinkedHashMap<>();
        for (String r : dataflow.relations()) {
            out.put(r, tables.containsKey(r) ? tables.get(r).content() : copy(views.get(r).content));
        }
        return out;
    }

    private static ZSet copy(ZSet z) {
        ZSet out = new ZSet(z.size());
        out.addAll(z);
        return out;
    }

    /** Validates a batch against the current state without changing anything. */
    public BatchValidation validate(List<Op> ops) {
        return new BatchValidator(tables).validate(ops, version);
    }

    /**
     * A journaled batch's table changes as a batch at the current version that makes them to the tables as they now
     * are ({@link BatchValidator#rederive}): what recovery applies after an event an operator skipped.
     */
    public ValidatedBatch rederive(Map<String, ZSet> tableDeltas, int ops) {
        return new BatchValidator(tables, true).rederive(tableDeltas, ops, version);
    }

    /** A batch that changes nothing at the current version: applied, it only moves the version on. */
    public ValidatedBatch emptyBatch() {
        return new ValidatedBatch(version, 0, Map.of());
    }

    /** Whether a view reads the tenant's clock (io.shardview.circuit.catalog.Clock): then the tenant ticks. */
    public boolean usesClock() {
        if (!tables.containsKey(Clock.TABLE)) return false;
        if (clockCheckedAt != epoch) { // views change only with the DDL the epoch counts: looked up once per change
            clockCheckedAt = epoch;
            usesClock = views.values().stream()
                    .anyMatch(view -> view.dataflow().relations().contains(Clock.TABLE));
        }
        return usesClock;
    }

    /** {@link #usesClock}'s answer and the catalog epoch it was found at (-1: not yet). */
    private boolean usesClock;

    private long clockCheckedAt = -1;

    /** The clock's time, or null before its first tick (or without a clock). */
    public java.time.LocalDateTime clock() {
        BaseTable table = tables.get(Clock.TABLE);
        if (table == null) return null;
        java.time.LocalDateTime[] now = {null};
        int column =
                table.schema().columns().stream().map(Column::name).toList().indexOf(Clock.COLUMN);
        table.content().forEach((row, weight) -> now[0] = (java.time.LocalDateTime) row.get(column));
        return now[0];
    }

    /**
     * The batch that sets the clock to {@code now}, validated at the current version, to apply (and journal) as a
     * batch; a rejection when the tenant has no clock.
     */
    public BatchValidation clockBatch(java.time.LocalDateTime now) {
        if (!tables.containsKey(Clock.TABLE)) {
            return new BatchOutcome.Rejected(0, RejectionKind.NOT_FOUND, "the tenant has no clock");
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", 1);
        row.put(Clock.COLUMN, now);
        return new BatchValidator(tables, true).validate(List.of(Op.upsert(Clock.TABLE, row)), version);
    }

    /**
     * Applies a batch validated at the current version: accepted with the new version and view deltas,
     * or, when evaluating a view on the batch's data raises an SQL runtime error, failed with nothing
     * changed (tables, views, hashes and version stay as they were).
     */
    public BatchOutcome apply(ValidatedBatch batch) {
        if (batch.baseVersion() != version) {
            throw new IllegalStateException(
                    "batch validated at version " + batch.baseVersion() + ", circuit is at " + version);
        }
        if (batch.ops() > budgets.maxBatchOps()) {
            return new BatchOutcome.OverBudget(
                    null,
                    Budgets.BATCH_OPS,
                    budgets.maxBatchOps(),
                    batch.ops(),
                    "the batch has " + batch.ops() + " ops, more than " + Budgets.BATCH_OPS + " = "
                            + budgets.maxBatchOps() + "; split it");
        }
        Work work = work();
        Map<String, ViewDelta> changed;
        try {
            if (work.metered()) {
                for (ZSet delta : batch.tableDeltas().values()) {
                    long[] growth = BaseTable.growth(delta);
                    work.stateGrew(growth[0], growth[1]);
                }
            }
            changed = evaluator.propagate(
                    views.values(), new LinkedHashMap<>(batch.tableDeltas()), work, shared.batch(dataflows()));
        } catch (BudgetExceeded e) {
            return new BatchOutcome.OverBudget(null, e.budget(), e.limit(), e.reached(), e.getMessage());
        } catch (ViewEvaluator.ViewFailed failed) {
            BudgetExceeded e = failed.budgetExceeded();
            if (e != null) {
                return new BatchOutcome.OverBudget(failed.view, e.budget(), e.limit(), e.reached(), e.getMessage());
            }
            return new BatchOutcome.Failed(failed.view, failed.getMessage());
        }
        // Operators read only deltas, never the tables, so the tables change once the views succeeded.
        batch.tableDeltas().forEach((name, delta) -> tables.get(name)
                .apply(delta, batch.keyChanges().get(name)));
        version++;
        return new BatchOutcome.Accepted(version, batch.ops(), changed);
    }

    /** Validates then applies a batch: accepted with the view deltas, or rejected with nothing changed. */
    public BatchOutcome applyBatch(List<Op> ops) {
        BatchValidation v = validate(ops);
        if (v instanceof BatchOutcome.Rejected r) return r;
        return apply((ValidatedBatch) v);
    }

    /** A page of a table's or view's rows in read order, or empty when no such relation exists. */
    public Optional<RowsPage> read(String name, int limit, String after) {
        if (Clock.isSystem(name)) return Optional.empty(); // the engine's own
        List<Row> rows;
        List<Column> columns;
        String hash;
        if (views.containsKey(name)) {
            MaterializedView v = views.get(name);
            rows = v.sortedRows();
            columns = v.dataflow().columns();
            hash = v.hashHex();
        } else if (tables.containsKey(name)) {
            ZSet content = tables.get(name).content();
            rows = ReadOrder.expand(content, Row.NATURAL_ORDER);
            columns = tables.get(name).schema().columns();
            hash = ReadOrder.hash(content);
        } else {
            return Optional.empty();
        }
        int from = after == null || after.isEmpty() ? 0 : Math.max(0, Integer.parseInt(after));
        int to = (int) Math.min(rows.size(), (long) from + Math.max(1, limit));
        String next = to < rows.size() ? Integer.toString(to) : null;
        List<Row> page = List.copyOf(rows.subList(Math.min(from, rows.size()), to));
        return Optional.of(new RowsPage(name, version, hash, rows.size(), columns, page, next));
    }

    /** The columns of a table or view, or empty when no such relation exists. */
    public Optional<List<Column>> columns(String relation) {
        if (Clock.isSystem(relation)) return Optional.empty();
        if (views.containsKey(relation))
            return Optional.of(views.get(relation).dataflow().columns());
        if (tables.containsKey(relation))
            return Optional.of(tables.get(relation).schema().columns());
        return Optional.empty();
    }

    /** The tables and views with their columns and row counts. */
    public CatalogDescription describe() {
        List<CatalogDescription.TableInfo> t = new ArrayList<>();
        tables.values().stream()
                .filter(b -> !Clock.isSystem(b.schema().name()))
                .forEach(b -> t.add(new CatalogDescription.TableInfo(
                        b.schema().name(), b.schema().columns(), b.schema().primaryKeyNames(), b.rowCount())));
        List<CatalogDescription.ViewInfo> v = new ArrayList<>();
        views.values()
                .forEach(m -> v.add(new CatalogDescription.ViewInfo(
                        m.name, m.sql, m.dataflow().columns(), m.rowCount)));
        return new CatalogDescription(version, t, v);
    }

    /** Evaluates a SELECT from scratch over the current tables and views. */
    public QueryResult query(String select) {
        return query(PreparedSql.prepareQuery(select, catalog(), DEFAULT_MAX_SQL_DEPTH));
    }

    /** Evaluates a SELECT planned against this circuit's catalog (at any epoch: nothing is kept). */
    public QueryResult query(PreparedSql.PreparedQuery prepared) {
        if (prepared.rejection() != null) return prepared.rejection();
        Dataflow dataflow = prepared.plan().dataflow();
        for (String relation : dataflow.relations()) {
            if (!tables.containsKey(relation) && !views.containsKey(relation)) {
                return new QueryResult.Rejected(
                        RejectionKind.NOT_FOUND, "relation \"" + relation + "\" does not exist");
            }
        }
        try {
            // A query keeps nothing: its operators' state while it runs is held to the state budgets on its own.
            Work work = new Work(budgets, 0, 0);
            ZSet result = dataflow.step(currentContents(dataflow), true, work).output();
            return new QueryResult.Rows(dataflow.columns(), ReadOrder.expand(result, dataflow.readOrder()));
        } catch (EvaluationException e) {
            return new QueryResult.Rejected(RejectionKind.EVALUATION_ERROR, "query: " + e.getMessage());
        } catch (BudgetExceeded e) {
            return new QueryResult.Rejected(RejectionKind.LIMIT_EXCEEDED, "query: " + e.getMessage(), e.details());
        }
    }

    /**
     * Sets the work (affected views of one level times changed rows) from which views are evaluated in
     * parallel: 1 always, Long.MAX_VALUE never; the default is measured (see bench/RESULTS.md).
     */
    public void setParallelWork(long work) {
        evaluator.setParallelWork(work);
    }

    /** Writes the whole state: tables, view definitions, contents and operator state. */
    public void writeSnapshot(DataOutput out) throws IOException {
        image().write(out);
    }

    /**
     * The state at the current version, frozen, to be written by another thread while this circuit
     * keeps applying batches (see {@link CircuitImage} for what taking it costs).
     */
    public CircuitImage image() {
        List<TableImage> t = new ArrayList<>(tables.size());
        tables.values().forEach(b -> t.add(b.image()));
        List<CircuitImage.ViewImage> v = new ArrayList<>(views.size());
        Map<Operator, StateImage> taken = new IdentityHashMap<>();
        // Each view's plan as text, found by the writer (once a view: it keeps it), over the relations of now.
        PlanJson.Reader plans = new PlanJson.Reader(PreparedSql.relations(catalog()));
        for (MaterializedView m : views.values()) {
            Dataflow.StateImages state = m.dataflow().stateImages(taken);
            v.add(new CircuitImage.ViewImage(
                    m.name,
                    m.sql,
                    m.revision,
                    ZSetImage.of(m.content),
                    state.full(),
                    state.shared(),
                    () -> m.planJson(plans)));
        }
        return new CircuitImage(version, List.copyOf(t), List.copyOf(v), PLAN_TEXT_KEY);
    }

    /** How many views the restore that made this circuit compiled from their plans as text, without planning. */
    private int viewsFromPlans;

    public int viewsFromPlans() {
        return viewsFromPlans;
    }

    /** Restores a circuit from {@link #writeSnapshot} output, without re-evaluating any view. */
    public static Circuit readSnapshot(DataInput in) throws IOException {
        Circuit c = new Circuit();
        try (Restore restore = c.new Restore()) {
            c.version = CircuitSnapshot.read(in, c.tables, c.views, restore);
        }
        // Each view was restored with operators of its own: share them again. Since SVC14 a shared operator's state is
        // in the first view holding it, the later ones' copies are empty until replaced by it here. A view whose copy
        // finds no such operator (planned otherwise than when the snapshot was written) is evaluated afresh from the
        // relations restored before it, which gives the content it had.
        List<Dataflow> restored = new ArrayList<>();
        for (MaterializedView v : List.copyOf(c.views.values())) {
            v.share(c.shared, restored);
            if (v.missingSharedState()) {
                c.shared.forget(); // it holds the empty copies
                v = c.evaluatedAgain(v);
                v.share(c.shared, restored);
            }
            restored.add(v.dataflow());
        }
        c.catalogTables = null;
        c.catalogViews = null;
        return c;
    }

    /** View v planned and evaluated afresh from the relations restored before it, in its place among the views. */
    private MaterializedView evaluatedAgain(MaterializedView v) throws IOException {
        List<String> order = new ArrayList<>(views.keySet());
        views.remove(v.name); // planned as new: its own name is free
        catalogViews = null; // made again without it
        MaterializedView fresh = new Restore().evaluate(v.name, v.sql, v.revision);
        Map<String, MaterializedView> inOrder = new LinkedHashMap<>();
        for (String name : order) inOrder.put(name, name.equals(v.name) ? fresh : views.get(name));
        views = inOrder;
        catalogViews = null;
        return fresh;
    }

    /** Compiles (and for an older snapshot, evaluates) the views of a snapshot being restored. */
    private final class Restore implements CircuitSnapshot.ViewFactory, AutoCloseable {
        /** Reads the views' plans over the catalog as it grows, view by view. */
        final PlanJson.Reader plans = new PlanJson.Reader(new io.shardview.circuit.sql.Relations() {
            @Override
            public List<Column> columns(String name) {
                PreparedSql.Catalog now = catalog();
                List<Column> table = now.tables().get(name);
                if (table != null) return table;
                PreparedSql.CatalogView view = now.views().get(name);
                return view == null ? null : view.columns();
            }

            @Override
            public java.util.Set<String> names() {
                java.util.Set<String> names =
                        new java.util.HashSet<>(catalog().tables().keySet());
                names.addAll(catalog().views().keySet());
                return names;
            }
        });

        /**
         * From its plan as text when this engine wrote it ({@link #PLAN_TEXT_KEY}: a plan is a function of the SELECT,
         * the relations' columns and the planner of that engine), without planning the SELECT; else planned.
         */
        @Override
        public MaterializedView create(String name, String sql, int revision, int planTextKey, String plan)
                throws IOException {
            if (plan != null && planTextKey == PLAN_TEXT_KEY) {
                MaterializedView view = PreparedSql.restoredView(catalog(), plans, name, sql, revision, plan);
                if (view != null) {
                    catalogViews = catalogViews.with(name, PreparedSql.CatalogView.of(view));
                    viewsFromPlans++;
                    return view;
                }
            }
            return create(name, sql, revision);
        }

        @Override
        public void close() {
            plans.close();
        }

        @Override
        public MaterializedView create(String name, String sql, int revision) throws IOException {
            Object planned = plan(name, sql, revision);
            if (planned instanceof Problem problem)
                throw new IOException("snapshot view " + name + ": " + problem.message());
            return (MaterializedView) planned;
        }

        @Override
        public MaterializedView evaluate(String name, String sql, int revision) throws IOException {
            MaterializedView view = create(name, sql, revision);
            try {
                view.absorb(view.dataflow()
                        .step(currentContents(view.dataflow()), true)
                        .output());
            } catch (EvaluationException e) {
                throw new IOException("snapshot view " + name + ": " + e.getMessage(), e);
            }
            return view;
        }
    }
}
