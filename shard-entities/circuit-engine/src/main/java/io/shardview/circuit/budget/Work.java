package io.shardview.circuit.budget;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The meter of one request (a batch, a view's filling, a query): counts the rows its operators produce and the
 * state it adds, and stops it with {@link BudgetExceeded} as soon as either passes its budget. Shared by the
 * views of one batch, which may step in parallel.
 *
 * <p>Operators report their output after each step ({@link #produced}); an operator whose output may be far
 * larger than its inputs (a join) also checks as it builds it ({@link #check}), so a plan that multiplies rows
 * stops at the budget instead of filling memory first.
 */
public final class Work {
    /** A meter that never stops anything (recovery, tests of operators alone). */
    public static Work unlimited() {
        return new Work(Budgets.UNLIMITED, 0, 0);
    }

    private final long maxRows;
    private final long stateRowsLeft;
    private final long stateBytesLeft;
    private final long stateRowsBefore;
    private final long stateBytesBefore;
    private final Budgets budgets;
    private final AtomicLong produced = new AtomicLong();
    private final AtomicLong stateRows = new AtomicLong();
    private final AtomicLong stateBytes = new AtomicLong();

    /** A meter for one request over a circuit that holds {@code stateRows} rows of {@code stateBytes} bytes. */
    public Work(Budgets budgets, long stateRows, long stateBytes) {
        this.budgets = budgets;
        this.maxRows = budgets.maxRowsPerRequest();
        this.stateRowsBefore = stateRows;
        this.stateBytesBefore = stateBytes;
        this.stateRowsLeft = budgets.maxStateRows() - stateRows;
        this.stateBytesLeft = budgets.maxStateBytes() - stateBytes;
    }

    /** An operator produced {@code rows} output rows. */
    public void produced(long rows) {
        long total = produced.addAndGet(rows);
        if (total > maxRows) throw rowsExceeded(total);
    }

    /**
     * An operator is building an output of {@code pending} rows not yet reported: fails when they would pass the
     * budget. Cheap enough for an inner loop's every 1024th row.
     */
    public void check(long pending) {
        long total = produced.get() + pending;
        if (total > maxRows) throw rowsExceeded(total);
    }

    /** {@link #check} at every 1024th row of an output growing one row at a time. */
    public void checkEvery(long pending) {
        if ((pending & 1023) == 0) check(pending);
    }

    private BudgetExceeded rowsExceeded(long total) {
        return new BudgetExceeded(
                Budgets.ROWS_PER_REQUEST,
                maxRows,
                total,
                "the request made its operators produce more than " + maxRows + " rows (" + Budgets.ROWS_PER_REQUEST
                        + " = " + maxRows + "); stopped at " + total);
    }

    /** The request adds {@code rows} rows of {@code bytes} estimated bytes to the state (negative: removes). */
    public void stateGrew(long rows, long bytes) {
        long r = stateRows.addAndGet(rows);
        long b = stateBytes.addAndGet(bytes);
        if (r > stateRowsLeft) throw stateExceeded(Budgets.STATE_ROWS, stateRowsBefore + r, "");
        if (b > stateBytesLeft) throw stateExceeded(Budgets.STATE_BYTES, stateBytesBefore + b, "about ");
    }

    private BudgetExceeded stateExceeded(String budget, long reached, String about) {
        long limit = budgets.get(budget);
        String unit = budget.equals(Budgets.STATE_ROWS) ? " rows" : " bytes";
        return new BudgetExceeded(
                budget,
                limit,
                reached,
                "the tenant's state would hold " + about + reached + unit + ", more than " + budget + " = " + limit);
    }

    /** Whether a budget may stop this request: when not, the callers need not count what it adds. */
    public boolean metered() {
        return budgets != Budgets.UNLIMITED;
    }

    /** Rows produced so far. */
    public long producedRows() {
        return produced.get();
    }
}
