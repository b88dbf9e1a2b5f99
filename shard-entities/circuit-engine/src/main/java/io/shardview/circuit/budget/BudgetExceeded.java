package io.shardview.circuit.budget;

/**
 * A request passed one of its tenant's {@link Budgets}; it stopped there and changed nothing. Says which budget,
 * its value, and how far the request got: the amount it reached when it stopped (rows produced, state it would
 * hold), which is just past the limit since the request stops as soon as it passes it.
 */
public final class BudgetExceeded extends RuntimeException {
    private final String budget;
    private final long limit;
    private final long reached;

    public BudgetExceeded(String budget, long limit, long reached, String what) {
        super(what, null, false, false);
        this.budget = budget;
        this.limit = limit;
        this.reached = reached;
    }

    /** The budget's name, as in {@link Budgets#NAMES}. */
    public String budget() {
        return budget;
    }

    public long limit() {
        return limit;
    }

    /** How far the request got when it stopped. */
    public long reached() {
        return reached;
    }

    /** What a client is told of it: see {@link #details(String, long, long)}. */
    public java.util.Map<String, Object> details() {
        return details(budget, limit, reached);
    }

    /**
     * What a client is told of a passed budget, as of every limit: its name ({@code limit}), its value ({@code max}),
     * and how far the request got ({@code reached}).
     */
    public static java.util.Map<String, Object> details(String budget, long limit, long reached) {
        return java.util.Map.of("limit", budget, "max", limit, "reached", reached);
    }
}
