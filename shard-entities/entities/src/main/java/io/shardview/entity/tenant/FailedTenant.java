package io.shardview.entity.tenant;

import io.shardview.entity.tenant.TenantProtocol.Command;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A tenant's entity once its recovery has failed at one event as often as {@code max-recovery-failures} allows
 * ({@link FailedTenants}): it does not recover again, it answers every request 503 {@code entity_failed} naming the
 * event, and stops when sharding stops it (passivation frees it, and the next request finds it failed still).
 */
final class FailedTenant {
    private FailedTenant() {}

    static Behavior<Command> behavior(FailedTenants.Failure failure) {
        TenantProtocol.Refused refused = TenantProtocol.Refused.entityFailed(failure);
        return Behaviors.setup(actor -> Behaviors.receiveMessage(command -> {
            if (command instanceof TenantProtocol.Stop) return Behaviors.stopped();
            Command write = command instanceof TenantProtocol.Forwarded forwarded ? forwarded.write() : command;
            TenantContext.answerFailed(actor.getSystem(), write, refused);
            return Behaviors.same();
        }));
    }
}
