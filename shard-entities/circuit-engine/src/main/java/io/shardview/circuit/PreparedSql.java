package io.shardview.circuit;

import io.shardview.circuit.catalog.CatalogMap;
import io.shardview.circuit.catalog.Clock;
import io.shardview.circuit.catalog.Column;
import io.shardview.circuit.catalog.DdlStatement;
import io.shardview.circuit.catalog.TableSchema;
import io.shardview.circuit.error.RejectionKind;
import io.shardview.circuit.error.UnsupportedSqlException;
import io.shardview.circuit.sql.Relations;
import io.shardview.circuit.sql.SqlPlanner;
import io.shardview.circuit.view.MaterializedView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.TableScan;

/**
 * A SQL request parsed and planned against a {@link Catalog}, ready for {@link Circuit#apply(PreparedSql)}, or the
 * rejection that stops it. Planning reads only the catalog, never the circuit, so it can run on another thread while
 * the circuit goes on applying batches: how long a view takes to plan (Calcite can take seconds on a long OR chain)
 * then holds no other request of the tenant. Filling the views from the current data is left to the apply.
 *
 * <p>The statements are planned in order against the catalog as the earlier ones leave it, so a view may read a
 * table created by the same request; everything the catalog can tell (a name taken, a missing relation, a view
 * still depended on) is refused here, and only a view's evaluation on the data can still fail the apply.
 */
public final class PreparedSql {
    /** What planning a request needs of the circuit: its relations' columns, view levels and dependencies. */
    public record Catalog(long epoch, Map<String, List<Column>> tables, Map<String, CatalogView> views) {}

    /** A view as planning sees it. */
    public record CatalogView(List<Column> columns, int level, Set<String> relations) {
        static CatalogView of(MaterializedView view) {
            return new CatalogView(view.dataflow().columns(), view.level, view.relations());
        }
    }

    /** One statement's effect, in request order. */
    sealed interface Step {}

    record CreateTable(TableSchema schema) implements Step {}

    /** A view compiled and still empty: the apply fills it from the data. */
    record CreateView(MaterializedView view) implements Step {}

    /** Drops a table or view; absent: DROP ... IF EXISTS of nothing, which changes nothing. */
    record Drop(boolean view, String name, boolean absent) implements Step {}

    final long epoch;
    final List<Step> steps;
    private final DdlResult.Rejected rejection;

    private PreparedSql(long epoch, List<Step> steps, DdlResult.Rejected rejection) {
        this.epoch = epoch;
        this.steps = steps;
        this.rejection = rejection;
    }

    /** Why the request cannot apply, or null when it is ready to. */
    public DdlResult.Rejected rejection() {
        return rejection;
    }

    /**
     * Parses and plans {@code sql} against {@code catalog}. revision: the SQL revision of statements replayed from
     * the journal (read as the engine that accepted them did; no depth limit), or -1 for a new request, which is
     * read under {@link Circuit#SQL_REVISION} and refused when it nests deeper than {@code maxDepth}.
     */
    /** The relations of a catalog as the planner looks them up. */
    public static io.shardview.circuit.sql.Relations relations(Catalog catalog) {
        return new Planning(catalog, "", true, Circuit.SQL_REVISION, Integer.MAX_VALUE).relations;
    }

    /**
     * A view of a snapshot compiled from its plan as text ({@link io.shardview.circuit.sql.PlanJson}, read by {@code
     * plans} over the catalog restored so far), without planning its SELECT; null when the text does not read as a
     * plan over it.
     */
    public static MaterializedView restoredView(
            Catalog catalog,
            io.shardview.circuit.sql.PlanJson.Reader plans,
            String name,
            String select,
            int revision,
            String plan) {
        Planning planning = new Planning(catalog, "", true, revision, Integer.MAX_VALUE);
        RelNode rel = plans.read(plan, revision);
        if (rel == null) return null;
        try {
            MaterializedView view = new MaterializedView(name, select, rel, planning.level(rel), revision);
            view.restoredFrom(plan);
            return view;
        } catch (RuntimeException | AssertionError e) {
            return null; // planned instead
        }
    }

    public static PreparedSql prepare(String sql, Catalog catalog, int revision, int maxDepth) {
        boolean replaying = revision >= 0;
        String text = sql == null ? "" : sql;
        List<DdlStatement.Part> parts = DdlStatement.split(text);
        if (parts.isEmpty()) return rejected(catalog, new DdlResult.Rejected(0, RejectionKind.INVALID, "no statement"));
        Planning planning = new Planning(
                catalog,
                text,
                replaying,
                replaying ? revision : Circuit.SQL_REVISION,
                replaying ? Integer.MAX_VALUE : maxDepth);
        List<Step> steps = new ArrayList<>(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            Object step = planning.step(i, parts.get(i));
            if (step instanceof DdlResult.Rejected rejected) return rejected(catalog, rejected);
            steps.addAll(planning.before);
            planning.before.clear();
            steps.add((Step) step);
        }
        return new PreparedSql(catalog.epoch(), List.copyOf(steps), null);
    }

    /** A one-off SELECT planned against a catalog: its dataflow to evaluate once, or why it cannot run. */
    public record PreparedQuery(MaterializedView plan, QueryResult.Rejected rejection) {}

    /** Plans a one-off SELECT as {@link #prepare} plans a view's, without creating anything. */
    public static PreparedQuery prepareQuery(String select, Catalog catalog, int maxDepth) {
        Planning planning = new Planning(catalog, select == null ? "" : select, false, Circuit.SQL_REVISION, maxDepth);
        Object planned = planning.plan("query", select == null ? "" : select, 0);
        if (planned instanceof DdlResult.Rejected r) {
            return new PreparedQuery(null, new QueryResult.Rejected(r.kind(), r.message(), r.details()));
        }
        return new PreparedQuery((MaterializedView) planned, null);
    }

    private static PreparedSql rejected(Catalog catalog, DdlResult.Rejected rejection) {
        return new PreparedSql(catalog.epoch(), List.of(), rejection);
    }

    /** The catalog as the statements planned so far leave it. */
    private static final class Planning {
        /** Steps the statement just planned needs before it: the clock's table, for the first view naming the time. */
        final List<Step> before = new ArrayList<>();

        private CatalogMap<List<Column>> tables;
        private CatalogMap<CatalogView> views;
        private final String request;
        private final boolean replaying;
        private final int revision;
        private final int maxDepth;
        /** The tables and views so far, as the planner looks them up. */
        private final Relations relations = new Relations() {
            @Override
            public List<Column> columns(String name) {
                List<Column> table = tables.get(name);
                if (table != null) return table;
                CatalogView view = views.get(name);
                return view == null ? null : view.columns();
            }

            @Override
            public Set<String> names() {
                Set<String> names = new java.util.HashSet<>(tables.keySet());
                names.addAll(views.keySet());
                return names;
            }
        };

        Planning(Catalog catalog, String request, boolean replaying, int revision, int maxDepth) {
            this.tables = CatalogMap.of(catalog.tables());
            this.views = CatalogMap.of(catalog.views());
            this.request = request;
            this.replaying = replaying;
            this.revision = revision;
            this.maxDepth = maxDepth;
        }

        /** The step of statement {@code index}, or its rejection. */
        Object step(int index, DdlStatement.Part part) {
            DdlStatement statement;
            try {
                statement = DdlStatement.parse(part.text(), replaying, revision);
            } catch (DdlStatement.ParseError e) {
                if (!e.details.isEmpty()) return new DdlResult.Rejected(index, e.kind, e.getMessage(), e.details);
                return reject(index, e.kind, e.getMessage(), e.position < 0 ? -1 : part.offset() + e.position);
            }
            String named = statement instanceof DdlStatement.CreateTable ct
                    ? ct.schema().name()
                    : statement instanceof DdlStatement.CreateView cv
                            ? cv.name()
                            : ((DdlStatement.Drop) statement).name();
            if (Clock.isSystem(named) && !replaying) {
                return new DdlResult.Rejected(
                        index,
                        RejectionKind.INVALID,
                        "names beginning with $ are the engine's own: \"" + named + "\"",
                        Map.of("name", named));
            }
            if (statement instanceof DdlStatement.CreateTable ct) {
                String name = ct.schema().name();
                if (exists(name)) return conflict(index, name);
                tables = tables.with(name, ct.schema().columns());
                return new CreateTable(ct.schema());
            }
            if (statement instanceof DdlStatement.CreateView cv) {
                if (exists(cv.name())) return conflict(index, cv.name());
                return createView(index, cv, part.offset() + cv.selectOffset());
            }
            return drop(index, (DdlStatement.Drop) statement);
        }

        private boolean exists(String name) {
            return tables.containsKey(name) || views.containsKey(name);
        }

        private Object createView(int index, DdlStatement.CreateView cv, int selectOffset) {
            if (Clock.mentions(cv.select()) && !tables.containsKey(Clock.TABLE)) {
                TableSchema clock = Clock.schema();
                tables = tables.with(Clock.TABLE, clock.columns());
                before.add(new CreateTable(clock));
            }
            Object planned = plan(cv.name(), cv.select(), selectOffset);
            if (planned instanceof DdlResult.Rejected r) {
                return new DdlResult.Rejected(index, r.kind(), r.message(), r.details());
            }
            MaterializedView view = (MaterializedView) planned;
            views = views.with(cv.name(), CatalogView.of(view));
            return new CreateView(view);
        }

        /** A new, empty view compiled from its SELECT (at {@code selectOffset} of the request), or its rejection. */
        Object plan(String name, String select, int selectOffset) {
            try {
                RelNode plan = SqlPlanner.plan(select, relations, replaying, revision, maxDepth);
                return new MaterializedView(name, select, plan, level(plan), revision);
            } catch (SqlPlanner.SyntaxError e) {
                return reject(
                        0, RejectionKind.SYNTAX, e.getMessage(), selectOffset + offsetOf(select, e.line, e.column));
            } catch (SqlPlanner.TooDeep e) {
                return new DdlResult.Rejected(
                        0,
                        RejectionKind.LIMIT_EXCEEDED,
                        e.getMessage(),
                        Map.of("limit", "max-sql-depth", "max", e.limit));
            } catch (SqlPlanner.UnknownRelation e) {
                return new DdlResult.Rejected(0, RejectionKind.NOT_FOUND, e.getMessage());
            } catch (SqlPlanner.PlanningException | UnsupportedSqlException e) {
                return new DdlResult.Rejected(0, RejectionKind.UNSUPPORTED, e.getMessage());
            } catch (RuntimeException | AssertionError e) {
                // A plan shape the compiler does not expect: refuse the view rather than fail the request.
                return new DdlResult.Rejected(
                        0, RejectionKind.UNSUPPORTED, "cannot maintain this query incrementally (" + e + ")");
            }
        }

        private int level(RelNode plan) {
            int[] deepest = {0};
            plan.accept(new RelShuttleImpl() {
                @Override
                public RelNode visit(TableScan scan) {
                    List<String> q = scan.getTable().getQualifiedName();
                    CatalogView v = views.get(q.get(q.size() - 1));
                    if (v != null) deepest[0] = Math.max(deepest[0], v.level());
                    return scan;
                }
            });
            return deepest[0] + 1;
        }

        private Object drop(int index, DdlStatement.Drop drop) {
            String kind = drop.view() ? "view" : "table";
            boolean present = drop.view() ? views.containsKey(drop.name()) : tables.containsKey(drop.name());
            if (!present) {
                if (drop.ifExists()) return new Drop(drop.view(), drop.name(), true);
                return new DdlResult.Rejected(
                        index, RejectionKind.NOT_FOUND, kind + " \"" + drop.name() + "\" does not exist");
            }
            for (Map.Entry<String, CatalogView> v : views.entrySet()) {
                if (v.getValue().relations().contains(drop.name())) {
                    return new DdlResult.Rejected(
                            index,
                            RejectionKind.CONFLICT,
                            "cannot drop " + kind + " \"" + drop.name() + "\" because view \"" + v.getKey()
                                    + "\" depends on it");
                }
            }
            if (drop.view()) views = views.without(drop.name());
            else tables = tables.without(drop.name());
            return new Drop(drop.view(), drop.name(), false);
        }

        private static DdlResult.Rejected conflict(int index, String name) {
            return new DdlResult.Rejected(index, RejectionKind.CONFLICT, "relation \"" + name + "\" already exists");
        }

        /** A rejection placed at {@code offset} of the request's text (line and column in its details), if known. */
        private DdlResult.Rejected reject(int index, RejectionKind kind, String message, int offset) {
            if (offset < 0) return new DdlResult.Rejected(index, kind, message);
            int[] at = lineAndColumn(request, offset);
            return new DdlResult.Rejected(
                    index,
                    kind,
                    message + " (line " + at[0] + ", column " + at[1] + ")",
                    Map.of("line", at[0], "column", at[1]));
        }
    }

    /** 1-based line and column of {@code offset} in {@code text}. */
    static int[] lineAndColumn(String text, int offset) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < Math.min(offset, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new int[] {line, offset - lineStart + 1};
    }

    /** The offset in {@code text} of a 1-based line and column (clamped to the text). */
    static int offsetOf(String text, int line, int column) {
        int offset = 0;
        for (int l = 1; l < line && offset < text.length(); offset++) {
            if (text.charAt(offset) == '\n') l++;
        }
        return Math.min(text.length(), offset + Math.max(0, column - 1));
    }
}
