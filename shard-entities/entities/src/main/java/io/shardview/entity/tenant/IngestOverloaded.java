package io.shardview.entity.tenant;

/**
 * A tenant's ingest queue on this node is full, or its oldest batch has waited too long ({@link TenantIngress}):
 * nothing of the batch was applied, and it may be sent again later (429 with Retry-After).
 */
public final class IngestOverloaded extends RuntimeException {
    IngestOverloaded(String message) {
        super(message, null, false, false);
    }
}
