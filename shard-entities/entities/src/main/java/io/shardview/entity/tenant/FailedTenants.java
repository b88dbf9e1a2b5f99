package io.shardview.entity.tenant;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The tenants of this node whose recovery keeps failing at the same event (a poison event: one the handler cannot
 * apply, or bytes the journal cannot decode). Each failure is counted; at {@code max-recovery-failures} in a row at
 * one sequence number the tenant is failed: its next incarnations do not recover again (each would replay the whole
 * journal to fail at the same place) but answer every request 503 {@code entity_failed} naming the event, until the
 * node restarts, which an operator does after mending the journal ({@code shardview journal dump}, {@code journal
 * skip}, {@code journal truncate}, or restoring the tenant). Every other tenant goes on. Kept per node, as {@link DamagedSnapshots} is.
 */
public final class FailedTenants implements Extension {
    /**
     * Where a tenant's recovery failed, how often in a row, and why: the event at {@code sequenceNr} could not be
     * applied, or ({@code unread}) the journal failed to deliver the events from {@code sequenceNr} on (a damaged
     * event among them, which {@code shardview journal verify} names).
     */
    public record Failure(String tenant, long sequenceNr, boolean unread, String error, int times) {}

    private final Map<String, Failure> failures = new ConcurrentHashMap<>();

    private static final ExtensionId<FailedTenants> ID = new ExtensionId<>() {
        @Override
        public FailedTenants createExtension(ActorSystem<?> system) {
            return new FailedTenants();
        }
    };

    public static FailedTenants get(ActorSystem<?> system) {
        return ID.apply(system);
    }

    /**
     * The tenant's recovery failed at event {@code sequenceNr} (or reading from it on) with {@code error}: counted with the failures before it
     * at the same event (one at another event starts the count again). Returns the failure as it now stands.
     */
    Failure recoveryFailed(String tenant, long sequenceNr, boolean unread, String error) {
        return failures.merge(
                tenant,
                new Failure(tenant, sequenceNr, unread, error, 1),
                (before, now) -> before.sequenceNr() == sequenceNr
                        ? new Failure(tenant, sequenceNr, unread, error, before.times() + 1)
                        : now);
    }

    /** The tenant recovered: what failed before (a journal that was briefly unreachable) is forgotten. */
    void recovered(String tenant) {
        failures.remove(tenant);
    }

    /** The tenant's failure when it has failed {@code maxFailures} times in a row at one event, else null. */
    Failure failed(String tenant, int maxFailures) {
        Failure failure = failures.get(tenant);
        return failure != null && failure.times() >= maxFailures ? failure : null;
    }

    /** The tenants failed for good ({@code maxFailures} times at one event), for the node's metrics. */
    public List<Failure> failed(int maxFailures) {
        return failures.values().stream().filter(f -> f.times() >= maxFailures).toList();
    }
}
