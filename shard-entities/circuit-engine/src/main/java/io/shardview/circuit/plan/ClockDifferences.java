package io.shardview.circuit.plan;

import io.shardview.circuit.pg.DateTimes;
import java.math.BigDecimal;
import java.util.List;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * How long ago, compared with a constant ({@code NOW() - ts < INTERVAL '1 hour'}), as the comparison of the row's
 * time with the clock shifted by that span ({@code ts > NOW() - INTERVAL '3600 seconds'}), which a range semi-join
 * over the clock maintains with bounded state. Exact: {@code now - ts} is the microseconds between them, and an
 * interval compares by its span (a month 30 days), so {@code now - ts < c} holds exactly when {@code ts > now - span(c)}.
 */
public final class ClockDifferences {
    private ClockDifferences() {}

    /** The largest span shifted: a thousand years, so the shifted clock stays far inside the timestamp range. */
    private static final long MAX_SPAN_MICROS = 1000L * 366 * 86_400_000_000L;

    /**
     * {@code conjunct} of a semi-join whose right input is the clock's row, as a comparison of a left value with the
     * shifted clock when it compares the clock's time minus a left value ({@code $right - ts}) with an interval
     * constant; else {@code conjunct} itself.
     */
    public static RexNode asShiftedClock(RexNode conjunct, int leftWidth, RexBuilder rex) {
        if (!(conjunct instanceof RexCall cmp) || cmp.getOperands().size() != 2) return conjunct;
        SqlKind kind = cmp.getKind();
        RexNode difference = cmp.getOperands().get(0);
        Long span = spanMicros(cmp.getOperands().get(1));
        if (span == null) { // c > now - ts: read as now - ts < c
            difference = cmp.getOperands().get(1);
            span = spanMicros(cmp.getOperands().get(0));
            kind = kind.reverse();
        }
        RexCall minus = timestampMinus(difference);
        if (span == null || minus == null || Math.abs(span) > MAX_SPAN_MICROS) return conjunct;
        RexNode clock = minus.getOperands().get(0);
        RexNode time = minus.getOperands().get(1);
        ImmutableBitSet read = RelOptUtil.InputFinder.bits(time);
        if (!(clock instanceof RexInputRef ref) || ref.getIndex() < leftWidth) return conjunct;
        if (read.isEmpty() || read.nextSetBit(leftWidth) >= 0) return conjunct;
        // now - ts < c  <=>  ts > now - c: the comparison the other way round, of the row's time.
        SqlKind shiftedKind =
                switch (kind) {
                    case LESS_THAN -> SqlKind.GREATER_THAN;
                    case LESS_THAN_OR_EQUAL -> SqlKind.GREATER_THAN_OR_EQUAL;
                    case GREATER_THAN -> SqlKind.LESS_THAN;
                    case GREATER_THAN_OR_EQUAL -> SqlKind.LESS_THAN_OR_EQUAL;
                    default -> null;
                };
        if (shiftedKind == null) return conjunct;
        RexNode shift = rex.makeCall(
                DateTimes.INTERVAL,
                rex.makeExactLiteral(BigDecimal.ZERO),
                rex.makeExactLiteral(BigDecimal.ZERO),
                rex.makeExactLiteral(BigDecimal.valueOf(span)));
        RexNode shifted = rex.makeCall(clock.getType(), SqlStdOperatorTable.MINUS, List.of(clock, shift));
        return rex.makeCall(operator(shiftedKind), time, shifted);
    }

    private static org.apache.calcite.sql.SqlOperator operator(SqlKind kind) {
        return switch (kind) {
            case GREATER_THAN -> SqlStdOperatorTable.GREATER_THAN;
            case GREATER_THAN_OR_EQUAL -> SqlStdOperatorTable.GREATER_THAN_OR_EQUAL;
            case LESS_THAN -> SqlStdOperatorTable.LESS_THAN;
            default -> SqlStdOperatorTable.LESS_THAN_OR_EQUAL;
        };
    }

    /** The timestamp difference {@code a - b} as the planner writes it (PG_TIMESTAMP_MI(a, b) - INTERVAL '0'), or null. */
    private static RexCall timestampMinus(RexNode e) {
        if (e instanceof RexCall zeroed
                && zeroed.getKind() == SqlKind.MINUS
                && Long.valueOf(0).equals(spanMicros(zeroed.getOperands().get(1)))) {
            e = zeroed.getOperands().get(0);
        }
        return e instanceof RexCall mi && mi.getOperator() == DateTimes.TIMESTAMP_MI ? mi : null;
    }

    /** The span of an interval constant in microseconds (a month 30 days, a day 24 hours), or null. */
    private static Long spanMicros(RexNode e) {
        if (!(e instanceof RexCall c)
                || c.getOperator() != DateTimes.INTERVAL
                || c.getOperands().size() != 3) {
            return null;
        }
        List<RexNode> parts = c.getOperands();
        long[] v = new long[3];
        for (int i = 0; i < 3; i++) {
            if (!(parts.get(i) instanceof RexLiteral l) || l.getValueAs(BigDecimal.class) == null) return null;
            v[i] = l.getValueAs(BigDecimal.class).longValueExact();
        }
        return (v[0] * 30 + v[1]) * 86_400_000_000L + v[2];
    }
}
