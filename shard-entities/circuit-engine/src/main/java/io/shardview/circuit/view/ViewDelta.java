package io.shardview.circuit.view;

import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.ZSet;
import java.util.List;

/**
 * What one batch changed in one view: rows gained and lost (each with its positive copy count), and
 * the view's content hash afterwards.
 */
public record ViewDelta(List<WeightedRow> inserted, List<WeightedRow> deleted, String hashAfter) {

    /** A row with a positive number of copies. */
    public record WeightedRow(Row row, long copies) {}

    public long insertedCount() {
        return inserted.stream().mapToLong(WeightedRow::copies).sum();
    }

    public long deletedCount() {
        return deleted.stream().mapToLong(WeightedRow::copies).sum();
    }

    static ViewDelta of(ZSet delta, String hashAfter) {
        List<WeightedRow> ins = new java.util.ArrayList<>();
        List<WeightedRow> del = new java.util.ArrayList<>();
        delta.forEach((r, w) -> (w > 0 ? ins : del).add(new WeightedRow(r, Math.abs(w))));
        return new ViewDelta(ins, del, hashAfter);
    }
}
