package io.shardview.entity.tenant;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The tenants of this node whose latest snapshot could not be restored: each of them recovers from its events alone
 * from then on (until the node restarts, or the tenant writes a new snapshot that restores), instead of failing at
 * every start. Kept per node, since an entity's next incarnation must know what its previous one met.
 */
final class DamagedSnapshots implements Extension {
    private final Set<String> tenants = ConcurrentHashMap.newKeySet();

    private static final ExtensionId<DamagedSnapshots> ID = new ExtensionId<>() {
        @Override
        public DamagedSnapshots createExtension(ActorSystem<?> system) {
            return new DamagedSnapshots();
        }
    };

    static DamagedSnapshots get(ActorSystem<?> system) {
        return ID.apply(system);
    }

    /** Records the tenant's snapshot as damaged; false when it was already. */
    boolean record(String tenant) {
        return tenants.add(tenant);
    }

    /** Whether the tenant recovers from its events alone. */
    boolean damaged(String tenant) {
        return tenants.contains(tenant);
    }

    /** A snapshot of the tenant was written and restores again: it may be used. */
    void repaired(String tenant) {
        tenants.remove(tenant);
    }
}
