package io.shardview.entity.tenant;

/**
 * Thrown after a contained failure was answered: the tenant entity's in-memory state is suspect, so it restarts from
 * its journal ({@link TenantCircuit#behavior}).
 */
final class EntityFailed extends RuntimeException {
    EntityFailed(String incident, Throwable cause) {
        super("tenant entity failed (incident " + incident + ")", cause);
    }
}
