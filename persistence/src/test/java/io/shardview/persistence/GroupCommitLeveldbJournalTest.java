package io.shardview.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.shardview.entity.durability.AcknowledgedWhenWritten;
import io.shardview.entity.durability.JournalDurability;
import io.shardview.persistence.RecordingGroupCommitJournal.Round;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.persistence.AbstractPersistentActor;
import org.apache.pekko.persistence.DeleteMessagesSuccess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped journal config (persistence.conf: native LevelDB, fsync and group commit on) on a
 * temporary directory, with the plugin class swapped for {@link RecordingGroupCommitJournal}, and
 * persistent actors that each persist their events one at a time, all at once.
 */
class GroupCommitLeveldbJournalTest {
    private static final int WRITERS = 20;
    private static final int EVENTS = 10;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** A write's acknowledgement as its persistent actor saw it, at a logical time. */
    record Ack(String persistenceId, long sequenceNr, long tick) {}

    private static final List<Ack> ACKS = new CopyOnWriteArrayList<>();

    /** When {@link JournalDurability} said an event acknowledged when written was durable. */
    private static final List<Ack> DURABLE = new CopyOnWriteArrayList<>();

    @TempDir
    Path tmp;

    private ActorSystem system;

    @BeforeEach
    void clear() {
        ACKS.clear();
        DURABLE.clear();
        RecordingGroupCommitJournal.reset(0);
    }

    @AfterEach
    void stop() throws Exception {
        if (system != null) terminate();
    }

    @Test
    void concurrentWritesShareSyncRoundsAndEachIsAcknowledgedAfterARoundThatCoveredIt() throws Exception {
        writeConcurrentlyAndReplay(Map.of());
    }

    @Test
    void thePureJavaLevelDbGroupCommitsToo() throws Exception {
        writeConcurrentlyAndReplay(Map.of("pekko.persistence.journal.leveldb.native", "off"));
    }

    private void writeConcurrentlyAndReplay(Map<String, String> overrides) throws Exception {
        RecordingGroupCommitJournal.reset(WRITERS); // round 1 holds until every writer has written once
        start(overrides);
        List<ActorRef> writers = writers();
        List<CompletableFuture<Object>> done = new ArrayList<>();
        for (ActorRef writer : writers) done.add(ask(writer, new Writer.Write(EVENTS)));
        for (CompletableFuture<Object> reply : done)
            assertEquals("done", reply.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));

        int writes = WRITERS * EVENTS;
        assertEquals(writes, ACKS.size());
        List<Round> rounds = List.copyOf(RecordingGroupCommitJournal.ROUNDS);
        for (Ack ack : ACKS) {
            assertTrue(
                    rounds.stream()
                            .anyMatch(round -> round.endTick() < ack.tick()
                                    && round.highestSequenceNrs().getOrDefault(ack.persistenceId(), 0L)
                                            >= ack.sequenceNr()),
                    ack + " was acknowledged before any round that started with it written had ended");
        }
        JournalSyncStats stats = JournalSyncStats.get(system);
        assertEquals(writes, stats.writes());
        assertEquals(rounds.size(), stats.syncs());
        // The first writes of all writers wait together behind the held first round.
        assertTrue(rounds.size() <= writes - (WRITERS - 2), rounds.size() + " sync rounds for " + writes + " writes");

        terminate();
        start(overrides);
        for (int w = 0; w < WRITERS; w++) {
            assertEquals(
                    events(1, EVENTS),
                    ask(writer(w), new Writer.Replayed()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS),
                    "replay of writer " + w);
        }
    }

    /**
     * Events marked {@link AcknowledgedWhenWritten} are acknowledged as soon as they are written (their writer goes on
     * with its next event), and {@link JournalDurability} completes for each acknowledged event only after a round that
     * covered it has ended: the round the journal asked for after the write, before its acknowledgement went back.
     */
    @Test
    void eventsAcknowledgedWhenWrittenAreDurableOnceARoundThatCoveredThemHasEnded() throws Exception {
        // The first rounds hold until every event is written: only events acknowledged before they are durable can be.
        RecordingGroupCommitJournal.reset(WRITERS * EVENTS);
        start(Map.of(
                "pekko.actor.allow-java-serialization", "on",
                "pekko.actor.warn-about-java-serializer-usage", "off"));
        List<ActorRef> writers = writers();
        List<CompletableFuture<Object>> done = new ArrayList<>();
        for (ActorRef writer : writers) done.add(ask(writer, new Writer.Write(EVENTS, true)));
        for (CompletableFuture<Object> reply : done)
            assertEquals("done", reply.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));

        int writes = WRITERS * EVENTS;
        List<Round> rounds = List.copyOf(RecordingGroupCommitJournal.ROUNDS);
        assertEquals(writes, ACKS.size());
        long deadline = System.nanoTime() + TIMEOUT.toNanos(); // the last events' rounds may still be running
        while (DURABLE.size() < writes && System.nanoTime() < deadline) Thread.sleep(10);
        assertEquals(writes, DURABLE.size());
        rounds = List.copyOf(RecordingGroupCommitJournal.ROUNDS);
        for (Ack durable : DURABLE) {
            assertTrue(
                    rounds.stream().anyMatch(round -> covered(round, durable)),
                    durable + " was said durable before any round that started with it written had ended");
        }
        // Acknowledged early: a writer persists its next event only once the last one is acknowledged, so every event
        // but each writer's last was acknowledged before the first round ended.
        long firstRoundEnd = rounds.stream().mapToLong(Round::endTick).min().orElseThrow();
        assertTrue(
                ACKS.stream().filter(ack -> ack.tick() < firstRoundEnd).count() >= WRITERS * (EVENTS - 1),
                "events were not acknowledged while the first rounds were held");
        assertTrue(rounds.size() <= writes, rounds.size() + " sync rounds for " + writes + " writes");

        // Later, with every round so far ended: a new event is acknowledged, but not said durable while its round is
        // held (no round that ended before it was written may stand for it).
        CountDownLatch release = new CountDownLatch(1);
        RecordingGroupCommitJournal.holdRounds = release;
        assertEquals("done", ask(writers.get(0), new Writer.Write(1, true)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        Thread.sleep(200);
        assertEquals(writes, DURABLE.size(), "said durable while every round was held");
        release.countDown();
        while (DURABLE.size() == writes && System.nanoTime() < deadline + TIMEOUT.toNanos()) Thread.sleep(10);
        Ack last = DURABLE.get(writes);
        assertEquals(EVENTS + 1, last.sequenceNr());
        assertTrue(
                RecordingGroupCommitJournal.ROUNDS.stream().anyMatch(round -> covered(round, last)),
                last + " was said durable before any round that started with it written had ended");

        terminate();
        start(Map.of("pekko.actor.allow-java-serialization", "on"));
        for (int w = 0; w < WRITERS; w++) {
            assertEquals(
                    events(1, w == 0 ? EVENTS + 1 : EVENTS),
                    ask(writer(w), new Writer.Replayed()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS),
                    "replay of writer " + w);
        }
    }

    /**
     * What a recovering entity waits for: everything written before the call, acknowledged or not (its last event may
     * be one whose write is still waiting for its round, or whose round failed), durable.
     */
    @Test
    void afterEverythingWrittenWaitsForAWriteNotYetAcknowledged() throws Exception {
        start(Map.of());
        ActorRef writer = writer(0);
        assertEquals("done", ask(writer, new Writer.Write(1)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        CountDownLatch release = new CountDownLatch(1);
        RecordingGroupCommitJournal.holdRounds = release;
        long writesBefore = RecordingGroupCommitJournal.writes();
        CompletableFuture<Object> second = ask(writer, new Writer.Write(1));
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (RecordingGroupCommitJournal.writes() == writesBefore && System.nanoTime() < deadline) Thread.sleep(5);

        JournalDurability durability = JournalDurability.get(Adapter.toTyped(system));
        CompletableFuture<Void> everything = durability.afterEverythingWritten();
        Thread.sleep(200);
        assertFalse(second.isDone(), "acknowledged while its round was held");
        assertFalse(everything.isDone(), "said durable while every round was held");
        release.countDown();
        everything.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals("done", second.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
    }

    private static boolean covered(Round round, Ack ack) {
        return round.endTick() < ack.tick()
                && round.highestSequenceNrs().getOrDefault(ack.persistenceId(), 0L) >= ack.sequenceNr();
    }

    @Test
    void aDeletionIsAcknowledgedAfterASyncRound() throws Exception {
        start(Map.of());
        ActorRef writer = writer(0);
        assertEquals("done", ask(writer, new Writer.Write(EVENTS)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        JournalSyncStats stats = JournalSyncStats.get(system);
        long syncsBefore = stats.syncs();

        Object deleted = ask(writer, new Writer.Delete(4)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertInstanceOf(DeleteMessagesSuccess.class, deleted);
        assertEquals(EVENTS + 1, stats.writes());
        assertTrue(stats.syncs() > syncsBefore, "no round for the deletion");

        terminate();
        start(Map.of());
        assertEquals(
                events(5, EVENTS), ask(writer(0), new Writer.Replayed()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void withGroupCommitOffPekkoSyncsEachWriteItself() throws Exception {
        start(Map.of("pekko.persistence.journal.leveldb.group-commit", "off"));
        assertEquals("done", ask(writer(0), new Writer.Write(EVENTS)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(0, JournalSyncStats.get(system).writes());
        assertTrue(RecordingGroupCommitJournal.ROUNDS.isEmpty());

        terminate();
        start(Map.of("pekko.persistence.journal.leveldb.group-commit", "off"));
        assertEquals(
                events(1, EVENTS), ask(writer(0), new Writer.Replayed()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void groupCommitNeedsFsync() {
        assertTrue(GroupCommitLeveldbJournal.groupCommits(ConfigFactory.parseString("fsync = on, group-commit = on")));
        assertTrue(GroupCommitLeveldbJournal.groupCommits(ConfigFactory.parseString("fsync = on")));
        assertFalse(
                GroupCommitLeveldbJournal.groupCommits(ConfigFactory.parseString("fsync = on, group-commit = off")));
        assertFalse(
                GroupCommitLeveldbJournal.groupCommits(ConfigFactory.parseString("fsync = off, group-commit = on")));
    }

    private void start(Map<String, String> overrides) {
        Config config = ConfigFactory.parseMap(overrides)
                .withFallback(ConfigFactory.parseMap(Map.of(
                        "shardview.data-dir", tmp.toString(),
                        "pekko.persistence.journal.plugin", "pekko.persistence.journal.leveldb",
                        "pekko.persistence.journal.leveldb.class", RecordingGroupCommitJournal.class.getName(),
                        "pekko.persistence.snapshot-store.plugin", "pekko.persistence.snapshot-store.local",
                        "pekko.loglevel", "WARNING")))
                .withFallback(ConfigFactory.parseResources("persistence.conf"));
        system = ActorSystem.create("group-commit", ConfigFactory.load(config));
    }

    private void terminate() throws Exception {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        system = null;
    }

    private List<ActorRef> writers() {
        return IntStream.range(0, WRITERS).mapToObj(this::writer).toList();
    }

    private ActorRef writer(int index) {
        String id = "writer-" + index;
        return system.actorOf(Props.create(Writer.class, () -> new Writer(id)), id);
    }

    private static CompletableFuture<Object> ask(ActorRef actor, Object message) {
        return Patterns.ask(actor, message, TIMEOUT).toCompletableFuture();
    }

    private static List<String> events(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(n -> "event-" + n).toList();
    }

    /** Persists events one at a time (each after the previous one's acknowledgement). */
    static final class Writer extends AbstractPersistentActor {
        record Write(int events, boolean early) {
            Write(int events) {
                this(events, false);
            }
        }

        /** An event the journal acknowledges once written, before it is durable. */
        record Early(String text) implements AcknowledgedWhenWritten, java.io.Serializable {}

        record Replayed() {}

        record Delete(long upTo) {}

        private final String id;
        private final List<String> replayed = new ArrayList<>();
        private ActorRef replyTo;
        private int left;
        private boolean early;

        Writer(String id) {
            this.id = id;
        }

        @Override
        public String persistenceId() {
            return id;
        }

        @Override
        public Receive createReceiveRecover() {
            return receiveBuilder()
                    .match(String.class, replayed::add)
                    .match(Early.class, event -> replayed.add(event.text()))
                    .build();
        }

        @Override
        public Receive createReceive() {
            return receiveBuilder()
                    .match(Write.class, write -> {
                        replyTo = getSender();
                        left = write.events();
                        early = write.early();
                        persistNext();
                    })
                    .match(Replayed.class, ask -> getSender().tell(List.copyOf(replayed), getSelf()))
                    .match(Delete.class, delete -> {
                        replyTo = getSender();
                        deleteMessages(delete.upTo());
                    })
                    .match(DeleteMessagesSuccess.class, success -> replyTo.tell(success, getSelf()))
                    .build();
        }

        private void persistNext() {
            String text = "event-" + (lastSequenceNr() + 1);
            persist(early ? new Early(text) : text, event -> {
                long sequenceNr = lastSequenceNr();
                ACKS.add(new Ack(id, sequenceNr, RecordingGroupCommitJournal.tick()));
                if (early) {
                    JournalDurability.get(Adapter.toTyped(getContext().getSystem()))
                            .afterAcknowledgedWrites()
                            .thenRun(() -> DURABLE.add(new Ack(id, sequenceNr, RecordingGroupCommitJournal.tick())));
                }
                if (--left == 0) replyTo.tell("done", getSelf());
                else persistNext();
            });
        }
    }
}
