package io.shardview.circuit.batch;

import io.shardview.circuit.error.RejectionKind;
import io.shardview.circuit.view.ViewDelta;
import java.util.Map;

/** The result of applying (or validating) a batch: accepted with per-view deltas, or rejected. */
public sealed interface BatchOutcome {

    /** The batch was applied: the new circuit version and the delta of every view that changed. */
    record Accepted(long version, int ops, Map<String, ViewDelta> views) implements BatchOutcome {}

    /**
     * Nothing was applied: the batch is valid, but evaluating a view on its data raised an SQL runtime
     * error (as PostgreSQL would fail the statement); the view and the problem, e.g. "division by zero".
     */
    record Failed(String view, String problem) implements BatchOutcome {
        public String message() {
            return "view " + view + ": " + problem;
        }
    }

    /**
     * Nothing was applied: the batch would pass one of the tenant's budgets ({@link
     * io.shardview.circuit.budget.Budgets}); which, its value, how far the batch got, and the view being stepped
     * when it stopped (null when it stopped before any view: the batch's size, or the tables' state).
     */
    record OverBudget(String view, String budget, long limit, long reached, String problem) implements BatchOutcome {
        public String message() {
            return view == null ? problem : "view " + view + ": " + problem;
        }

        /** The budget's details as a client is told them, and the view when there is one. */
        public java.util.Map<String, Object> details() {
            java.util.Map<String, Object> details = new java.util.LinkedHashMap<>(
                    io.shardview.circuit.budget.BudgetExceeded.details(budget, limit, reached));
            if (view != null) details.put("view", view);
            return details;
        }
    }

    /** Nothing was applied: the first bad op, why, and a one-sentence message. */
    record Rejected(int index, RejectionKind kind, String message) implements BatchOutcome, BatchValidation {}
}
