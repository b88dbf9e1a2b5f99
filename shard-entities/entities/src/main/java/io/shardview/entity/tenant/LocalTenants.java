package io.shardview.entity.tenant;

import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The tenants whose entity runs on this node, from its recovery to its stop, each with its entity's
 * {@link IngestInbox}: a batch for one of them goes straight into the inbox ({@link TenantIngress}), and any other
 * command goes through sharding whole, however large, since it never crosses a remoting frame ({@link TenantAsk});
 * cutting a 10,000-row batch into parts and making it whole again in the entity serialized and parsed it once more
 * for nothing. A tenant that moves away between the check and the delivery is asked again by its sender, as for any
 * message lost with a moving entity: the sender's attempt times out (a closed inbox refuses at once instead).
 */
final class LocalTenants implements Extension {
    /** The running tenants, each with its entity incarnation's inbox (whose stop alone removes it). */
    private final ConcurrentHashMap<String, IngestInbox> running = new ConcurrentHashMap<>();

    private static final ExtensionId<LocalTenants> ID = new ExtensionId<>() {
        @Override
        public LocalTenants createExtension(ActorSystem<?> system) {
            return new LocalTenants();
        }
    };

    static LocalTenants get(ActorSystem<?> system) {
        return ID.apply(system);
    }

    void running(String tenant, IngestInbox incarnation) {
        running.put(tenant, incarnation);
    }

    void stopped(String tenant, IngestInbox incarnation) {
        running.remove(tenant, incarnation);
    }

    /** The inbox of the tenant's entity running on this node, or null (it may be closed: see {@link IngestInbox}). */
    IngestInbox inbox(String tenant) {
        return running.get(tenant);
    }

    /** Whether the tenant's entity runs on this node now. */
    boolean runsHere(String tenant) {
        return running.containsKey(tenant);
    }
}
