package io.shardview.metrics.chunk;

/** How a block of residuals is to be written ({@link RiceBlock} or {@link PackedBlock}), and the bits it will take. */
sealed interface BlockPlan permits RiceBlock.Plan, PackedBlock.Plan {
    /** The bits the block takes. */
    long bits();

    /** Writes {@code z[0..n)}, the values this plan was made for. */
    void write(BitWriter w, long[] z, int n);
}
