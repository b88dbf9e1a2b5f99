package io.shardview.circuit;

import io.shardview.circuit.operator.EvaluationException;
import io.shardview.circuit.plan.Dataflow;
import io.shardview.circuit.plan.PlanCompiler;
import io.shardview.circuit.plan.UnsupportedSqlException;
import io.shardview.circuit.sql.SqlPlanner;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.calcite.rel.RelNode;

/**
 * One tenant's incremental SQL circuit: base tables, views maintained from their deltas, and the
 * version counter. Not thread-safe: owned by exactly one entity, which calls it sequentially.
 */
public final class Circuit {
    private final Map<String, BaseTable> tables = new LinkedHashMap<>();
    private Map<String, MaterializedView> views = new LinkedHashMap<>();
    private final ViewEvaluator evaluator = new ViewEvaluator();
    private long version;

    /** The number of accepted batches and SQL requests so far. */
    public long version() {
        return version;
    }

    /** Runs a request of ';'-separated statements atomically: all apply, or none and a rejection. */
    public DdlResult executeSql(String statements) {
        return executeSql(statements, -1);
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
     */
    public static final int SQL_REVISION = 3;

    /**
     * Runs statements of the journal again, on recovery: as {@link #executeSql}, but reading what an older
     * engine accepted as it did (a NUMERIC type modifier outside PostgreSQL's bounds is an unconstrained NUMERIC),
     * and with the column types of the SQL revision they were accepted under.
     */
    public DdlResult replaySql(String statements, int revision) {
        return executeSql(statements, revision);
    }

    /** revision: the SQL revision of statements replayed from the journal, or -1 for new ones. */
    private DdlResult executeSql(String statements, int revision) {
        boolean replaying = revision >= 0;
        List<String> parts = DdlStatement.split(statements == null ? "" : statements);
        if (parts.isEmpty()) return new DdlResult.Rejected(0, RejectionKind.INVALID, "no statement");
        Map<String, BaseTable> savedTables = new LinkedHashMap<>(tables);
        Map<String, MaterializedView> savedViews = new LinkedHashMap<>(views);
        List<DdlResult.ChangedObject> objects = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            DdlResult.Rejected rejected = execute(i, parts.get(i), replaying, revision, objects);
            if (rejected != null) {
                tables.clear();
                tables.putAll(savedTables);
                views = savedViews;
                return rejected;
            }
        }
        version++;
        return new DdlResult.Applied(version, List.copyOf(objects));
    }

    private DdlResult.Rejected execute(int index, String text, boolean replaying, int revision,
                                       List<DdlResult.ChangedObject> objects) {
        DdlStatement statement;
        try {
            statement = DdlStatement.parse(text, replaying, replaying ? revision : SQL_REVISION);
        } catch (DdlStatement.ParseError e) {
            return new DdlResult.Rejected(index, e.kind, e.getMessage());
        }
        Problem problem;
        if (statement instanceof DdlStatement.CreateTable ct) {
            problem = createTable(ct.schema(), objects);
        } else if (statement instanceof DdlStatement.CreateView cv) {
            problem = createView(cv.name(), cv.select(), replaying, replaying ? revision : SQL_REVISION, objects);
        } else {
            problem = drop((DdlStatement.Drop) statement, objects);
        }
        return problem == null ? null : new DdlResult.Rejected(index, problem.kind(), problem.message());
    }

    /** Why a statement cannot apply. */
    private record Problem(RejectionKind kind, String message) {
    }

    private boolean exists(String name) {
        return tables.containsKey(name) || views.containsKey(name);
    }

    private Problem createTable(TableSchema schema, List<DdlResult.ChangedObject> objects) {
        if (exists(schema.name())) return new Problem(RejectionKind.CONFLICT, "relation \"" + schema.name() + "\" already exists");
        tables.put(schema.name(), new BaseTable(schema));
        objects.add(new DdlResult.ChangedObject("table", schema.name(), "created"));
        return null;
    }

    private Problem createView(String name, String select, boolean replaying, int revision, List<DdlResult.ChangedObject> objects) {
        if (exists(name)) return new Problem(RejectionKind.CONFLICT, "relation \"" + name + "\" already exists");
        Object planned = plan(name, select, replaying, revision);
        if (planned instanceof Problem problem) return problem;
        MaterializedView view = (MaterializedView) planned;
        try {
            view.absorb(view.dataflow.step(currentContents(view.dataflow), true).output());
        } catch (EvaluationException e) {
            return new Problem(RejectionKind.EVALUATION_ERROR, "view " + name + ": " + e.getMessage());
        }
        views.put(name, view);
        objects.add(new DdlResult.ChangedObject("view", name, "created"));
        return null;
    }

    /**
     * A new, empty view compiled from its SELECT, or the {@link Problem} that prevents it. accepted: the SELECT
     * was accepted once (replayed or restored), so it is read as leniently as the engine that accepted it.
     */
    private Object plan(String name, String select, boolean accepted, int revision) {
        try {
            RelNode plan = SqlPlanner.plan(select, catalogColumns(), accepted, revision);
            return new MaterializedView(name, select, plan, level(plan), revision);
        } catch (SqlPlanner.PlanningException | UnsupportedSqlException e) {
            return new Problem(RejectionKind.UNSUPPORTED, e.getMessage());
        } catch (RuntimeException e) {
            // A plan shape the compiler does not expect: refuse the view rather than fail the request.
            return new Problem(RejectionKind.UNSUPPORTED, "cannot maintain this query incrementally (" + e + ")");
        }
    }

    private int level(RelNode plan) {
        int[] deepest = {0};
        plan.accept(new org.apache.calcite.rel.RelShuttleImpl() {
            @Override
            public RelNode visit(org.apache.calcite.rel.core.TableScan scan) {
                List<String> q = scan.getTable().getQualifiedName();
                MaterializedView v = views.get(q.get(q.size() - 1));
                if (v != null) deepest[0] = Math.max(deepest[0], v.level);
                return scan;
            }
        });
        return deepest[0] + 1;
    }

    /** Evaluates a view from scratch with a freshly compiled copy of its plan (for verification). */
    ZSet recompute(String view) {
        Dataflow fresh = views.get(view).compile();
        return fresh.step(currentContents(fresh), true).output();
    }

    /** The incrementally maintained content of a view (for verification). */
    ZSet content(String view) {
        return views.get(view).content;
    }

    private Map<String, List<Column>> catalogColumns() {
        Map<String, List<Column>> out = new LinkedHashMap<>();
        tables.forEach((n, t) -> out.put(n, t.schema().columns()));
        views.forEach((n, v) -> out.put(n, v.dataflow.columns()));
        return out;
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

    private Problem drop(DdlStatement.Drop drop, List<DdlResult.ChangedObject> objects) {
        String kind = drop.view() ? "view" : "table";
        boolean present = drop.view() ? views.containsKey(drop.name()) : tables.containsKey(drop.name());
        if (!present) {
            if (drop.ifExists()) return null;
            return new Problem(RejectionKind.NOT_FOUND, kind + " \"" + drop.name() + "\" does not exist");
        }
        for (MaterializedView v : views.values()) {
            if (v.relations().contains(drop.name())) {
                return new Problem(RejectionKind.CONFLICT, "cannot drop " + kind + " \"" + drop.name() + "\" because view \"" + v.name + "\" depends on it");
            }
        }
        if (drop.view()) views.remove(drop.name());
        else tables.remove(drop.name());
        objects.add(new DdlResult.ChangedObject(kind, drop.name(), "dropped"));
        return null;
    }

    /** Validates a batch against the current state without changing anything. */
    public BatchValidation validate(List<Op> ops) {
        return new BatchValidator(tables).validate(ops, version);
    }

    /**
     * Applies a batch validated at the current version: accepted with the new version and view deltas,
     * or, when evaluating a view on the batch's data raises an SQL runtime error, failed with nothing
     * changed (tables, views, hashes and version stay as they were).
     */
    public BatchOutcome apply(ValidatedBatch batch) {
        if (batch.baseVersion() != version) {
            throw new IllegalStateException("batch validated at version " + batch.baseVersion() + ", circuit is at " + version);
        }
        Map<String, ViewDelta> changed;
        try {
            changed = evaluator.propagate(views.values(), new LinkedHashMap<>(batch.tableDeltas()));
        } catch (ViewEvaluator.ViewFailed failed) {
            return new BatchOutcome.Failed(failed.view, failed.getMessage());
        }
        // Operators read only deltas, never the tables, so the tables change once the views succeeded.
        batch.tableDeltas().forEach((name, delta) -> tables.get(name).apply(delta, batch.keyChanges().get(name)));
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
        List<Row> rows;
        List<Column> columns;
        String hash;
        if (views.containsKey(name)) {
            MaterializedView v = views.get(name);
            rows = v.sortedRows();
            columns = v.dataflow.columns();
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
        if (views.containsKey(relation)) return Optional.of(views.get(relation).dataflow.columns());
        if (tables.containsKey(relation)) return Optional.of(tables.get(relation).schema().columns());
        return Optional.empty();
    }

    /** The tables and views with their columns and row counts. */
    public CatalogDescription describe() {
        List<CatalogDescription.TableInfo> t = new ArrayList<>();
        tables.values().forEach(b -> t.add(new CatalogDescription.TableInfo(b.schema().name(), b.schema().columns(),
                b.schema().primaryKeyNames(), b.rowCount())));
        List<CatalogDescription.ViewInfo> v = new ArrayList<>();
        views.values().forEach(m -> v.add(new CatalogDescription.ViewInfo(m.name, m.sql, m.dataflow.columns(), m.rowCount)));
        return new CatalogDescription(version, t, v);
    }

    /** Evaluates a SELECT from scratch over the current tables and views. */
    public QueryResult query(String select) {
        Object planned = plan("query", select, false, SQL_REVISION);
        if (planned instanceof Problem problem) {
            return new QueryResult.Rejected(problem.kind(), problem.message());
        }
        Dataflow dataflow = ((MaterializedView) planned).dataflow;
        try {
            ZSet result = dataflow.step(currentContents(dataflow), true).output();
            return new QueryResult.Rows(dataflow.columns(), ReadOrder.expand(result, dataflow.readOrder()));
        } catch (EvaluationException e) {
            return new QueryResult.Rejected(RejectionKind.EVALUATION_ERROR, "query: " + e.getMessage());
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
        List<CircuitImage.TableImage> t = new ArrayList<>(tables.size());
        tables.values().forEach(b -> t.add(b.image()));
        List<CircuitImage.ViewImage> v = new ArrayList<>(views.size());
        for (MaterializedView m : views.values()) {
            v.add(new CircuitImage.ViewImage(m.name, m.sql, m.revision, ZSetImage.of(m.content), m.dataflow.stateImage()));
        }
        return new CircuitImage(version, List.copyOf(t), List.copyOf(v));
    }

    /** Restores a circuit from {@link #writeSnapshot} output, without re-evaluating any view. */
    public static Circuit readSnapshot(DataInput in) throws IOException {
        Circuit c = new Circuit();
        c.version = CircuitSnapshot.read(in, c.tables, c.views, c.new Restore());
        return c;
    }

    /** Compiles (and for an older snapshot, evaluates) the views of a snapshot being restored. */
    private final class Restore implements CircuitSnapshot.ViewFactory {
        @Override
        public MaterializedView create(String name, String sql, int revision) throws IOException {
            Object planned = plan(name, sql, true, revision);
            if (planned instanceof Problem problem) throw new IOException("snapshot view " + name + ": " + problem.message());
            return (MaterializedView) planned;
        }

        @Override
        public MaterializedView evaluate(String name, String sql, int revision) throws IOException {
            MaterializedView view = create(name, sql, revision);
            try {
                view.absorb(view.dataflow.step(currentContents(view.dataflow), true).output());
            } catch (EvaluationException e) {
                throw new IOException("snapshot view " + name + ": " + e.getMessage(), e);
            }
            return view;
        }
    }
}
