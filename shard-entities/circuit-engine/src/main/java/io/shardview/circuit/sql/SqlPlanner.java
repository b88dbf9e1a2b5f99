package io.shardview.circuit.sql;

import io.shardview.circuit.catalog.Column;
import io.shardview.circuit.pg.PgCasts;
import io.shardview.circuit.pg.PgConstantReducer;
import io.shardview.circuit.pg.PgTypeCoercion;
import io.shardview.circuit.pg.PgTypeFactory;
import io.shardview.circuit.plan.InMarkJoin;
import io.shardview.circuit.plan.IntervalAggregates;
import io.shardview.circuit.plan.NotInJoin;
import io.shardview.circuit.plan.SourceMarkers;
import io.shardview.circuit.rewrite.BpcharCorrelations;
import io.shardview.circuit.rewrite.BpcharLiterals;
import io.shardview.circuit.rewrite.CorrelatedFiltersAboveMarks;
import io.shardview.circuit.rewrite.DecorrelationShield;
import io.shardview.circuit.rewrite.DistinctSidePullUp;
import io.shardview.circuit.rewrite.FalseCorrelatedFilters;
import io.shardview.circuit.rewrite.InSubQueries;
import io.shardview.circuit.rewrite.NestedCorrelations;
import io.shardview.circuit.rewrite.OneRowSemiJoins;
import io.shardview.circuit.rewrite.OrderedFirstSubqueries;
import io.shardview.circuit.rewrite.UnsafeSubstitutions;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.config.CalciteConnectionConfigImpl;
import org.apache.calcite.config.CalciteConnectionProperty;
import org.apache.calcite.config.NullCollation;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptPredicateList;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.plan.hep.HepProgramBuilder;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCorrelVariable;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSimplify;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.rex.RexVisitorImpl;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.util.SqlOperatorTables;
import org.apache.calcite.sql.validate.SqlConformanceEnum;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql.validate.SqlValidatorUtil;
import org.apache.calcite.sql2rel.RelDecorrelator;
import org.apache.calcite.sql2rel.SqlToRelConverter;
import org.apache.calcite.sql2rel.StandardConvertletTable;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.util.Util;

/**
 * Parses and validates a SELECT with Calcite against a tenant's relations, PostgreSQL style (unquoted
 * identifiers fold to lower case, double-quote quoting, NULLs sort high), and turns it into a logical
 * plan whose subqueries are rewritten into (decorrelated) joins; WHERE x NOT IN (subquery) becomes a
 * {@link NotInJoin}, IN and EXISTS become semi-joins (and only they: a written join stays a join), other
 * INs an {@link InMarkJoin}.
 */
public final class SqlPlanner {
    private SqlPlanner() {}

    /** Parser settings shared with the DDL front end. */
    public static final SqlParser.Config PARSER = SqlParser.config()
            .withCaseSensitive(true)
            .withUnquotedCasing(Casing.TO_LOWER)
            .withQuotedCasing(Casing.UNCHANGED)
            .withQuoting(Quoting.DOUBLE_QUOTE)
            .withConformance(SqlConformanceEnum.LENIENT);

    /** A failure to plan: the message names the construct or the unknown object. */
    public static class PlanningException extends Exception {
        public PlanningException(String message) {
            super(message);
        }
    }

    /** A SELECT that does not parse: where, as 1-based line and column in the SELECT's own text, and near what. */
    public static final class SyntaxError extends PlanningException {
        public final int line;
        public final int column;

        public SyntaxError(String message, int line, int column) {
            super(message);
            this.line = line;
            this.column = column;
        }
    }

    /** A SELECT that reads a relation the tenant does not have (PostgreSQL: relation "x" does not exist). */
    public static final class UnknownRelation extends PlanningException {
        public UnknownRelation(String relation) {
            super("relation \"" + relation + "\" does not exist");
        }
    }

    /** A SELECT nested deeper than the limit the planner takes (see {@link SqlDepth}). */
    public static final class TooDeep extends PlanningException {
        public final int limit;

        public TooDeep(String message, int limit) {
            super(message);
            this.limit = limit;
        }
    }

    /** Plans a SELECT over the given relations (name to columns). */
    public static RelNode plan(String select, Map<String, List<Column>> relations) throws PlanningException {
        return plan(select, relations, false);
    }

    /**
     * Plans a SELECT; accepted: it was accepted once (a view replayed or restored), so a NUMERIC(p,s) cast
     * outside PostgreSQL's bounds, which engines before them accepted, is planned as then.
     */
    public static RelNode plan(String select, Map<String, List<Column>> relations, boolean accepted)
            throws PlanningException {
        return plan(select, relations, accepted, Integer.MAX_VALUE);
    }

    /**
     * As {@link #plan(String, Map, boolean)}, for a view of the given SQL revision: before revision 2 Calcite folded
     * a literal's CAST with its own rules (CAST(1.5 AS INTEGER) was 1), and before revision 3 Calcite's implicit
     * casts and result types applied where PostgreSQL's differ (v + 1 was accepted, b % 7 of a bigint b was an
     * integer); a view of then keeps them.
     */
    public static RelNode plan(String select, Map<String, List<Column>> relations, boolean accepted, int revision)
            throws PlanningException {
        return plan(select, relations, accepted, revision, Integer.MAX_VALUE);
    }

    /** As {@link #plan(String, Relations, boolean, int, int)} over a map of the relations (name to columns). */
    public static RelNode plan(
            String select, Map<String, List<Column>> relations, boolean accepted, int revision, int maxDepth)
            throws PlanningException {
        return plan(select, Relations.of(relations), accepted, revision, maxDepth);
    }

    /**
     * As {@link #plan(String, Map, boolean, int)}, refusing a SELECT nested deeper than {@code maxDepth} (parentheses
     * and CASE in its text, or its parse tree; see {@link SqlDepth}) before the planner recurses through it. A stack
     * overflow while planning is refused the same way: the planner's state is the request's own and is dropped.
     */
    public static RelNode plan(String select, Relations relations, boolean accepted, int revision, int maxDepth)
            throws PlanningException {
        return PlanCache.plan(
                new PlanCache.Key(select, accepted, revision, maxDepth),
                relations,
                () -> planAfresh(select, relations, accepted, revision, maxDepth));
    }

    /** Plans with Calcite, without the cache: the plan and what it read of the relations. */
    static PlanCache.Planned planAfresh(
            String select, Relations relations, boolean accepted, int revision, int maxDepth) throws PlanningException {
        try {
            if (SqlDepth.textNesting(select) > maxDepth) throw tooDeep(maxDepth);
            SqlNode parsed = parse(select);
            if (SqlDepth.treeDepth(parsed, maxDepth) > maxDepth) throw tooDeep(maxDepth);
            CatalogSchema schema = new CatalogSchema(relations);
            try {
                boolean clock = io.shardview.circuit.catalog.Clock.mentions(select)
                        && schema.tables().get(io.shardview.circuit.catalog.Clock.TABLE) != null;
                RelNode plan = plan(parsed, schema, accepted, revision, clock);
                return new PlanCache.Planned(plan, schema.reads());
            } finally {
                schema.detach();
            }
        } catch (StackOverflowError e) {
            throw tooDeep(maxDepth);
        }
    }

    private static TooDeep tooDeep(int maxDepth) {
        return new TooDeep(
                "the statement nests deeper than "
                        + (maxDepth == Integer.MAX_VALUE
                                ? "this node can plan"
                                : "the limit of " + maxDepth
                                        + " levels (parentheses, CASE, subqueries and chains of operators or "
                                        + "UNIONs each add a level)"),
                maxDepth);
    }

    private static SqlNode parse(String written) throws PlanningException {
        // x::type and INTERVAL '1 day', which Calcite's parser lacks.
        RewrittenText rewritten = IntervalLiterals.rewrite(InfixCasts.rewrite(RewrittenText.of(written)));
        String select = rewritten.text;
        SqlNode parsed;
        try {
            parsed = parseQuoting(select);
        } catch (SqlParseException e) {
            // Calcite's parser turns a stack overflow of its own into a parse error.
            for (Throwable t = e; t != null; t = t.getCause())
                if (t instanceof StackOverflowError) throw new StackOverflowError();
            SyntaxError error = syntaxError(e, select);
            if (select.equals(written)) throw error;
            int[] at = rewritten.writtenPosition(written, error.line, error.column); // where the client wrote it
            throw new SyntaxError(error.getMessage(), at[0], at[1]);
        } catch (RuntimeException e) {
            throw new PlanningException(cleanMessage(e));
        }
        if (!parsed.isA(SqlKind.QUERY)) {
            throw new PlanningException("only a SELECT query is allowed here, not " + parsed.getKind());
        }
        return parsed;
    }

    /** The query as written, or else with PostgreSQL's keyword-like names quoted ({@link KeywordNames}). */
    private static SqlNode parseQuoting(String select) throws SqlParseException {
        try {
            return SqlParser.create(select, PARSER).parseQuery();
        } catch (SqlParseException e) {
            String quoted = KeywordNames.quote(select);
            if (quoted.equals(select)) throw e;
            try {
                return SqlParser.create(quoted, PARSER).parseQuery();
            } catch (SqlParseException | RuntimeException again) {
                throw e; // the error of the statement as written
            }
        }
    }

    /**
     * PostgreSQL's wording, {@code syntax error at or near "x"}, with the position; Calcite's message lists every token
     * it could take next (hundreds). A parse that failed without a position (Calcite's "Non-query expression
     * encountered in illegal context" for a statement where a SELECT belongs) is placed at the start.
     */
    private static SyntaxError syntaxError(SqlParseException e, String select) {
        SqlParserPos pos = e.getPos();
        int line = pos == null || pos.getLineNum() < 1 ? 1 : pos.getLineNum();
        int column = pos == null || pos.getColumnNum() < 1 ? 1 : pos.getColumnNum();
        String message = POSITION.matcher(cleanMessage(e)).replaceAll("");
        java.util.regex.Matcher near = NEAR.matcher(message);
        if (near.find()) {
            String tokens = near.group(1) != null ? near.group(1) : near.group(2);
            // Calcite may name the tokens from the one it stopped at to the end: "> <EOF>".
            message = tokens.contains("<EOF>")
                    ? "syntax error at end of input"
                    : "syntax error at or near \"" + tokens.split(" ", 2)[0] + "\"";
        } else if (message.contains("Non-query expression")) {
            // Calcite read an expression where a query belongs: a misspelt SELECT, most often.
            String word = wordAt(select, line, column);
            message = word.isEmpty()
                    ? "syntax error: a SELECT query is expected here"
                    : "syntax error at or near \"" + word + "\"";
        } else if (INTERNAL.matcher(message).find()) {
            message = "syntax error"; // the parser failed inside (an index out of bounds): its words mean nothing to a
            // client
        } else {
            message = "syntax error: " + message;
        }
        return new SyntaxError(message, line, column);
    }

    /** The word that starts at a 1-based line and column of {@code text}, or "". */
    private static String wordAt(String text, int line, int column) {
        int at = 0;
        for (int l = 1; l < line && at < text.length(); at++) if (text.charAt(at) == '\n') l++;
        at = Math.min(text.length(), at + column - 1);
        int end = at;
        while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_')) end++;
        return text.substring(at, end);
    }

    /** Calcite's validator on a table or view it cannot find. */
    private static final java.util.regex.Pattern UNKNOWN_OBJECT =
            java.util.regex.Pattern.compile("Object '([^']*)' not found");

    /** A Java exception's name in a parser's message. */
    private static final java.util.regex.Pattern INTERNAL =
            java.util.regex.Pattern.compile("\\b[a-z]+\\.[a-z.]+[A-Z]\\w*(Exception|Error)\\b");

    /** The token Calcite's parser stopped at, in its two wordings. */
    private static final java.util.regex.Pattern NEAR =
            java.util.regex.Pattern.compile("^Encountered \"(.*?)\"|^Incorrect syntax near the keyword '(.*?)'");
    /** Calcite's position, relative to the SELECT alone: the rejection gives it relative to the request. */
    private static final java.util.regex.Pattern POSITION =
            java.util.regex.Pattern.compile(" at line \\d+, column \\d+\\.?");

    /** clock: the tenant has a clock for NOW() and its kin to read (io.shardview.circuit.catalog.Clock). */
    private static RelNode plan(SqlNode parsed, CatalogSchema relations, boolean accepted, int revision, boolean clock)
            throws PlanningException {
        try {
            boolean pgTypes = revision >= 3;
            PgTypeFactory types = new PgTypeFactory(pgTypes);
            CalciteCatalogReader catalog = catalog(relations, types);
            SqlValidator validator = SqlValidatorUtil.newValidator(
                    SqlOperatorTables.chain(SourceMarkers.OPERATORS, catalog),
                    catalog,
                    types,
                    VALIDATOR.withTypeCoercionFactory((f, v) -> new PgTypeCoercion(f, v, pgTypes)));
            if (revision >= 10) parsed = BpcharLiterals.valuesSubqueries(parsed);
            SqlNode validated = validator.validate(SourceMarkers.mark(parsed, !accepted, pgTypes, clock));
            IntervalAggregates.standardWhereNotIntervals(validated, validator);
            String typeProblem = pgTypes ? PgCasts.problem(validated, validator) : null;
            if (typeProblem != null) throw new PlanningException(typeProblem);
            Windows.check(validated);
            HepPlanner planner = new HepPlanner(HepProgram.builder().build());
            if (revision >= 2) planner.setExecutor(PgConstantReducer.INSTANCE);
            RelOptCluster cluster = RelOptCluster.create(planner, new RexBuilder(types));
            SqlToRelConverter converter = new SqlToRelConverter(
                    NO_VIEWS, validator, catalog, cluster, StandardConvertletTable.INSTANCE, CONVERTER);
            RelRoot root = converter.convertQuery(validated, false, true);
            RelNode rel = keepNeverTrue(converter.flattenTypes(root.project(), true));
            rel = RelDecorrelator.decorrelateQuery(
                    rel, CONVERTER.getRelBuilderFactory().create(cluster, null));
            if (revision >= 10) rel = BpcharLiterals.trim(rel);
            rel = removeSubQueries(BpcharCorrelations.markInSubqueries(InSubQueries.rewrite(rel)), accepted, revision);
            if (revision >= 4) rel = JoinOrder.optimize(rel);
            if (revision >= 6) rel = ColumnPruning.prune(rel, validator, cluster);
            rel = Windows.split(rel);
            return named(rel, root.validatedRowType.getFieldNames());
        } catch (PlanningException e) {
            throw e;
        } catch (Exception e) {
            String message = cleanMessage(e);
            java.util.regex.Matcher unknown = UNKNOWN_OBJECT.matcher(message);
            if (unknown.find()) throw new UnknownRelation(unknown.group(1));
            throw new PlanningException(message);
        } catch (AssertionError e) {
            // A check inside Calcite that fails on this query (as HAVING NOT (SUM(x) = CAST(NULL AS REAL)) under
            // SELECT DISTINCT: "Comparison with NULL in pulledUpPredicates"): a query it cannot plan, not a failure of
            // the node.
            throw new PlanningException("this query cannot be planned: Calcite's planner failed a check of its own ("
                    + e.getMessage() + ")");
        }
    }

    /**
     * Each WHERE or ON condition that is never TRUE wrapped in {@link SourceMarkers#NEVER_TRUE}, in subqueries too:
     * Calcite's rules would replace what it filters by an empty VALUES, whose columns no longer say the types and
     * typmods PostgreSQL describes (an EXISTS whose WHERE never holds made the whole view an empty VALUES).
     */
    private static RelNode keepNeverTrue(RelNode rel) {
        return rel.accept(new NeverTrueKeeper(rel.getCluster().getRexBuilder()));
    }

    /** See {@link #keepNeverTrue}. */
    private static final class NeverTrueKeeper extends RelShuttleImpl {
        private final RexBuilder rex;
        private final RexSimplify simplify;

        NeverTrueKeeper(RexBuilder rex) {
            this.rex = rex;
            this.simplify = new RexSimplify(rex, RelOptPredicateList.EMPTY, RexUtil.EXECUTOR);
        }

        @Override
        public RelNode visit(LogicalFilter filter) {
            LogicalFilter f = (LogicalFilter) super.visit(filter);
            RexNode c = kept(f.getCondition());
            return c == f.getCondition() ? f : f.copy(f.getTraitSet(), f.getInput(), c);
        }

        @Override
        public RelNode visit(LogicalJoin join) {
            LogicalJoin j = (LogicalJoin) super.visit(join);
            RexNode c = kept(j.getCondition());
            return c == j.getCondition()
                    ? j
                    : j.copy(j.getTraitSet(), c, j.getLeft(), j.getRight(), j.getJoinType(), j.isSemiJoinDone());
        }

        @Override
        public RelNode visit(LogicalProject project) {
            LogicalProject p = (LogicalProject) super.visit(project);
            List<RexNode> exprs =
                    p.getProjects().stream().map(this::inSubqueries).toList();
            return exprs.equals(p.getProjects()) ? p : p.copy(p.getTraitSet(), p.getInput(), exprs, p.getRowType());
        }

        /**
         * A condition with its subqueries' conditions kept, itself wrapped if it is never TRUE, unless it reads the
         * outer row: such a subquery's filter stays visible to the rewrites of correlations (see
         * {@link FalseCorrelatedFilters}, which makes it FALSE once they are done).
         */
        private RexNode kept(RexNode condition) {
            RexNode c = inSubqueries(condition);
            if (readsOuterRow(c) || !simplify.simplifyUnknownAsFalse(c).isAlwaysFalse()) return c;
            return rex.makeCall(SourceMarkers.NEVER_TRUE, c);
        }

        /** Whether c reads a correlation variable itself (not only in a subquery it holds). */
        private static boolean readsOuterRow(RexNode c) {
            try {
                c.accept(new RexVisitorImpl<Void>(true) {
                    @Override
                    public Void visitCorrelVariable(RexCorrelVariable variable) {
                        throw Util.FoundOne.NULL;
                    }

                    @Override
                    public Void visitSubQuery(RexSubQuery subQuery) {
                        subQuery.getOperands().forEach(operand -> operand.accept(this)); // not its relation
                        return null;
                    }
                });
                return false;
            } catch (Util.FoundOne e) {
                return true;
            }
        }

        /** e with the conditions of the subqueries it holds kept. */
        private RexNode inSubqueries(RexNode e) {
            RelShuttleImpl rels = this;
            return e.accept(new RexShuttle() {
                @Override
                public RexNode visitSubQuery(RexSubQuery subQuery) {
                    RexSubQuery visited = (RexSubQuery) super.visitSubQuery(subQuery);
                    RelNode rel = visited.rel.accept(rels);
                    return rel == visited.rel ? visited : visited.clone(rel);
                }
            });
        }
    }

    /**
     * accepted: the view was accepted once (replayed or restored), so a shape {@link NestedCorrelations} finds is
     * planned as it was then rather than refused.
     */
    private static RelNode removeSubQueries(RelNode rel, boolean accepted, int revision) throws PlanningException {
        HepProgramBuilder program = new HepProgramBuilder()
                .addRuleInstance(CoreRules.FILTER_SUB_QUERY_TO_CORRELATE)
                .addRuleInstance(CoreRules.PROJECT_SUB_QUERY_TO_CORRELATE)
                .addRuleInstance(CoreRules.JOIN_SUB_QUERY_TO_CORRELATE);
        HepPlanner hep = new HepPlanner(program.build());
        hep.setRoot(rel);
        RelNode withoutSubQueries = hep.findBestExp();
        if (revision >= 12) withoutSubQueries = CorrelatedFiltersAboveMarks.apply(withoutSubQueries);
        RelNode correlated = UnsafeSubstitutions.mark(BpcharCorrelations.mark(withoutSubQueries, revision >= 9));
        RelNode noSubQueries = OrderedFirstSubqueries.rewrite(FalseCorrelatedFilters.uncorrelate(correlated));
        if (revision >= 8) noSubQueries = NestedCorrelations.extractComputations(noSubQueries);
        if (revision >= 7) noSubQueries = NestedCorrelations.split(noSubQueries);
        if (!accepted && NestedCorrelations.misread(noSubQueries)) {
            throw new PlanningException(
                    "unsupported SQL construct: a subquery correlated to a row two or more levels out beside a"
                            + " condition of the subquery between that reads both fields of that row the inner one reads"
                            + " and others, or equates such a field with a computed value");
        }
        RelBuilder builder = RelFactories.LOGICAL_BUILDER.create(noSubQueries.getCluster(), null);
        RelNode decorrelated = UnsafeSubstitutions.unmarked(DecorrelationShield.decorrelate(noSubQueries, builder));
        // IN conjuncts are semi-joins already (InSubQueries); decorrelated EXISTS become ones here.
        return expandDistinctAggregates(OneRowSemiJoins.apply(DistinctSidePullUp.apply(decorrelated)));
    }

    /**
     * COUNT, SUM and AVG of DISTINCT values as operators the engine maintains: the distinct values per group first
     * (a Distinct, as SELECT DISTINCT), then the aggregate over them; beside other aggregates of the same groups, the
     * two joined on the group keys (Calcite's AggregateExpandDistinctAggregatesRule, without grouping sets).
     */
    private static RelNode expandDistinctAggregates(RelNode rel) {
        if (!containsDistinctAggregate(rel) && !containsSetOperation(rel)) return rel;
        HepPlanner hep = new HepPlanner(new HepProgramBuilder()
                .addRuleInstance(CoreRules.INTERSECT_TO_DISTINCT)
                .addRuleInstance(CoreRules.MINUS_TO_DISTINCT)
                .addRuleInstance(CoreRules.AGGREGATE_EXPAND_DISTINCT_AGGREGATES_TO_JOIN)
                .build());
        hep.setRoot(rel);
        return hep.findBestExp();
    }

    private static boolean containsSetOperation(RelNode rel) {
        if (rel instanceof org.apache.calcite.rel.core.Intersect || rel instanceof org.apache.calcite.rel.core.Minus)
            return true;
        return rel.getInputs().stream().anyMatch(SqlPlanner::containsSetOperation);
    }

    private static boolean containsDistinctAggregate(RelNode rel) {
        if (rel instanceof org.apache.calcite.rel.core.Aggregate a
                && a.getAggCallList().stream().anyMatch(org.apache.calcite.rel.core.AggregateCall::isDistinct)) {
            return true;
        }
        return rel.getInputs().stream().anyMatch(SqlPlanner::containsDistinctAggregate);
    }

    /**
     * The plan with the query's column names: the decorrelator drops a Project that only renames (SELECT v.x,
     * (SELECT MIN(y) FROM u) AS m FROM v, v of one column, became a join whose columns are x and EXPR$0), and views
     * over the view read them by name. A Sort stays on top, where it gives the view its read order.
     */
    private static RelNode named(RelNode rel, List<String> names) {
        if (rel.getRowType().getFieldNames().equals(names)) return rel;
        if (rel instanceof Sort s)
            return s.copy(s.getTraitSet(), named(s.getInput(), names), s.getCollation(), s.offset, s.fetch);
        RelBuilder builder = RelFactories.LOGICAL_BUILDER.create(rel.getCluster(), null);
        return builder.push(rel).project(builder.fields(), names, true).build();
    }

    private static String cleanMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.toString() : t.getMessage();
        // A syntax error lists every token the parser could take next (hundreds): the position says enough.
        int expecting = m.indexOf("Was expecting");
        if (expecting > 0) m = m.substring(0, expecting);
        return m.replaceAll("\\s+", " ").trim();
    }

    /**
     * PostgreSQL's own names of types, as a CAST may spell them (CAST(x AS float4)); TEXT is a VARCHAR to Calcite,
     * and its CAST is marked ({@link SourceMarkers#TEXT_CAST}).
     */
    private static final Map<String, SqlTypeName> TYPE_ALIASES = Map.of(
            "int2",
            SqlTypeName.SMALLINT,
            "int4",
            SqlTypeName.INTEGER,
            "int8",
            SqlTypeName.BIGINT,
            "float4",
            SqlTypeName.REAL,
            "float8",
            SqlTypeName.DOUBLE,
            "bool",
            SqlTypeName.BOOLEAN,
            "text",
            SqlTypeName.VARCHAR);

    private static final SqlValidator.Config VALIDATOR = SqlValidator.Config.DEFAULT
            .withDefaultNullCollation(NullCollation.HIGH)
            .withConformance(SqlConformanceEnum.LENIENT)
            .withIdentifierExpansion(true);

    private static final SqlToRelConverter.Config CONVERTER =
            SqlToRelConverter.config().withExpand(false).withTrimUnusedFields(false);

    /** The catalog holds tables only: no view of Calcite's own to expand. */
    private static final RelOptTable.ViewExpander NO_VIEWS = (rowType, query, schemaPath, viewPath) -> {
        throw new UnsupportedOperationException("view expansion");
    };

    /** The tenant's relations and PostgreSQL's short type names, case-sensitive (the parser folds unquoted names). */
    /**
     * What reading plans written by Calcite's RelJson ({@link PlanJson}) over {@code relations} takes, made once for
     * many plans: the types, operators, catalog and cluster planning a SELECT of {@code revision} uses.
     */
    static final class JsonReading {
        private final CatalogSchema schema;
        private final CalciteCatalogReader catalog;
        private final RelOptCluster cluster;

        JsonReading(Relations relations, int revision) {
            PgTypeFactory types = new PgTypeFactory(revision >= 3);
            schema = new CatalogSchema(relations);
            catalog = catalog(schema, types);
            HepPlanner planner = new HepPlanner(HepProgram.builder().build());
            if (revision >= 2) planner.setExecutor(PgConstantReducer.INSTANCE);
            cluster = RelOptCluster.create(planner, new RexBuilder(types));
        }

        RelNode read(String json) throws java.io.IOException {
            return new org.apache.calcite.rel.externalize.RelJsonReader(
                            cluster,
                            catalog,
                            catalog.getRootSchema().plus(),
                            relJson -> relJson.withOperatorTable(SourceMarkers.PLAN_OPERATORS))
                    .read(json);
        }

        /** Reading is over: the plans read keep the relations they read, not the tenant's. */
        void detach() {
            schema.detach();
        }
    }

    private static CalciteCatalogReader catalog(CatalogSchema relations, PgTypeFactory types) {
        SchemaPlus root =
                CalciteSchema.createRootSchema(false, false, "", relations).plus();
        TYPE_ALIASES.forEach((alias, type) -> root.add(alias, factory -> factory.createSqlType(type)));
        Properties settings = new Properties();
        settings.setProperty(CalciteConnectionProperty.CASE_SENSITIVE.camelName(), "true");
        settings.setProperty(CalciteConnectionProperty.CONFORMANCE.camelName(), SqlConformanceEnum.LENIENT.name());
        return new CalciteCatalogReader(
                CalciteSchema.from(root), List.of(), types, new CalciteConnectionConfigImpl(settings));
    }

    /** Debug rendering of a plan. */
    public static String explain(RelNode rel) {
        return RelOptUtil.toString(rel);
    }
}
