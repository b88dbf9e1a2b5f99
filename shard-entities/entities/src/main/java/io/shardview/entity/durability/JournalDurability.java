package io.shardview.entity.durability;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * When what the node's journal has acknowledged is durable. A journal that acknowledges events
 * {@link AcknowledgedWhenWritten written} before they are durable (the embedded LevelDB journal with group commit)
 * registers how to wait for its next sync; without one, whatever the journal acknowledged is durable already.
 */
public final class JournalDurability implements Extension {
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private static final ExtensionId<JournalDurability> ID = new ExtensionId<>() {
        @Override
        public JournalDurability createExtension(ActorSystem<?> system) {
            return new JournalDurability();
        }
    };

    private volatile Supplier<CompletableFuture<Void>> nextSync;

    private JournalDurability() {}

    /** This node's. */
    public static JournalDurability get(ActorSystem<?> system) {
        return ID.apply(system);
    }

    /**
     * The journal's way to wait for a sync that starts after the call (null: its writes are durable when
     * acknowledged). Set by the journal when it starts; returns the one it replaces.
     */
    public Supplier<CompletableFuture<Void>> syncWith(Supplier<CompletableFuture<Void>> nextSync) {
        Supplier<CompletableFuture<Void>> before = this.nextSync;
        this.nextSync = nextSync;
        return before;
    }

    /**
     * Completes once everything the journal acknowledged before this call is durable; fails if the sync that would
     * make it durable failed.
     */
    public CompletableFuture<Void> afterAcknowledgedWrites() {
        Supplier<CompletableFuture<Void>> sync = nextSync;
        return sync == null ? DONE : sync.get();
    }
}
