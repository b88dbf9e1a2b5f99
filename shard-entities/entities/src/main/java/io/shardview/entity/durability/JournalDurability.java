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

    /**
     * How a journal that acknowledges writes before they are durable waits for them: {@code afterAcknowledgedWrites}
     * completes once every write it acknowledged before the call is durable (it may hand out a sync asked for
     * earlier, after the last such write), {@code nextSync} once a sync that starts after the call has ended (which
     * covers whatever the journal wrote before, acknowledged or not).
     */
    public record Syncs(
            Supplier<CompletableFuture<Void>> afterAcknowledgedWrites, Supplier<CompletableFuture<Void>> nextSync) {}

    private volatile Syncs syncs;

    private JournalDurability() {}

    /** This node's. */
    public static JournalDurability get(ActorSystem<?> system) {
        return ID.apply(system);
    }

    /**
     * The journal's ways to wait (null: its writes are durable when acknowledged). Set by the journal when it starts;
     * returns the ones it replaces.
     */
    public Syncs syncWith(Syncs syncs) {
        Syncs before = this.syncs;
        this.syncs = syncs;
        return before;
    }

    /**
     * Completes once everything the journal acknowledged before this call is durable; fails if the sync that would
     * make it durable failed.
     */
    public CompletableFuture<Void> afterAcknowledgedWrites() {
        Syncs current = syncs;
        return current == null ? DONE : current.afterAcknowledgedWrites().get();
    }

    /**
     * Completes once everything the journal wrote before this call is durable, acknowledged or not (a recovery may
     * replay events whose writes were never acknowledged, their sync having failed or outlived the write's timeout);
     * fails if that sync failed.
     */
    public CompletableFuture<Void> afterEverythingWritten() {
        Syncs current = syncs;
        return current == null ? DONE : current.nextSync().get();
    }
}
