package io.shardview.circuit.budget;

/**
 * How much of a node one tenant's circuit may use. State is what the circuit holds between requests (table rows,
 * view rows, operator state entries, and their estimated bytes); work is what one request makes its operators
 * produce (the rows of every operator's output, a join's counted as they are produced), which bounds its memory
 * and time however its plan multiplies rows. Views and ops bound a tenant's catalog and one batch.
 *
 * <p>A request that would pass a budget stops as soon as it passes it and changes nothing.
 */
public record Budgets(long maxStateRows, long maxStateBytes, long maxRowsPerRequest, int maxViews, int maxBatchOps) {

    /** No limit at all: how recovery replays what was once accepted. */
    public static final Budgets UNLIMITED =
            new Budgets(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE);

    /** The names budgets have in configuration, replies and errors, in this order. */
    public static final String STATE_ROWS = "max-state-rows";

    public static final String STATE_BYTES = "max-state-bytes";
    public static final String ROWS_PER_REQUEST = "max-rows-per-request";
    public static final String VIEWS = "max-views";
    public static final String BATCH_OPS = "max-batch-ops";

    public Budgets {
        if (maxStateRows < 1 || maxStateBytes < 1 || maxRowsPerRequest < 1 || maxViews < 0 || maxBatchOps < 1) {
            throw new IllegalArgumentException("budgets must be positive: " + this);
        }
    }

    /** The value of the budget named {@code name} (one of the names above). */
    public long get(String name) {
        return switch (name) {
            case STATE_ROWS -> maxStateRows;
            case STATE_BYTES -> maxStateBytes;
            case ROWS_PER_REQUEST -> maxRowsPerRequest;
            case VIEWS -> maxViews;
            case BATCH_OPS -> maxBatchOps;
            default -> throw new IllegalArgumentException("no budget named " + name);
        };
    }

    /**
     * These budgets with some replaced, by name (a tenant's overrides of the node's defaults).
     *
     * @throws IllegalArgumentException naming the first unknown name or a value out of range
     */
    public Budgets with(java.util.Map<String, Long> overrides) {
        long[] v = {maxStateRows, maxStateBytes, maxRowsPerRequest, maxViews, maxBatchOps};
        for (var e : overrides.entrySet()) {
            int i = NAMES.indexOf(e.getKey());
            if (i < 0) {
                throw new IllegalArgumentException(
                        "unknown budget \"" + e.getKey() + "\"; budgets are " + String.join(", ", NAMES));
            }
            long value = e.getValue();
            long max = i >= 3 ? Integer.MAX_VALUE : Long.MAX_VALUE;
            long min = e.getKey().equals(VIEWS) ? 0 : 1;
            if (value < min || value > max) {
                throw new IllegalArgumentException(
                        "budget " + e.getKey() + " must be between " + min + " and " + max + ", got " + value);
            }
            v[i] = value;
        }
        return new Budgets(v[0], v[1], v[2], (int) v[3], (int) v[4]);
    }

    /** Every budget's name, in a stable order. */
    public static final java.util.List<String> NAMES =
            java.util.List.of(STATE_ROWS, STATE_BYTES, ROWS_PER_REQUEST, VIEWS, BATCH_OPS);
}
