package io.shardview.circuit.compiler;

import io.shardview.circuit.catalog.Column;
import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.ZSet;
import io.shardview.circuit.error.UnsupportedSqlException;
import io.shardview.circuit.operator.Accumulator;
import io.shardview.circuit.operator.Aggregate;
import io.shardview.circuit.operator.ComputedJoin;
import io.shardview.circuit.operator.ConstantRows;
import io.shardview.circuit.operator.Distinct;
import io.shardview.circuit.operator.Expr;
import io.shardview.circuit.operator.Filter;
import io.shardview.circuit.operator.InMark;
import io.shardview.circuit.operator.InValues;
import io.shardview.circuit.operator.InnerJoin;
import io.shardview.circuit.operator.JoinKeys;
import io.shardview.circuit.operator.NotIn;
import io.shardview.circuit.operator.Operator;
import io.shardview.circuit.operator.OuterJoin;
import io.shardview.circuit.operator.Project;
import io.shardview.circuit.operator.RangeJoin;
import io.shardview.circuit.operator.RangeSemiJoin;
import io.shardview.circuit.operator.SemiJoin;
import io.shardview.circuit.operator.TopK;
import io.shardview.circuit.operator.UnionAll;
import io.shardview.circuit.operator.WindowFrame;
import io.shardview.circuit.operator.WindowRank;
import io.shardview.circuit.pg.ColumnType;
import io.shardview.circuit.pg.Values;
import io.shardview.circuit.plan.ClockDifferences;
import io.shardview.circuit.plan.InMarkJoin;
import io.shardview.circuit.plan.NotInJoin;
import io.shardview.circuit.plan.StringTyping;
import io.shardview.circuit.plan.TotalExpressions;
import io.shardview.circuit.plan.Typmods;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelCollation;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate.Group;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.core.Intersect;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Minus;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.logical.LogicalSort;
import org.apache.calcite.rel.logical.LogicalUnion;
import org.apache.calcite.rel.logical.LogicalValues;
import org.apache.calcite.rel.logical.LogicalWindow;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexOver;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.util.ImmutableBitSet;
import org.apache.calcite.util.Litmus;

/** Translates a Calcite logical plan into a {@link Dataflow} of incremental operators. */
public final class PlanCompiler {
    private final List<Dataflow.Node> nodes = new ArrayList<>();
    private final Set<String> relations = new LinkedHashSet<>();
    private RexBuilder rexBuilder;
    private final StringTyping typing = new StringTyping();
    private final Typmods typmods = new Typmods();

    /** See {@link ExprCompiler}: whether operators compute every operand before a NULL decides (SQL revision 2 on). */
    private final boolean strictOperands;

    /** Whether Calcite's $SUM0 is 0 over no rows, as it is defined (SQL revision 5 on; before, NULL as SUM). */
    private final boolean sumZero;

    /**
     * Whether an aggregate over a projection of columns alone reads the projection's input, its group and argument
     * columns mapped through it (SQL revision 11 on; before, a Project operator made each input row anew first).
     */
    private final boolean aggregatesReadThrough;

    private PlanCompiler(boolean strictOperands, boolean sumZero, boolean aggregatesReadThrough) {
        this.strictOperands = strictOperands;
        this.sumZero = sumZero;
        this.aggregatesReadThrough = aggregatesReadThrough;
    }

    /** Compiles a plan; throws {@link UnsupportedSqlException} naming a construct it cannot maintain. */
    public static Dataflow compile(RelNode root) {
        return compile(root, true, true, true);
    }

    /**
     * Compiles a plan, its operators computing every operand before a NULL decides or (older views) not, $SUM0
     * being 0 over no rows or (older views) NULL, and an aggregate reading through a projection of columns below it
     * or (older views) over a Project operator of its own.
     */
    public static Dataflow compile(
            RelNode root, boolean strictOperands, boolean sumZero, boolean aggregatesReadThrough) {
        PlanCompiler c = new PlanCompiler(strictOperands, sumZero, aggregatesReadThrough);
        c.rexBuilder = root.getCluster().getRexBuilder();
        c.visit(root);
        return new Dataflow(List.copyOf(c.nodes), c.columns(root), readOrder(root), c.relations);
    }

    /** An expression compiler over the output row of rel. */
    private ExprCompiler over(RelNode rel) {
        return new ExprCompiler(rexBuilder, typing.fields(rel), strictOperands);
    }

    /**
     * The output columns. A bpchar column (see {@link StringTyping}) is CHAR(n) when PostgreSQL gives it
     * the typmod n (see {@link Typmods}), else CHAR without a length, a varchar one VARCHAR(n) or VARCHAR likewise,
     * and a text one TEXT; a NUMERIC column
     * has PostgreSQL's typmod (p,s) or none; views over the view keep PostgreSQL's typing.
     */
    private List<Column> columns(RelNode root) {
        List<Column> out = new ArrayList<>();
        StringTyping.Type[] types = typing.fields(root);
        Typmods.Typmod[] modifiers = typmods.fields(root);
        for (RelDataTypeField f : root.getRowType().getFieldList()) {
            Typmods.Typmod typmod = modifiers[f.getIndex()];
            boolean nullable = f.getType().isNullable();
            if (types[f.getIndex()] == StringTyping.Type.BPCHAR) {
                out.add(new Column(f.getName(), ColumnType.CHAR, nullable, typmod == null ? 0 : typmod.length(false)));
            } else if (types[f.getIndex()] == StringTyping.Type.VARCHAR) {
                out.add(new Column(
                        f.getName(), ColumnType.VARCHAR, nullable, typmod == null ? 0 : typmod.length(true)));
            } else if (types[f.getIndex()] == StringTyping.Type.TEXT) {
                out.add(new Column(f.getName(), ColumnType.TEXT, nullable));
            } else {
                ColumnType type = ExprCompiler.typeOf(f.getType());
                boolean numeric = type == ColumnType.DECIMAL && typmod != null;
                out.add(new Column(
                        f.getName(),
                        type,
                        nullable,
                        0,
                        numeric ? typmod.precision() : 0,
                        numeric ? typmod.scale() : 0));
            }
        }
        return out;
    }

    private static Comparator<Row> readOrder(RelNode root) {
        if (root instanceof LogicalSort sort
                && !sort.getCollation().getFieldCollations().isEmpty()) {
            return comparator(sort.getCollation()).thenComparing(Row.NATURAL_ORDER);
        }
        return Row.NATURAL_ORDER;
    }

    private int add(Operator op, int... inputs) {
        if (current == null) current = NodeKeys.describe(compiling, strictOperands, sumZero);
        nodes.add(new Dataflow.Node(op, inputs, null, current + "#" + emitted++));
        return nodes.size() - 1;
    }

    /** The plan node being compiled, its description (made when it adds its first operator) and operators added. */
    private RelNode compiling;

    private String current;
    private int emitted;

    /**
     * Compiles a subtree; returns the index of its output node. Each operator added is keyed by the plan node that
     * added it and its rank among that node's operators (see {@link NodeKeys}).
     */
    private int visit(RelNode rel) {
        RelNode savedRel = compiling;
        String saved = current;
        int savedEmitted = emitted;
        compiling = rel;
        current = null;
        emitted = 0;
        try {
            return compileNode(rel);
        } finally {
            compiling = savedRel;
            current = saved;
            emitted = savedEmitted;
        }
    }

    private int compileNode(RelNode rel) {
        if (rel instanceof TableScan scan) {
            List<String> name = scan.getTable().getQualifiedName();
            String relation = name.get(name.size() - 1);
            relations.add(relation);
            nodes.add(new Dataflow.Node(null, new int[0], relation, null));
            return nodes.size() - 1;
        }
        if (rel instanceof LogicalFilter f)
            return add(new Filter(over(f.getInput()).compile(f.getCondition())), visit(f.getInput()));
        if (rel instanceof LogicalProject p) return project(p);
        if (rel instanceof LogicalJoin j) return join(j);
        if (rel instanceof LogicalAggregate a) return aggregate(a);
        if (rel instanceof LogicalSort s) return sort(s);
        if (rel instanceof LogicalWindow w) return window(w);
        if (rel instanceof LogicalUnion u) return union(u);
        if ((rel instanceof Intersect || rel instanceof Minus) && ((org.apache.calcite.rel.core.SetOp) rel).all)
            return setOperationAll((org.apache.calcite.rel.core.SetOp) rel, rel instanceof Intersect);
        if (rel instanceof LogicalValues v) return values(v);
        if (rel instanceof NotInJoin n) return notIn(n);
        if (rel instanceof InMarkJoin m) return inMark(m);
        if (rel instanceof Correlate c
                && RelOptUtil.notContainsCorrelation(c.getRight(), c.getCorrelationId(), Litmus.IGNORE)) {
            return uncorrelated(c);
        }
        throw new UnsupportedSqlException(describe(rel));
    }

    private static String describe(RelNode rel) {
        if (rel instanceof Correlate) return "correlated subquery";
        // INTERSECT and EXCEPT become a distinct over a union (SqlPlanner); their ALL forms remain.
        if (rel instanceof Intersect) return "INTERSECT ALL";
        if (rel instanceof Minus) return "EXCEPT ALL";
        return rel.getRelTypeName();
    }

    private int project(LogicalProject p) {
        int input = visit(p.getInput());
        if (RexOver.containsOver(p.getProjects(), null)) throw new UnsupportedSqlException("window function (OVER)");
        if (RexUtil.isIdentity(p.getProjects(), p.getInput().getRowType())) return input;
        ExprCompiler exprs = over(p.getInput());
        Expr[] list = p.getProjects().stream().map(exprs::compileOutput).toArray(Expr[]::new);
        return add(new Project(list), input);
    }

    private int join(LogicalJoin j) {
        List<Integer> leftKeys = new ArrayList<>();
        List<Integer> rightKeys = new ArrayList<>();
        List<Boolean> filterNulls = new ArrayList<>();
        List<RexNode> nonEqui = new ArrayList<>();
        RelOptUtil.splitJoinCondition(
                j.getLeft(), j.getRight(), j.getCondition(), leftKeys, rightKeys, filterNulls, nonEqui);
        RexNode residual = RexUtil.composeConjunction(j.getCluster().getRexBuilder(), nonEqui);
        boolean[] nullSafe = new boolean[filterNulls.size()];
        boolean[] asBpchar = new boolean[filterNulls.size()];
        StringTyping.Type[] leftTypes = typing.fields(j.getLeft());
        StringTyping.Type[] rightTypes = typing.fields(j.getRight());
        for (int i = 0; i < nullSafe.length; i++) {
            nullSafe[i] = !filterNulls.get(i);
            asBpchar[i] = StringTyping.comparesAsBpchar(leftTypes[leftKeys.get(i)], rightTypes[rightKeys.get(i)]);
        }
        JoinKeys lk = new JoinKeys(leftKeys.stream().mapToInt(Integer::intValue).toArray(), nullSafe, asBpchar);
        JoinKeys rk =
                new JoinKeys(rightKeys.stream().mapToInt(Integer::intValue).toArray(), nullSafe, asBpchar);
        Expr cond = residual.isAlwaysTrue()
                ? null
                : new ExprCompiler(rexBuilder, typing.joinInput(j.getLeft(), j.getRight()), strictOperands)
                        .compile(residual);
        int left = visit(j.getLeft());
        int right = visit(j.getRight());
        switch (j.getJoinType()) {
            case INNER: {
                ComputedJoin computed = computedJoin(j, nonEqui, lk, rk, cond);
                if (computed != null) return add(computed, left, right);
                RangeJoin range = rangeJoin(j, nonEqui, lk, rk, cond);
                return add(range != null ? range : new InnerJoin(lk, rk, cond), left, right);
            }
            case LEFT:
            case RIGHT:
            case FULL: {
                OuterJoin.Kind kind =
                        switch (j.getJoinType()) {
                            case LEFT -> OuterJoin.Kind.LEFT;
                            case RIGHT -> OuterJoin.Kind.RIGHT;
                            default -> OuterJoin.Kind.FULL;
                        };
                int leftWidth = j.getLeft().getRowType().getFieldCount();
                int rightWidth = j.getRight().getRowType().getFieldCount();
                return add(new OuterJoin(kind, lk, rk, cond, leftWidth, rightWidth), left, right);
            }
            case SEMI:
            case ANTI: {
                SemiJoin computed = inSemiJoin(j);
                if (computed != null) return add(computed, left, right);
                boolean anti = j.getJoinType() == JoinRelType.ANTI;
                RangeSemiJoin range = rangeSemiJoin(j, nonEqui, lk, rk, anti);
                return add(range != null ? range : new SemiJoin(lk, rk, cond, anti), left, right);
            }
            default:
                throw new UnsupportedSqlException(j.getJoinType() + " JOIN");
        }
    }

    /**
     * An inner join whose non-equi condition has '=' conjuncts between a value of the left row and one of the right
     * (u.y = t.n + 1, Calcite's rewrite of a subquery correlated so): a {@link ComputedJoin} on those values; else null.
     * The residual stays whole: it is still tested on each pair, and decides the pairs of a value that failed.
     */
    private ComputedJoin computedJoin(LogicalJoin j, List<RexNode> nonEqui, JoinKeys lk, JoinKeys rk, Expr cond) {
        int leftWidth = j.getLeft().getRowType().getFieldCount();
        StringTyping.Type[] leftTypes = typing.fields(j.getLeft());
        StringTyping.Type[] rightTypes = typing.fields(j.getRight());
        List<Expr> leftValues = new ArrayList<>();
        List<Expr> rightValues = new ArrayList<>();
        List<Boolean> asBpchar = new ArrayList<>();
        for (RexNode conjunct : RelOptUtil.conjunctions(
                RexUtil.composeConjunction(j.getCluster().getRexBuilder(), nonEqui))) {
            if (conjunct.getKind() != SqlKind.EQUALS) continue;
            RexNode a = ((RexCall) conjunct).getOperands().get(0);
            RexNode b = ((RexCall) conjunct).getOperands().get(1);
            if (!onlyBelow(b, leftWidth)) {
                RexNode swap = a;
                a = b;
                b = swap;
            }
            if (!onlyBelow(b, leftWidth) || !onlyFrom(a, leftWidth)) continue;
            RexNode right = RexUtil.shift(a, -leftWidth);
            leftValues.add(over(j.getLeft()).compileOutput(b));
            rightValues.add(over(j.getRight()).compileOutput(right));
            asBpchar.add(
                    StringTyping.comparesAsBpchar(StringTyping.of(b, leftTypes), StringTyping.of(right, rightTypes)));
        }
        if (leftValues.isEmpty()) return null;
        boolean[] bpchar = new boolean[asBpchar.size()];
        for (int i = 0; i < bpchar.length; i++) bpchar[i] = asBpchar.get(i);
        return new ComputedJoin(
                lk, leftValues.toArray(Expr[]::new), rk, rightValues.toArray(Expr[]::new), bpchar, cond);
    }

    /** Whether e reads some input column, all below width (the left input's). */
    private static boolean onlyBelow(RexNode e, int width) {
        ImmutableBitSet used = RelOptUtil.InputFinder.bits(e);
        return !used.isEmpty() && used.nextSetBit(width) < 0;
    }

    /** Whether e reads some input column, all from width on (the right input's). */
    private static boolean onlyFrom(RexNode e, int width) {
        ImmutableBitSet used = RelOptUtil.InputFinder.bits(e);
        return !used.isEmpty() && used.nextSetBit(0) >= width;
    }

    /**
     * An inner join whose non-equi condition has a conjunct comparing a value of the left row with one of the right
     * row, both of one type ordered alike by the engine and by SQL (numbers, dates, timestamps, strings): a
     * {@link RangeJoin}; else null.
     */
    private RangeJoin rangeJoin(LogicalJoin j, List<RexNode> nonEqui, JoinKeys lk, JoinKeys rk, Expr cond) {
        int leftWidth = j.getLeft().getRowType().getFieldCount();
        for (RexNode conjunct : RelOptUtil.conjunctions(
                RexUtil.composeConjunction(j.getCluster().getRexBuilder(), nonEqui))) {
            RangeJoin.Comparison comparison = comparison(conjunct);
            if (comparison == null) continue;
            RexNode a = ((RexCall) conjunct).getOperands().get(0);
            RexNode b = ((RexCall) conjunct).getOperands().get(1);
            if (onlyFrom(a, leftWidth) && onlyBelow(b, leftWidth)) {
                RexNode swap = a;
                a = b;
                b = swap;
                comparison = flipped(comparison);
            }
            if (!onlyBelow(a, leftWidth) || !onlyFrom(b, leftWidth)) continue;
            Expr[] values = orderedValues(j, a, RexUtil.shift(b, -leftWidth));
            if (values != null) return new RangeJoin(lk, rk, values[0], comparison, values[1], cond);
        }
        return null;
    }

    /**
     * A semi- or anti-join whose non-equi condition is one comparison of a value of the left row with a value of the
     * right row that cannot fail, ordered alike (see {@link #orderedValues}): a {@link RangeSemiJoin}; else null.
     */
    private RangeSemiJoin rangeSemiJoin(LogicalJoin j, List<RexNode> nonEqui, JoinKeys lk, JoinKeys rk, boolean anti) {
        List<RexNode> conjuncts = RelOptUtil.conjunctions(
                RexUtil.composeConjunction(j.getCluster().getRexBuilder(), nonEqui));
        if (conjuncts.size() != 1) return null;
        int leftWidth = j.getLeft().getRowType().getFieldCount();
        boolean clock = readsClock(j.getRight());
        // NOW() - ts < INTERVAL '1 hour' compared as ts > NOW() - INTERVAL '1 hour' (the same, by the interval's span).
        RexNode conjunct = clock
                ? ClockDifferences.asShiftedClock(
                        conjuncts.get(0), leftWidth, j.getCluster().getRexBuilder())
                : conjuncts.get(0);
        RangeJoin.Comparison comparison = comparison(conjunct);
        if (comparison == null) return null;
        RexNode a = ((RexCall) conjunct).getOperands().get(0);
        RexNode b = ((RexCall) conjunct).getOperands().get(1);
        if (onlyFrom(a, leftWidth) && onlyBelow(b, leftWidth)) {
            RexNode swap = a;
            a = b;
            b = swap;
            comparison = flipped(comparison);
        }
        // The clock minus an interval (a temporal filter, ts > NOW() - INTERVAL '1 hour') fails only past the ends of
        // the timestamp range: taken as total where the right side reads the tenant's clock, which no view read
        // before it was built (so no older view's plan changes).
        boolean total = TotalExpressions.isTotal(b) || TotalExpressions.isShiftedTime(b) && clock;
        if (!onlyBelow(a, leftWidth) || !onlyFrom(b, leftWidth) || !total) return null;
        Expr[] values = orderedValues(j, a, RexUtil.shift(b, -leftWidth));
        // The clock, or the clock plus or minus an interval, only grows: rows it passes are dropped (RangeSemiJoin).
        boolean grows = clock
                && (b instanceof RexInputRef
                        || TotalExpressions.isShiftedTime(b)
                                && ((RexCall) b).getOperands().stream().anyMatch(o -> o instanceof RexInputRef));
        return values == null ? null : new RangeSemiJoin(lk, rk, values[0], comparison, values[1], anti, grows);
    }

    private static boolean readsClock(RelNode rel) {
        return RelOptUtil.findTables(rel).stream()
                .anyMatch(t -> t.getQualifiedName().contains(io.shardview.circuit.catalog.Clock.TABLE));
    }

    /**
     * A semi-join whose condition is '=' conjuncts, in order, of a value of the left row with a right column, some value
     * one that may fail (InSubQueries' uncorrelated IN, {@code 1 / c IN (SELECT y ...)}): a {@link SemiJoin} that
     * computes the values itself, only while the right side has rows to compare them with; else null.
     */
    private SemiJoin inSemiJoin(LogicalJoin j) {
        if (j.getJoinType() != JoinRelType.SEMI) return null;
        int leftWidth = j.getLeft().getRowType().getFieldCount();
        List<RexNode> conjuncts = RelOptUtil.conjunctions(j.getCondition());
        StringTyping.Type[] leftTypes = typing.fields(j.getLeft());
        StringTyping.Type[] rightTypes = typing.fields(j.getRight());
        Expr[] values = new Expr[conjuncts.size()];
        int[] rightColumns = new int[values.length];
        boolean[] asBpchar = new boolean[values.length];
        boolean mayFail = false;
        for (int i = 0; i < values.length; i++) {
            if (conjuncts.get(i).getKind() != SqlKind.EQUALS) return null;
            RexNode x = ((RexCall) conjuncts.get(i)).getOperands().get(0);
            RexNode y = ((RexCall) conjuncts.get(i)).getOperands().get(1);
            if (!onlyBelow(x, leftWidth) || !(y instanceof RexInputRef ref) || ref.getIndex() < leftWidth) return null;
            mayFail |= !TotalExpressions.isTotal(x);
            values[i] = over(j.getLeft()).compileOutput(x);
            rightColumns[i] = ref.getIndex() - leftWidth;
            asBpchar[i] = StringTyping.comparesAsBpchar(StringTyping.of(x, leftTypes), rightTypes[rightColumns[i]]);
        }
        if (!mayFail) return null;
        boolean[] nullSafe = new boolean[values.length];
        return new SemiJoin(new InValues(values, nullSafe, asBpchar), new JoinKeys(rightColumns, nullSafe, asBpchar));
    }

    private static RangeJoin.Comparison comparison(RexNode conjunct) {
        return switch (conjunct.getKind()) {
            case LESS_THAN -> RangeJoin.Comparison.LESS;
            case LESS_THAN_OR_EQUAL -> RangeJoin.Comparison.LESS_OR_EQUAL;
            case GREATER_THAN -> RangeJoin.Comparison.GREATER;
            case GREATER_THAN_OR_EQUAL -> RangeJoin.Comparison.GREATER_OR_EQUAL;
            default -> null;
        };
    }

    /**
     * The values a comparison of a (over the join's left row) with right (over its right row) compares, compiled over
     * each input, when Values.compare orders them as the comparison does, else null: both numbers (of any types:
     * Values.compare orders them by value), of one date or timestamp type (Calcite casts a date compared with a
     * timestamp to one, at midnight, as PostgreSQL does), or both strings, each as the comparison sees it (see
     * {@link ExprCompiler#compared}: a varchar compared with a bpchar as bpchar, a bpchar with a text as its text).
     */
    private Expr[] orderedValues(LogicalJoin j, RexNode a, RexNode right) {
        StringTyping.Type[] leftTypes = typing.fields(j.getLeft());
        StringTyping.Type[] rightTypes = typing.fields(j.getRight());
        SqlTypeName type = a.getType().getSqlTypeName();
        SqlTypeName other = right.getType().getSqlTypeName();
        boolean strings = SqlTypeUtil.inCharFamily(a.getType()) && SqlTypeUtil.inCharFamily(right.getType());
        boolean ordered = strings
                || (SqlTypeName.NUMERIC_TYPES.contains(type) && SqlTypeName.NUMERIC_TYPES.contains(other))
                || (type == other && (type == SqlTypeName.DATE || type == SqlTypeName.TIMESTAMP));
        if (!ordered) return null;
        return new Expr[] {
            over(j.getLeft()).compared(a, StringTyping.of(right, rightTypes)),
            over(j.getRight()).compared(right, StringTyping.of(a, leftTypes))
        };
    }

    /** b OP a as a OP' b. */
    private static RangeJoin.Comparison flipped(RangeJoin.Comparison c) {
        return switch (c) {
            case LESS -> RangeJoin.Comparison.GREATER;
            case LESS_OR_EQUAL -> RangeJoin.Comparison.GREATER_OR_EQUAL;
            case GREATER -> RangeJoin.Comparison.LESS;
            case GREATER_OR_EQUAL -> RangeJoin.Comparison.LESS_OR_EQUAL;
        };
    }

    /** The string type of a column of an input, or of an expression over it. */
    private static StringTyping.Type typeOf(RexNode e, StringTyping.Type[] input) {
        return e instanceof RexInputRef ref ? input[ref.getIndex()] : StringTyping.of(e, input);
    }

    /** x NOT IN (subquery) as a null-aware anti-join, computing x itself when it is an expression (one that may fail). */
    private int notIn(NotInJoin n) {
        StringTyping.Type[] left = typing.fields(n.getLeft());
        boolean asBpchar = StringTyping.comparesAsBpchar(typeOf(n.key(), left), typing.fields(n.getRight())[0]);
        Operator op = n.key() instanceof RexInputRef ref
                ? new NotIn(ref.getIndex(), asBpchar)
                : new NotIn(over(n.getLeft()).compileOutput(n.key()), asBpchar);
        return add(op, visit(n.getLeft()), visit(n.getRight()));
    }

    /**
     * IN of one or more columns as a column beside each row (an {@link InMark}, whose NULLs stay in its keys);
     * each pair of compared values compares as bpchar when PostgreSQL's '=' would. Keys that are expressions (some
     * may fail) are computed by the mark.
     */
    private int inMark(InMarkJoin m) {
        StringTyping.Type[] left = typing.fields(m.getLeft());
        StringTyping.Type[] right = typing.fields(m.getRight());
        List<RexNode> keys = m.keys();
        int[] values = new int[keys.size()];
        boolean[] asBpchar = new boolean[keys.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
            asBpchar[i] = StringTyping.comparesAsBpchar(typeOf(keys.get(i), left), right[i]);
        }
        int[] groups = m.groupColumns();
        int[] rightGroups = new int[groups.length];
        boolean[] groupsAsBpchar = new boolean[groups.length];
        for (int i = 0; i < groups.length; i++) {
            rightGroups[i] = values.length + i;
            groupsAsBpchar[i] = StringTyping.comparesAsBpchar(left[groups[i]], right[values.length + i]);
        }
        JoinKeys leftGroup = new JoinKeys(groups, new boolean[groups.length], groupsAsBpchar);
        JoinKeys rightGroup = new JoinKeys(rightGroups, new boolean[groups.length], groupsAsBpchar);
        boolean[] nullSafe = new boolean[values.length];
        Arrays.fill(nullSafe, true);
        JoinKeys y = new JoinKeys(values, nullSafe, asBpchar);
        Operator op;
        if (keys.stream().allMatch(k -> k instanceof RexInputRef)) {
            int[] columns =
                    keys.stream().mapToInt(k -> ((RexInputRef) k).getIndex()).toArray();
            op = new InMark(new JoinKeys(columns, nullSafe, asBpchar), y, leftGroup, rightGroup);
        } else {
            ExprCompiler exprs = over(m.getLeft());
            Expr[] x = keys.stream().map(exprs::compileOutput).toArray(Expr[]::new);
            // A view of SQL revision 1 stopped at a NULL operand: Calcite's rewrite of a correlated IN compared a value
            // that fails with a NULL subquery value without failing, so its marks leave those rows out too.
            op = new InMark(
                    new InValues(x, nullSafe, asBpchar),
                    y,
                    leftGroup,
                    rightGroup,
                    m.nullRowsIgnored() || !strictOperands);
        }
        return add(op, visit(m.getLeft()), visit(m.getRight()));
    }

    /** A Correlate whose right side does not use the correlation (left after simplification) is a key-less join. */
    private int uncorrelated(Correlate c) {
        JoinKeys none = new JoinKeys(new int[0], new boolean[0]);
        int left = visit(c.getLeft());
        int right = visit(c.getRight());
        switch (c.getJoinType()) {
            case INNER:
                return add(new InnerJoin(none, none, null), left, right);
            case LEFT:
                return add(
                        new OuterJoin(
                                OuterJoin.Kind.LEFT,
                                none,
                                none,
                                null,
                                c.getLeft().getRowType().getFieldCount(),
                                c.getRight().getRowType().getFieldCount()),
                        left,
                        right);
            case SEMI:
                return add(new SemiJoin(none, none, null, false), left, right);
            case ANTI:
                return add(new SemiJoin(none, none, null, true), left, right);
            default:
                throw new UnsupportedSqlException(c.getJoinType() + " correlated subquery");
        }
    }

    private int aggregate(LogicalAggregate a) {
        if (a.getGroupType() != Group.SIMPLE) throw new UnsupportedSqlException("GROUPING SETS / ROLLUP / CUBE");
        int width = a.getInput().getRowType().getFieldCount();
        StringTyping.Type[] types = typing.fields(a.getInput());
        boolean spelled = anySpelled(a.getInput(), types, a.getGroupSet());
        if (a.getAggCallList().isEmpty() && a.getGroupSet().equals(ImmutableBitSet.range(width))) {
            return add(new Distinct(spelled), visit(a.getInput()));
        }
        int[] groupColumns = a.getGroupSet().toArray();
        Aggregate.Call[] calls = a.getAggCallList().stream().map(this::call).toArray(Aggregate.Call[]::new);
        int[] through = aggregatesReadThrough ? projectedColumns(a.getInput()) : null;
        if (through == null) return add(new Aggregate(groupColumns, calls, spelled), visit(a.getInput()));
        // A Project would make each input row anew and consolidate them, only for the aggregate to add up their
        // weights by group: the same sums come from the rows below it. Keyed with the projection, so that two
        // aggregates of one description over different columns of one input are told apart.
        int input = visit(a.getInput().getInput(0));
        for (int i = 0; i < groupColumns.length; i++) groupColumns[i] = through[groupColumns[i]];
        for (int i = 0; i < calls.length; i++) calls[i] = calls[i].readingThrough(through);
        current = NodeKeys.describe(a, strictOperands, sumZero) + " through "
                + NodeKeys.describe(a.getInput(), strictOperands, sumZero);
        return add(new Aggregate(groupColumns, calls, spelled), input);
    }

    /** The input column of each output column when rel is a projection of columns alone, else null. */
    private static int[] projectedColumns(RelNode rel) {
        if (!(rel instanceof LogicalProject p)) return null;
        int[] columns = new int[p.getProjects().size()];
        for (int i = 0; i < columns.length; i++) {
            if (!(p.getProjects().get(i) instanceof RexInputRef ref)) return null;
            columns[i] = ref.getIndex();
        }
        return columns;
    }

    /**
     * Whether one of the columns of rel is bpchar, NUMERIC or a float, whose equal values may be spelled
     * differently (padded, 'a' and 'a  ', scaled, 2.0 and 2.00, or signed, -0 and 0); only then do Distinct and
     * Aggregate look for spellings.
     */
    private static boolean anySpelled(RelNode rel, StringTyping.Type[] types, ImmutableBitSet columns) {
        List<RelDataTypeField> fields = rel.getRowType().getFieldList();
        return columns.asList().stream()
                .anyMatch(c -> types[c] == StringTyping.Type.BPCHAR
                        || SqlTypeName.DECIMAL == fields.get(c).getType().getSqlTypeName()
                        || SqlTypeUtil.isInterval(fields.get(c).getType())
                        || SqlTypeName.APPROX_TYPES.contains(
                                fields.get(c).getType().getSqlTypeName()));
    }

    /** The call with its FILTER (WHERE ...) column, if any: Calcite computes the condition as an input column. */
    private Aggregate.Call call(AggregateCall c) {
        Aggregate.Call call = unfiltered(c);
        if (sumZero && c.getAggregation().getKind() == SqlKind.SUM0) call = call.asSum0();
        return c.hasFilter() ? call.filtered(c.filterArg) : call;
    }

    private static Aggregate.Call unfiltered(AggregateCall c) {
        String name = c.getAggregation().getName();
        if (c.isDistinct()) throw new UnsupportedSqlException(name + "(DISTINCT ...)");
        List<Integer> args = c.getArgList();
        int arg = args.isEmpty() ? -1 : args.get(0);
        if (args.size() > 1) throw new UnsupportedSqlException(name + " with several arguments");
        SqlKind kind = c.getAggregation().getKind();
        Aggregate.Call accumulated = accumulated(kind, arg, ExprCompiler.typeOf(c.getType()));
        if (accumulated != null) return accumulated;
        switch (kind) {
            case LITERAL_AGG:
                return new Aggregate.Call(
                        Accumulator.Kind.CONSTANT, -1, ((RexLiteral) c.rexList.get(0)).getValueAs(Boolean.class));
            case SINGLE_VALUE:
                // Calcite's check of a scalar subquery's row count. Decorrelated, it would be computed for every
                // correlation value, where PostgreSQL fails only for an outer row that meets several rows.
                throw new UnsupportedSqlException(
                        "scalar subquery that is not one aggregate (it may return several rows)");
            default:
                throw new UnsupportedSqlException("aggregate function " + name);
        }
    }

    private static Accumulator.Kind sumKind(io.shardview.circuit.pg.ColumnType type) {
        if (type.isInteger()) return Accumulator.Kind.SUM_LONG;
        if (type == io.shardview.circuit.pg.ColumnType.DOUBLE) return Accumulator.Kind.SUM_DOUBLE;
        if (type == io.shardview.circuit.pg.ColumnType.REAL) return Accumulator.Kind.SUM_REAL;
        if (type == io.shardview.circuit.pg.ColumnType.INTERVAL) return Accumulator.Kind.SUM_INTERVAL;
        return Accumulator.Kind.SUM_DECIMAL;
    }

    private int sort(LogicalSort s) {
        int input = visit(s.getInput());
        if (s.fetch == null && s.offset == null) return input; // ORDER BY alone only orders reads
        long offset = s.offset == null ? 0 : ((RexLiteral) s.offset).getValueAs(Long.class);
        long limit = s.fetch == null ? Long.MAX_VALUE : ((RexLiteral) s.fetch).getValueAs(Long.class);
        return add(new TopK(comparator(s.getCollation()), offset, limit), input);
    }

    /**
     * The window functions of a SELECT ({@link io.shardview.circuit.sql.Windows} split them from its projection): one
     * {@link WindowRank} per window, each adding its functions' columns after its input's, in the window's order as
     * Calcite's LogicalWindow lists them.
     */
    private int window(LogicalWindow w) {
        int input = visit(withoutIntervals(w.getInput()));
        int width = w.getInput().getRowType().getFieldCount();
        int column = width; // the window's output columns follow its input's, group after group
        for (org.apache.calcite.rel.core.Window.Group group : w.groups) {
            WindowRank.Call[] functions = new WindowRank.Call[group.aggCalls.size()];
            for (int i = 0; i < functions.length; i++) {
                org.apache.calcite.rel.core.Window.RexWinAggCall call = group.aggCalls.get(i);
                String name = call.getOperator().getName();
                functions[i] = switch (call.getOperator().getKind()) {
                    case ROW_NUMBER -> WindowRank.Call.of(WindowRank.Function.ROW_NUMBER);
                    case RANK -> WindowRank.Call.of(WindowRank.Function.RANK);
                    case DENSE_RANK -> WindowRank.Call.of(WindowRank.Function.DENSE_RANK);
                    case LAG, LEAD -> offsetCall(
                            w,
                            call,
                            w.getRowType().getFieldList().get(column + i).getType());
                    case PERCENT_RANK -> WindowRank.Call.of(WindowRank.Function.PERCENT_RANK);
                    case CUME_DIST -> WindowRank.Call.of(WindowRank.Function.CUME_DIST);
                    case NTILE -> new WindowRank.Call(
                            WindowRank.Function.NTILE,
                            -1,
                            positive(w, call.getOperands().get(0), call),
                            null,
                            null);
                    case FIRST_VALUE, LAST_VALUE, NTH_VALUE -> valueCall(w, group, call);
                    case COUNT, SUM, SUM0, AVG, MIN, MAX -> WindowRank.Call.aggregate(
                            windowAggregate(
                                    w,
                                    call,
                                    w.getRowType()
                                            .getFieldList()
                                            .get(column + i)
                                            .getType()),
                            frame(w, group, name));
                    default -> throw new UnsupportedSqlException(
                            "window function " + name + "() OVER " + WindowRank.MAINTAINED);
                };
            }
            column += functions.length;
            input = add(new WindowRank(group.keys.toArray(), comparator(group.orderKeys), functions), input);
        }
        return input;
    }

    /** FIRST_VALUE, LAST_VALUE or NTH_VALUE: the column it reads, NTH_VALUE's row (a positive constant), its frame. */
    private WindowRank.Call valueCall(LogicalWindow w, org.apache.calcite.rel.core.Window.Group group, RexCall call) {
        int width = w.getInput().getRowType().getFieldCount();
        String name = call.getOperator().getName();
        if (!(call.getOperands().get(0) instanceof RexInputRef value) || value.getIndex() >= width) {
            throw new UnsupportedSqlException(name + "() of a constant");
        }
        WindowRank.Function function =
                switch (call.getKind()) {
                    case FIRST_VALUE -> WindowRank.Function.FIRST_VALUE;
                    case LAST_VALUE -> WindowRank.Function.LAST_VALUE;
                    default -> WindowRank.Function.NTH_VALUE;
                };
        long nth = function == WindowRank.Function.NTH_VALUE
                ? positive(w, call.getOperands().get(1), call)
                : 0;
        return new WindowRank.Call(function, value.getIndex(), nth, null, frame(w, group, name));
    }

    /**
     * The frame of a window's group: ROWS with any bounds; RANGE from or to UNBOUNDED, the current row's peers or an
     * offset in the values of its one ORDER BY column, an integer or NUMERIC (PostgreSQL's dates and timestamps with
     * intervals are not maintained); no exclusion.
     */
    private WindowFrame frame(LogicalWindow w, org.apache.calcite.rel.core.Window.Group group, String name) {
        if (group.exclude != org.apache.calcite.rex.RexWindowExclusion.EXCLUDE_NO_OTHER) {
            throw new UnsupportedSqlException(name + "() over a frame with EXCLUDE");
        }
        var start = bound(w, group, group.lowerBound, name);
        var end = bound(w, group, group.upperBound, name);
        if (start.amount() == null && end.amount() == null) {
            return new WindowFrame(group.isRows, start, end);
        }
        List<RelFieldCollation> order = group.orderKeys.getFieldCollations();
        if (order.size() != 1) {
            throw new UnsupportedSqlException("OVER (... RANGE frame with an offset) ordered by other than one column");
        }
        int column = order.get(0).getFieldIndex();
        SqlTypeName type =
                w.getInput().getRowType().getFieldList().get(column).getType().getSqlTypeName();
        boolean interval =
                (start.amount() != null ? start.amount() : end.amount()) instanceof io.shardview.circuit.pg.PgInterval;
        boolean maintained = interval
                ? type == SqlTypeName.DATE || type == SqlTypeName.TIMESTAMP
                : SqlTypeName.INT_TYPES.contains(type) || type == SqlTypeName.DECIMAL;
        if (!maintained) {
            throw new UnsupportedSqlException("OVER (... RANGE frame with an offset) ordered by a " + type
                    + " column (offsets are maintained over integers and NUMERIC, and intervals over dates and"
                    + " timestamps; use ROWS)");
        }
        return new WindowFrame(
                false, start, end, column, order.get(0).getDirection().isDescending());
    }

    private WindowFrame.Bound bound(
            LogicalWindow w,
            org.apache.calcite.rel.core.Window.Group group,
            org.apache.calcite.rex.RexWindowBound bound,
            String name) {
        if (bound.isCurrentRow()) return WindowFrame.Bound.CURRENT_ROW;
        if (bound.isUnbounded()) {
            return bound.isPreceding() ? WindowFrame.Bound.UNBOUNDED_PRECEDING : WindowFrame.Bound.UNBOUNDED_FOLLOWING;
        }
        RexNode offset = bound.getOffset();
        int width = w.getInput().getRowType().getFieldCount();
        RexLiteral literal = offset instanceof RexLiteral l
                ? l
                : offset instanceof RexInputRef ref && ref.getIndex() >= width
                        ? w.constants.get(ref.getIndex() - width)
                        : null;
        if (!group.isRows) {
            Object amount = rangeAmount(w, offset, literal);
            if (amount == null) {
                throw new UnsupportedSqlException("OVER (... RANGE frame with an offset) whose offset is not a"
                        + " constant number or interval of 0 or more");
            }
            return WindowFrame.Bound.range(bound.isPreceding(), amount);
        }
        Long rows = literal == null || literal.isNull() ? null : literal.getValueAs(Long.class);
        if (rows == null || rows < 0) {
            throw new UnsupportedSqlException(
                    name + "() over a frame whose offset is not a constant of 0 or more rows");
        }
        return bound.isPreceding() ? WindowFrame.Bound.preceding(rows) : WindowFrame.Bound.following(rows);
    }

    /**
     * A window's input with NULL for each interval constant it computes: Calcite computes a RANGE frame's interval
     * offset as a column of the input, which only the frame reads (an interval is no value elsewhere, DateTimes), and
     * the frame has it from the plan ({@link #rangeAmount}); rows hold no interval.
     */
    private RelNode withoutIntervals(RelNode input) {
        if (!(input instanceof org.apache.calcite.rel.core.Project project)) return input;
        List<RexNode> exprs = new ArrayList<>(project.getProjects());
        boolean changed = false;
        for (int i = 0; i < exprs.size(); i++) {
            RexNode e = exprs.get(i);
            if (org.apache.calcite.sql.type.SqlTypeUtil.isInterval(e.getType())
                    && org.apache.calcite.rex.RexUtil.isConstant(e)) {
                exprs.set(i, rexBuilder.makeNullLiteral(e.getType()));
                changed = true;
            }
        }
        return changed ? project.copy(project.getTraitSet(), project.getInput(), exprs, project.getRowType()) : input;
    }

    /**
     * A RANGE offset's value: a number (a literal) or an interval (a constant, which Calcite computes as a column of
     * the window's input), not negative; null for anything else.
     */
    private Object rangeAmount(LogicalWindow w, RexNode offset, RexLiteral literal) {
        if (literal != null) {
            if (literal.isNull()
                    || !SqlTypeName.NUMERIC_TYPES.contains(literal.getType().getSqlTypeName())) return null;
            java.math.BigDecimal amount = literal.getValueAs(java.math.BigDecimal.class);
            return amount == null || amount.signum() < 0 ? null : amount;
        }
        RexNode constant = offset;
        if (offset instanceof RexInputRef ref && w.getInput() instanceof org.apache.calcite.rel.core.Project below) {
            constant = below.getProjects().get(ref.getIndex());
        }
        if (!(constant instanceof RexCall call) || !org.apache.calcite.rex.RexUtil.isConstant(call)) return null;
        Object value = new ExprCompiler(rexBuilder, new StringTyping.Type[0], strictOperands)
                .compileOutput(call)
                .eval(null);
        if (!(value instanceof io.shardview.circuit.pg.PgInterval interval)) return null;
        boolean negative = interval.months() < 0 || interval.days() < 0 || interval.micros() < 0;
        return negative ? null : interval;
    }

    /** COUNT, SUM, AVG, MIN or MAX over a window: its argument (a column of the window's input) and its kind. */
    private static Aggregate.Call windowAggregate(
            LogicalWindow w, org.apache.calcite.rel.core.Window.RexWinAggCall call, RelDataType type) {
        String name = call.getOperator().getName();
        if (call.distinct) throw new UnsupportedSqlException(name + "(DISTINCT ...) OVER");
        int width = w.getInput().getRowType().getFieldCount();
        List<RexNode> args = call.getOperands();
        if (args.size() > 1) throw new UnsupportedSqlException(name + " with several arguments");
        int arg = -1;
        if (!args.isEmpty()) {
            if (!(args.get(0) instanceof RexInputRef ref) || ref.getIndex() >= width) {
                throw new UnsupportedSqlException(name + "() OVER of a constant");
            }
            arg = ref.getIndex();
        }
        Aggregate.Call aggregate = accumulated(call.getKind(), arg, ExprCompiler.typeOf(type));
        return call.getKind() == SqlKind.SUM0 ? aggregate.asSum0() : aggregate;
    }

    /**
     * COUNT, SUM ($SUM0 as SUM), AVG, MIN or MAX of input column {@code arg} (-1: COUNT(*)) as the accumulator that
     * computes it, for a result of {@code type} (PostgreSQL's: SUM(int) bigint, AVG(real) float8); null for another.
     */
    private static Aggregate.Call accumulated(SqlKind kind, int arg, io.shardview.circuit.pg.ColumnType type) {
        return switch (kind) {
            case COUNT -> new Aggregate.Call(arg < 0 ? Accumulator.Kind.COUNT_STAR : Accumulator.Kind.COUNT, arg, null);
            case SUM, SUM0 -> new Aggregate.Call(sumKind(type), arg, null);
            case AVG -> new Aggregate.Call(
                    type == io.shardview.circuit.pg.ColumnType.DOUBLE
                            ? Accumulator.Kind.AVG_DOUBLE
                            : type == io.shardview.circuit.pg.ColumnType.INTERVAL
                                    ? Accumulator.Kind.AVG_INTERVAL
                                    : Accumulator.Kind.AVG_DECIMAL,
                    arg,
                    null);
            case MIN -> new Aggregate.Call(Accumulator.Kind.MIN, arg, null);
            case MAX -> new Aggregate.Call(Accumulator.Kind.MAX, arg, null);
            default -> null;
        };
    }

    /** A window function's argument that must be a positive integer constant (NTILE's buckets, NTH_VALUE's row). */
    private static long positive(LogicalWindow w, RexNode arg, RexCall call) {
        RexLiteral n = constant(w, arg, call);
        Long value = n.isNull() ? null : n.getValueAs(Long.class);
        if (value == null || value <= 0) {
            throw new UnsupportedSqlException(
                    call.getOperator().getName() + "() of a number that is not a positive constant");
        }
        return value;
    }

    /**
     * LAG or LEAD: the column it reads (a column of the window's input), its offset (a constant, 1 without one) and
     * the value past the partition's edge (a constant cast to the function's type, NULL without one).
     */
    private WindowRank.Call offsetCall(LogicalWindow w, RexCall call, RelDataType type) {
        WindowRank.Function function =
                call.getKind() == SqlKind.LAG ? WindowRank.Function.LAG : WindowRank.Function.LEAD;
        int width = w.getInput().getRowType().getFieldCount();
        List<RexNode> args = call.getOperands();
        if (!(args.get(0) instanceof RexInputRef value) || value.getIndex() >= width) {
            throw new UnsupportedSqlException(call.getOperator().getName() + "() of a constant");
        }
        long offset = 1;
        if (args.size() > 1) {
            RexLiteral n = constant(w, args.get(1), call);
            if (n.isNull()) throw new UnsupportedSqlException(call.getOperator().getName() + "() with a NULL offset");
            offset = n.getValueAs(Long.class);
        }
        Object fallback = null;
        if (args.size() > 2) {
            RexNode cast = rexBuilder.makeCast(type, constant(w, args.get(2), call), true);
            fallback = new ExprCompiler(rexBuilder, new StringTyping.Type[0], strictOperands)
                    .compileOutput(cast)
                    .eval(null);
        }
        return new WindowRank.Call(function, value.getIndex(), offset, fallback, null);
    }

    /** A window function's argument that must be a constant (Calcite keeps them in the window's constants). */
    private static RexLiteral constant(LogicalWindow w, RexNode arg, RexCall call) {
        int width = w.getInput().getRowType().getFieldCount();
        if (arg instanceof RexLiteral literal) return literal;
        if (arg instanceof RexInputRef ref && ref.getIndex() >= width) return w.constants.get(ref.getIndex() - width);
        throw new UnsupportedSqlException(
                call.getOperator().getName() + "() with an offset or default that is not a" + " constant");
    }

    /** INTERSECT ALL and EXCEPT ALL, by copies; inputs' string columns converted as for a union. */
    private int setOperationAll(org.apache.calcite.rel.core.SetOp op, boolean intersect) {
        return add(
                new io.shardview.circuit.operator.SetOperationAll(op.getInputs().size(), intersect), setInputs(op));
    }

    /** The inputs of a set operation, each string column converted to the operation's type where it differs. */
    private int[] setInputs(org.apache.calcite.rel.core.SetOp op) {
        StringTyping.Type[] types = typing.fields(op);
        int[] inputs = new int[op.getInputs().size()];
        for (int i = 0; i < inputs.length; i++) {
            RelNode input = op.getInput(i);
            inputs[i] = visit(input);
            if (!Arrays.equals(typing.fields(input), types)) {
                inputs[i] = add(new Project(ExprCompiler.conversions(typing.fields(input), types)), inputs[i]);
            }
        }
        return inputs;
    }

    /** UNION [ALL]; an input whose string column has another type than the union's is converted to it. */
    private int union(LogicalUnion u) {
        StringTyping.Type[] types = typing.fields(u);
        int all = add(new UnionAll(), setInputs(u));
        return u.all ? all : add(new Distinct(anySpelled(u, types, ImmutableBitSet.range(types.length))), all);
    }

    private int values(LogicalValues v) {
        ZSet rows = new ZSet();
        ExprCompiler exprs = new ExprCompiler(rexBuilder, new StringTyping.Type[0], strictOperands);
        for (List<RexLiteral> tuple : v.getTuples()) {
            Object[] row =
                    tuple.stream().map(l -> exprs.compileOutput(l).eval(null)).toArray();
            rows.add(Row.wrap(row), 1);
        }
        return add(new ConstantRows(rows));
    }

    /** PostgreSQL ordering for a collation: ASC NULLS LAST and DESC NULLS FIRST unless stated. */
    static Comparator<Row> comparator(RelCollation collation) {
        Comparator<Row> out = (a, b) -> 0;
        for (RelFieldCollation fc : collation.getFieldCollations()) {
            int field = fc.getFieldIndex();
            boolean desc = fc.getDirection().isDescending();
            RelFieldCollation.NullDirection nulls = fc.nullDirection == RelFieldCollation.NullDirection.UNSPECIFIED
                    ? fc.getDirection().defaultNullDirection()
                    : fc.nullDirection;
            boolean nullsFirst = nulls == RelFieldCollation.NullDirection.FIRST;
            out = out.thenComparing((a, b) -> compareField(a.get(field), b.get(field), desc, nullsFirst));
        }
        return out;
    }

    private static int compareField(Object a, Object b, boolean desc, boolean nullsFirst) {
        if (a == null || b == null) {
            if (a == b) return 0;
            return (a == null) == nullsFirst ? -1 : 1;
        }
        int c = Values.compare(a, b);
        return desc ? -c : c;
    }
}
