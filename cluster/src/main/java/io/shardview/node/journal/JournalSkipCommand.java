package io.shardview.node.journal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.shardview.entity.tenant.TenantEvent;
import io.shardview.entity.tenant.TenantReplay;
import io.shardview.entity.tenant.TenantSettings;
import io.shardview.http.Json;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.stream.javadsl.Sink;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code shardview journal skip}: an operator's decision to go past one event of a tenant that its recovery cannot
 * apply (a poison event), journaled in the event's place ({@link TenantEvent.Skipped}, which keeps the event's bytes so
 * {@code --undo} can put it back); a plan unless --execute. Then it replays the tenant from its events and says where
 * the replay now ends, or which event stops it next.
 */
@Command(
        name = "skip",
        mixinStandardHelpOptions = true,
        usageHelpWidth = 100,
        description = {
            "Skip one event of a tenant that its recovery cannot get past (a poison event: the 503 entity_failed"
                    + " answer, the node's log and `journal verify` name it). The event is replaced, at its sequence"
                    + " number, by a journaled operator decision that keeps its bytes: recovery moves the tenant's"
                    + " version past it without a change and applies each later batch to the tables as they are"
                    + " without it (a key the batch sets is set, a key it removes is removed if there, a table that"
                    + " does not exist is left out). The tenant's snapshots from the event on are deleted. The node"
                    + " must be stopped (a cluster: every node that may hold the tenant). Without --execute it only"
                    + " prints the plan.",
            "--undo puts a skipped event back as it was."
        },
        footer = {
            "",
            "Exit status: 0 when planned, or done and the tenant replays to its end; 1 otherwise; 2 on bad"
                    + " arguments."
        })
final class JournalSkipCommand implements Callable<Integer> {
    @Mixin
    JournalOptions options;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TENANT", description = "The tenant's name (or its persistence id).")
    String tenant;

    @Option(names = "--event", required = true, paramLabel = "N", description = "The event's sequence number.")
    long sequenceNr;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, kept with the decision.")
    String reason;

    @Option(names = "--undo", description = "Put the skipped event at N back as it was.")
    boolean undo;

    @Option(names = "--execute", description = "Do it; without it the plan is printed and nothing changes.")
    boolean execute;

    /** An event as read: decoded (the event, and on LevelDB its envelope), or why it cannot be. */
    private record Decoded(Object event, PersistentRepr envelope, String error) {}

    /** What --execute does to the event: what it stores in its place, in the plan's words. */
    private record Change(StoredEvents.Stored replacement, String plan) {}

    /** Why nothing can be done: said as it is, exit 1, nothing changed. */
    private static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    @Override
    public Integer call() {
        String persistenceId = JournalOptions.persistenceId(tenant);
        if (!persistenceId.startsWith("tenant|")) {
            err().println("shardview: skip works on a tenant's events; for " + persistenceId
                    + " see `shardview journal truncate --after`");
            return 2;
        }
        if (sequenceNr < 1) {
            err().println("shardview: --event must be a sequence number, 1 or more");
            return 2;
        }
        ActorSystem<Void> system = null;
        try {
            Config config = options.load();
            system = JournalStore.serializationOnly(config);
            Serialization serialization = SerializationExtension.get(Adapter.toClassic(system));
            String plan;
            try (StoredEvents events = StoredEvents.open(config, persistenceId)) {
                StoredEvents.Stored stored = events.read(sequenceNr)
                        .orElseThrow(() -> new Refused(persistenceId + " has no event " + sequenceNr));
                Decoded current = decode(serialization, stored);
                StoredEvents.Range range = events.range();
                Change change = undo
                        ? undoChange(events, persistenceId, current, range)
                        : skipChange(serialization, events, persistenceId, stored, current, range);
                plan = change.plan();
                List<Long> snapshots = events.snapshotsFrom(sequenceNr, false);
                if (!snapshots.isEmpty()) {
                    requireEventsBefore(events, range);
                    plan += "; delete its snapshots from " + sequenceNr + " on " + snapshots;
                }
                if (!execute) {
                    report(plan, null);
                    return 0;
                }
                // Snapshots first: stopped between the two, the tenant keeps the event as it was (recovery meets it
                // again, and so does the command run again), never a snapshot holding an event replaced after it.
                events.snapshotsFrom(sequenceNr, true);
                events.replace(change.replacement());
            }
            system.terminate();
            system = null;
            String replay = replayAfter(persistenceId);
            report(plan, replay);
            return replay.startsWith("the tenant replays") ? 0 : 1;
        } catch (Refused | ConfigException | JournalStore.Unavailable e) {
            err().println("shardview: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            err().println("shardview: skip failed: " + e.getMessage());
            return 1;
        } finally {
            if (system != null) system.terminate();
        }
    }

    /** The event replaced by a journaled skip that keeps its bytes. */
    private Change skipChange(
            Serialization serialization,
            StoredEvents events,
            String persistenceId,
            StoredEvents.Stored stored,
            Decoded current,
            StoredEvents.Range range)
            throws Exception {
        if (current.event() instanceof TenantEvent.Skipped skipped) {
            throw new Refused(
                    "event " + sequenceNr + " of " + persistenceId + " is skipped already (" + skipped.was() + ")");
        }
        long version = versionAfter(serialization, events, current);
        String was = describe(current);
        TenantEvent.Skipped skipped = new TenantEvent.Skipped(
                version,
                was,
                reason,
                Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(),
                stored.bytes(),
                stored.serializer(),
                stored.manifest(),
                range.last());
        return new Change(
                encode(serialization, events, persistenceId, current, skipped),
                "replace event " + sequenceNr + " of " + persistenceId + " (" + was
                        + ") with a journaled skip that keeps it; the tenant passes it at version " + version);
    }

    /**
     * A skipped event put back as the journal held it: refused when the skip does not keep it in this journal's form,
     * or when batches were written after the skip (each was made to the tables without the event: with it back they
     * would apply on top of it).
     */
    private Change undoChange(StoredEvents events, String persistenceId, Decoded current, StoredEvents.Range range)
            throws Refused {
        if (!(current.event() instanceof TenantEvent.Skipped skipped) || skipped.original() == null) {
            throw new Refused("event " + sequenceNr + " of " + persistenceId
                    + " is not a skipped event that keeps its original: nothing to put back");
        }
        if ((skipped.serializer() != null) != events.payloadsApart()) {
            throw new Refused("event " + sequenceNr + " of " + persistenceId + " was skipped in a "
                    + (skipped.serializer() != null ? "PostgreSQL" : "LevelDB")
                    + " journal and keeps its bytes as that journal stores them: they cannot be put back in this one");
        }
        Long last = skipped.lastSequenceNr();
        if (last != null && range.last() > last) {
            boolean one = last + 1 == range.last();
            String later = one
                    ? "event " + range.last() + " of " + persistenceId + " was"
                    : "events " + (last + 1) + " to " + range.last() + " of " + persistenceId + " were";
            throw new Refused(later + " written after the skip, made to the tables without event " + sequenceNr
                    + ": with it back " + (one ? "it" : "they") + " would apply on top of it. Keep the skip, or"
                    + " delete " + (one ? "it" : "them") + " first (`shardview journal truncate " + tenant + " --after "
                    + last + "`)");
        }
        return new Change(
                new StoredEvents.Stored(sequenceNr, skipped.original(), skipped.serializer(), skipped.manifest()),
                "put event " + sequenceNr + " of " + persistenceId + " back as it was (" + skipped.was() + ")");
    }

    /**
     * Refuses to delete the snapshots from the event on when recovery could not do without them: the events before the
     * journal's first were deleted after a snapshot (delete-events-on-snapshot), and no snapshot before the event is
     * late enough to start from.
     */
    private void requireEventsBefore(StoredEvents events, StoredEvents.Range range) throws Exception {
        long kept = events.snapshotBefore(sequenceNr);
        if (range.first() > kept + 1) {
            throw new Refused("the events before " + range.first() + " were deleted after a snapshot, and recovery"
                    + " would start from the snapshots from " + sequenceNr + " on, which hold the event; without"
                    + " them (the newest before it is at " + kept + ") the tenant could not be recovered. Nothing"
                    + " was changed");
        }
    }

    /** The event decoded by the node's serializers, or why it cannot be. */
    private static Decoded decode(Serialization serialization, StoredEvents.Stored stored) {
        try {
            if (stored.serializer() == null) {
                PersistentRepr envelope = serialization
                        .deserialize(stored.bytes(), PersistentRepr.class)
                        .get();
                return new Decoded(envelope.payload(), envelope, null);
            }
            Object event = serialization
                    .deserialize(stored.bytes(), stored.serializer(), stored.manifest())
                    .get();
            return new Decoded(event, null, null);
        } catch (Exception e) {
            return new Decoded(null, null, String.valueOf(e.getMessage()));
        }
    }

    /**
     * The tenant's version after the skipped event: its own when it can be read; else the version the first later
     * event that changes the version starts from (the events between change none); when the journal ends before
     * such an event, one past the last readable one's before it (the event may have been a batch a client saw
     * acknowledged at that version: the tenant's next batch must not take it again); when an unreadable event comes
     * first, the last readable one's before it (the later events may still change the version from there).
     */
    private long versionAfter(Serialization serialization, StoredEvents events, Decoded current) throws Exception {
        if (current.event() instanceof TenantEvent event) return event.version();
        boolean last = true;
        for (long n = sequenceNr + 1; ; n++) {
            var stored = events.read(n);
            if (stored.isEmpty()) break;
            last = false;
            Object later = decode(serialization, stored.get()).event();
            if (later instanceof TenantEvent.Replicated replicated) later = replicated.event();
            if (later instanceof TenantEvent.BatchApplied || later instanceof TenantEvent.SqlApplied)
                return ((TenantEvent) later).version() - 1;
            if (!(later instanceof TenantEvent event)) break; // unreadable too: look back instead
            if (later instanceof TenantEvent.Skipped) return event.version();
        }
        for (long n = sequenceNr - 1; n >= 1; n--) {
            var stored = events.read(n);
            if (stored.isPresent() && decode(serialization, stored.get()).event() instanceof TenantEvent event)
                return last ? event.version() + 1 : event.version();
        }
        return last ? 1 : 0;
    }

    /** The skip as the journal stores it: in the event's envelope on LevelDB, apart from it on PostgreSQL. */
    private StoredEvents.Stored encode(
            Serialization serialization,
            StoredEvents events,
            String persistenceId,
            Decoded current,
            TenantEvent.Skipped skipped)
            throws SQLException {
        if (!events.payloadsApart()) {
            PersistentRepr envelope = current.envelope() != null
                    ? current.envelope().withPayload(skipped)
                    : PersistentRepr.apply(
                            skipped,
                            sequenceNr,
                            persistenceId,
                            "",
                            false,
                            ActorRef.noSender(),
                            neighboursWriter(serialization, events));
            return new StoredEvents.Stored(
                    sequenceNr, serialization.serialize(envelope).get(), null, null);
        }
        Serializer serializer = serialization.findSerializerFor(skipped);
        return new StoredEvents.Stored(
                sequenceNr,
                serializer.toBinary(skipped),
                serializer.identifier(),
                Serializers.manifestFor(serializer, skipped));
    }

    /**
     * The writer of the events around the skipped one, for an envelope made anew: recovery discards events of a
     * writer seen before once another writer's event came between (Pekko's replay filter), so a skip must not look
     * like a new writer.
     */
    private String neighboursWriter(Serialization serialization, StoredEvents events) throws SQLException {
        for (long n : new long[] {sequenceNr + 1, sequenceNr - 1}) {
            var stored = n < 1 ? java.util.Optional.<StoredEvents.Stored>empty() : events.read(n);
            if (stored.isEmpty()) continue;
            PersistentRepr envelope = decode(serialization, stored.get()).envelope();
            if (envelope != null) return envelope.writerUuid();
        }
        return PersistentRepr.Undefined();
    }

    private static String describe(Decoded decoded) {
        if (!(decoded.event() instanceof TenantEvent event)) {
            return "unreadable: " + (decoded.error() != null ? decoded.error() : "not a tenant event");
        }
        Object type = TenantReplay.describe(event).get("type");
        return type + " at version " + event.version()
                + (event instanceof TenantEvent.BatchApplied batch
                        ? ", " + batch.ops() + (batch.ops() == 1 ? " op" : " ops")
                        : "");
    }

    /** The tenant replayed from its events as a node's recovery would: where it ends, or what stops it. */
    private String replayAfter(String persistenceId) {
        try (JournalStore journal = options.open(err())) {
            if (journal == null) return "the journal could not be opened to replay the tenant";
            TenantReplay replay = TenantReplay.empty(
                    persistenceId.substring("tenant|".length()), TenantSettings.from(journal.config));
            long[] last = {0};
            try {
                JournalStore.await(journal.events(persistenceId, 0, Long.MAX_VALUE)
                        .runWith(
                                Sink.foreach(envelope -> {
                                    replay.apply((TenantEvent) envelope.event());
                                    last[0] = envelope.sequenceNr();
                                }),
                                journal.system));
            } catch (RuntimeException e) {
                return "its replay now stops after event " + last[0] + " (version " + replay.version() + "): "
                        + e.getMessage() + "; skip the next event too, or truncate after " + last[0];
            }
            return "the tenant replays to version " + replay.version() + " (" + last[0] + " events)";
        }
    }

    private void report(String plan, String replay) {
        if (options.json) {
            ObjectNode out = Json.MAPPER.createObjectNode();
            out.put("id", JournalOptions.persistenceId(tenant)).put("event", sequenceNr);
            out.put("plan", plan).put("executed", execute);
            if (replay != null) out.put("replay", replay);
            out().println(out);
        } else if (replay == null) {
            out().println("plan (run again with --execute to do it): " + plan);
        } else {
            out().println("done: " + plan);
            out().println(replay);
        }
    }

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private java.io.PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
