package io.shardview.circuit.operator;

/**
 * The frame of a window function: the rows of its partition, around the current row, that an aggregate or a
 * FIRST_VALUE, LAST_VALUE or NTH_VALUE reads. {@code ROWS} counts rows from the current one; {@code RANGE} takes the
 * current row's peers, the rows equal to it in ORDER BY, as its CURRENT ROW, and measures {@code n PRECEDING} and
 * {@code n FOLLOWING} in the values of its one ORDER BY column (a number, or a date or timestamp with an interval as
 * n): the rows whose value is within n of the current row's, or, for a row whose value is NULL, its peers
 * (PostgreSQL's rules).
 *
 * @param rows ROWS (true) or RANGE (false)
 * @param start where the frame starts
 * @param end where it ends
 * @param orderColumn RANGE with an offset: the input column of the ORDER BY (-1 otherwise)
 * @param descending RANGE with an offset: whether that ORDER BY is descending
 */
public record WindowFrame(boolean rows, Bound start, Bound end, int orderColumn, boolean descending) {
    public WindowFrame(boolean rows, Bound start, Bound end) {
        this(rows, start, end, -1, false);
    }

    /** Where a frame starts or ends, as SQL says it. */
    public enum Edge {
        UNBOUNDED_PRECEDING,
        PRECEDING,
        CURRENT_ROW,
        FOLLOWING,
        UNBOUNDED_FOLLOWING
    }

    /**
     * An edge with its number of rows (PRECEDING and FOLLOWING of ROWS), or its distance in the ORDER BY column's
     * values (PRECEDING and FOLLOWING of RANGE, {@code amount}: a BigDecimal for a number column, a PgInterval for a
     * date or timestamp column).
     */
    public record Bound(Edge edge, long offset, Object amount) {
        public static final Bound UNBOUNDED_PRECEDING = new Bound(Edge.UNBOUNDED_PRECEDING, 0, null);
        public static final Bound CURRENT_ROW = new Bound(Edge.CURRENT_ROW, 0, null);
        public static final Bound UNBOUNDED_FOLLOWING = new Bound(Edge.UNBOUNDED_FOLLOWING, 0, null);

        public static Bound preceding(long rows) {
            return new Bound(Edge.PRECEDING, rows, null);
        }

        public static Bound following(long rows) {
            return new Bound(Edge.FOLLOWING, rows, null);
        }

        /** {@code amount PRECEDING} or {@code amount FOLLOWING} of a RANGE frame. */
        public static Bound range(boolean preceding, Object amount) {
            return new Bound(preceding ? Edge.PRECEDING : Edge.FOLLOWING, 0, amount);
        }

        /** The row this bound names for the row at {@code index}, before clamping to the partition. */
        private long at(int index, int peersFirst, int peersLast, boolean rows, boolean isStart, int size) {
            return switch (edge) {
                case UNBOUNDED_PRECEDING -> 0;
                case PRECEDING -> index - offset;
                case CURRENT_ROW -> rows ? index : isStart ? peersFirst : peersLast;
                case FOLLOWING -> index + offset;
                case UNBOUNDED_FOLLOWING -> size - 1;
            };
        }

        /** How many rows away from the current row this bound is, or -1 for the partition's edge or the peers. */
        private long reach(boolean rows) {
            return switch (edge) {
                case PRECEDING, FOLLOWING -> amount == null ? offset : -1; // RANGE: as far as the values go
                case CURRENT_ROW -> rows ? 0 : -1;
                default -> -1;
            };
        }
    }

    /** From the partition's first row to the current row and its peers: the default frame with ORDER BY. */
    public static final WindowFrame TO_PEERS = new WindowFrame(false, Bound.UNBOUNDED_PRECEDING, Bound.CURRENT_ROW);

    /** From the partition's first row to the current row. */
    public static final WindowFrame TO_ROW = new WindowFrame(true, Bound.UNBOUNDED_PRECEDING, Bound.CURRENT_ROW);

    /** The whole partition. */
    public static final WindowFrame WHOLE = new WindowFrame(true, Bound.UNBOUNDED_PRECEDING, Bound.UNBOUNDED_FOLLOWING);

    /** The first row of the frame of the row at {@code index} of {@code rows}, at least 0 (the frame may be empty). */
    int first(Ordered rows, int index) {
        long at = start.amount() != null
                ? rows.rangeBound(this, start, true, index)
                : start.at(index, rows.firstPeer(index), rows.lastPeer(index), this.rows, true, rows.size());
        return (int) Math.max(0, Math.min(at, rows.size()));
    }

    /** The last row of the frame, at most the partition's last (below {@link #first} when the frame is empty). */
    int last(Ordered rows, int index) {
        long at = end.amount() != null
                ? rows.rangeBound(this, end, false, index)
                : end.at(index, rows.firstPeer(index), rows.lastPeer(index), this.rows, false, rows.size());
        return (int) Math.min(rows.size() - 1, Math.max(at, -1));
    }

    /**
     * How many rows before or after the current one the frame may reach, when it is bounded both ways by rows; -1 when
     * it reaches the partition's edge or the current row's peers, so that a change anywhere in the partition may change
     * it.
     */
    long reach() {
        long before = start.reach(rows);
        long after = end.reach(rows);
        return before < 0 || after < 0 ? -1 : Math.max(before, after);
    }

    /** Rows in order, each copy on its own, and where each copy's peers begin and end. */
    interface Ordered {
        int size();

        int firstPeer(int index);

        int lastPeer(int index);

        /** Where a RANGE bound with an offset ({@code bound} of {@code frame}) puts the frame of the row at index. */
        int rangeBound(WindowFrame frame, Bound bound, boolean isStart, int index);
    }
}
