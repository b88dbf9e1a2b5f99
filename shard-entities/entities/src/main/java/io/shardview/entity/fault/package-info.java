/**
 * Bugs contained, not fatal: every contained failure is logged once under a request id and counted
 * ({@link io.shardview.entity.fault.InternalErrors}), reported to the caller as an
 * {@link io.shardview.entity.fault.InternalFailure}; {@link io.shardview.entity.fault.FailPoints} lets tests inject
 * them.
 */
package io.shardview.entity.fault;
