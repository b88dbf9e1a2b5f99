package io.shardview.circuit.batch;

/** The result of validating a batch: ready to apply, or the rejection of its first bad op. */
public sealed interface BatchValidation permits ValidatedBatch, BatchOutcome.Rejected {}
