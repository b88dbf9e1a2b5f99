package io.shardview.circuit.operator;

/**
 * Inner join whose condition, besides any equi-keys, compares a value of the left row with one of the right row
 * (left.a < right.b, or <=, >, >=; columns, or expressions of one row, u.y < t.n + 1, u.w >= LOWER(t.c)): both
 * inputs are indexed by key, then ordered by the compared value, so a delta row meets only the rows on its side of
 * the bound. The subquery a correlation u.y < t.b decorrelates into joins u with t's distinct b values this way: a
 * change to u looks up the values above its y instead of testing them all. The values are those the comparison
 * compares (a VARCHAR compared with a CHAR(n) as bpchar, without its trailing blanks; a date compared with a timestamp
 * cast to one), so Values.compare orders them as the comparison does. The whole residual, the comparison
 * included, is still tested on each pair, as {@link InnerJoin} does; so a row whose value failed to compute meets
 * every row of the other side, and the residual fails on the pair as a join testing every pair would. The step is
 * that of {@link IndexedJoin}.
 */
public final class RangeJoin extends IndexedJoin<RangeIndex> {
    /** How the left column compares with the right one. */
    public enum Comparison {
        LESS,
        LESS_OR_EQUAL,
        GREATER,
        GREATER_OR_EQUAL
    }

    /** residual: the join's non-equi condition, holding the comparison of leftValue with rightValue (over the right row). */
    public RangeJoin(
            JoinKeys leftKeys,
            JoinKeys rightKeys,
            Expr leftValue,
            Comparison comparison,
            Expr rightValue,
            Expr residual) {
        super(
                new RangeIndex(leftKeys, leftValue, !upward(comparison)),
                new RangeIndex(rightKeys, rightValue, upward(comparison)),
                residual);
    }

    /** A join on left column &lt;comparison&gt; right column. */
    public RangeJoin(
            JoinKeys leftKeys,
            JoinKeys rightKeys,
            int leftColumn,
            Comparison comparison,
            int rightColumn,
            Expr residual) {
        this(leftKeys, rightKeys, row -> row.get(leftColumn), comparison, row -> row.get(rightColumn), residual);
    }

    /**
     * Whether a left row meets the right rows from its value up (left.a &lt; right.b), so a right row the left rows up
     * to its value; or the other way round.
     */
    private static boolean upward(Comparison comparison) {
        return comparison == Comparison.LESS || comparison == Comparison.LESS_OR_EQUAL;
    }
}
