package io.shardview.circuit.snapshot;

import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.ZSetImage;
import io.shardview.circuit.operator.StateImage;
import io.shardview.circuit.table.TableImage;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;

/**
 * A circuit's state frozen at one version, to be written as a snapshot on another thread while the
 * circuit keeps changing. Taking it (see {@link io.shardview.circuit.Circuit#image()}) copies references only: packed table
 * rows, {@link Row}s and weights are immutable, so the image shares them with the live circuit and is
 * never changed by later batches. Table images cost one array copy; view contents, DISTINCT, top-k
 * and join indexes one pass over their entries. Aggregate state is still encoded when the image is
 * taken (its accumulators change in place); filter/project views have no state.
 */
public final class CircuitImage {
    /**
     * A view's definition, the SQL revision it was created under, its content and operator state: each operator's
     * ({@code operatorState}, as snapshots before SVC14 hold it) or, in {@code sharedState}, each operator's after a
     * flag, the flag alone for one an earlier view holds too (SVC14, see {@link
     * io.shardview.circuit.compiler.Dataflow#stateImages}); {@code plan}: its plan as text, or null (SVC15, found
     * when the image is written, on the writer's thread).
     */
    public record ViewImage(
            String name,
            String sql,
            int revision,
            ZSetImage content,
            StateImage operatorState,
            StateImage sharedState,
            java.util.function.Supplier<String> plan) {
        /** A view image without its plan's text (a restore plans the view). */
        public ViewImage(
                String name,
                String sql,
                int revision,
                ZSetImage content,
                StateImage operatorState,
                StateImage sharedState) {
            this(name, sql, revision, content, operatorState, sharedState, () -> null);
        }

        /**
         * A view image of one form, for tests writing the snapshot of an older engine, whose views are evaluated
         * afresh (their state is skipped, not read).
         */
        public ViewImage(String name, String sql, int revision, ZSetImage content, StateImage operatorState) {
            this(name, sql, revision, content, operatorState, operatorState, () -> null);
        }
    }

    public final long version;
    public final List<TableImage> tables;
    public final List<ViewImage> views;
    /**
     * What the views' plans as text are valid for (SVC15): {@link io.shardview.circuit.Circuit#PLAN_TEXT_KEY} of the
     * engine that took the image, whose planner made them.
     */
    public final int planTextKey;

    public CircuitImage(long version, List<TableImage> tables, List<ViewImage> views, int planTextKey) {
        this.version = version;
        this.tables = tables;
        this.views = views;
        this.planTextKey = planTextKey;
    }

    /** An image whose views' plans as text a restore does not use (tests writing older snapshots). */
    public CircuitImage(long version, List<TableImage> tables, List<ViewImage> views) {
        this(version, tables, views, -1);
    }

    /** The version the image was taken at. */
    public long version() {
        return version;
    }

    /** Writes the image in the snapshot format that {@link io.shardview.circuit.Circuit#readSnapshot} reads. Any thread. */
    public void write(DataOutput out) throws IOException {
        CircuitSnapshot.write(out, this);
    }
}
