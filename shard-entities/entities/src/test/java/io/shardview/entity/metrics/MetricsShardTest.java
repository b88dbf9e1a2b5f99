package io.shardview.entity.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.shardview.metrics.index.Labels;
import io.shardview.metrics.index.Matcher;
import io.shardview.metrics.storage.PointBatch;
import io.shardview.metrics.storage.ShardStorage;
import io.shardview.metrics.storage.StorageConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.apache.pekko.persistence.testkit.ProcessingSuccess;
import org.apache.pekko.persistence.testkit.WriteEvents;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.persistence.testkit.javadsl.SnapshotTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The metrics shard entity on its own (Pekko's in-memory test journal and snapshot store), independent of HTTP:
 * an append is acknowledged once its event persisted and never when it did not; a restarted shard recovers its
 * points from a snapshot and the events after it.
 */
class MetricsShardTest {
    private static final ActorTestKit KIT = ActorTestKit.create(PersistenceTestKitPlugin.getInstance()
            .config()
            .withFallback(PersistenceTestKitSnapshotPlugin.config())
            // Events and snapshots stay objects: their binary forms are the persistence module's, tested there.
            .withFallback(ConfigFactory.parseString("pekko.persistence.testkit.events.serialize = off\n"
                    + "pekko.persistence.testkit.snapshots.serialize = off\n"
                    // The journal pruner runs where the node runs snapshot IO (config/dispatchers.conf).
                    + "shardview.dispatchers.snapshots { type = Dispatcher, executor = thread-pool-executor }"))
            .withFallback(ConfigFactory.load()));
    private static final long NOW = Instant.parse("2026-11-23T12:00:00Z").toEpochMilli();
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
    private static final long HOUR = 3_600_000L;
    /** A snapshot every 3 events; retention far away; nothing seals for being idle within a test. */
    private static final MetricsSettings SETTINGS = new MetricsSettings(
            1,
            new StorageConfig(HOUR, 4096, 2 * HOUR, 1024, 30 * 24 * HOUR, 365 * 24 * HOUR),
            3,
            Duration.ofHours(1),
            0.1,
            1000,
            Duration.ofHours(1),
            Duration.ofHours(1));

    private static final AtomicInteger SHARDS = new AtomicInteger();
    private static final Duration REPLY = Duration.ofSeconds(10);

    private final PersistenceTestKit journal = PersistenceTestKit.create(KIT.system());
    private final SnapshotTestKit snapshots = SnapshotTestKit.create(KIT.system());
    private String entityId;
    private ActorRef<MetricsProtocol.Command> shard;

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
    }

    @BeforeEach
    void newShard() {
        journal.clearAll();
        journal.resetPolicy();
        snapshots.clearAll();
        entityId = MetricsProtocol.entityId("t" + SHARDS.incrementAndGet(), 0);
        shard = spawn();
    }

    private ActorRef<MetricsProtocol.Command> spawn() {
        return KIT.spawn(MetricsShard.behavior(entityId, SETTINGS, CLOCK, new ShardStatsBoard()));
    }

    private String persistenceId() {
        return "metrics|" + entityId;
    }

    /** Points of series up{host} one minute apart, minutes {@code from} to {@code from + count - 1} of the two hours before NOW. */
    private static PointBatch minutes(String host, int from, int count) {
        PointBatch.Builder batch = PointBatch.builder();
        for (int m = from; m < from + count; m++)
            batch.add(Labels.of("__name__", "up", "host", host), NOW - (120 - m) * 60_000L, m);
        return batch.build();
    }

    private MetricsProtocol.AppendReply append(PointBatch batch) {
        TestProbe<MetricsProtocol.AppendReply> probe = KIT.createTestProbe();
        shard.tell(new MetricsProtocol.Append(batch.toBytes(), false, probe.ref()));
        return probe.receiveMessage(REPLY);
    }

    private List<MetricsProtocol.SeriesPoints> select(String host) {
        TestProbe<MetricsProtocol.Selected> probe = KIT.createTestProbe();
        shard.tell(new MetricsProtocol.Select(
                List.of(new MetricsProtocol.MatcherSpec("=", "host", host)), NOW - 24 * HOUR, NOW, probe.ref()));
        return probe.receiveMessage(REPLY).series();
    }

    private static long[] expectedTimes(int from, int count) {
        long[] t = new long[count];
        for (int i = 0; i < count; i++) t[i] = NOW - (120 - from - i) * 60_000L;
        return t;
    }

    @Test
    void anAppendIsAcknowledgedAfterItsEventPersistedAndServedBySelect() {
        MetricsProtocol.Appended appended =
                assertInstanceOf(MetricsProtocol.Appended.class, append(minutes("a", 0, 10)));
        assertEquals(10, appended.accepted());
        // The first append also journals the retention due when the shard started, before its batch.
        assertEquals(
                1,
                journal.persistedInStorage(persistenceId()).stream()
                        .filter(e -> e instanceof MetricsEvent.PointsAppended)
                        .count());
        List<MetricsProtocol.SeriesPoints> series = select("a");
        assertEquals(1, series.size());
        assertArrayEquals(expectedTimes(0, 10), series.get(0).timestamps());
    }

    @Test
    void anAppendWhoseEventFailedToPersistIsNeverAcknowledgedAndStoresNothing() {
        append(minutes("a", 0, 1)); // the shard is up and has journaled the retention due at its start
        journal.failNextPersisted();
        TestProbe<MetricsProtocol.AppendReply> probe = KIT.createTestProbe();
        shard.tell(new MetricsProtocol.Append(minutes("b", 0, 5).toBytes(), false, probe.ref()));
        probe.expectNoMessage(Duration.ofMillis(500));
        KIT.createTestProbe().expectTerminated(shard, REPLY); // as sharding would, a new instance takes over
        assertNull(LocalShards.get(KIT.system()).readHere(entityId, pointsOf("b")), "stopped: not read here");
        shard = spawn();
        assertEquals(List.of(), select("b"));
        assertEquals(0, LocalShards.get(KIT.system()).readHere(entityId, pointsOf("b")));
    }

    /** How many points of host {@code host} a read of the storage finds. */
    private static Function<ShardStorage, Integer> pointsOf(String host) {
        return storage -> storage.select(List.of(Matcher.eq("host", host)), 0, Long.MAX_VALUE).stream()
                .mapToInt(s -> s.points().size())
                .sum();
    }

    @Test
    void aReadOnAnotherThreadSeesNoWriteBeforeTheJournalHasIt() throws Exception {
        LocalShards local = LocalShards.get(KIT.system());
        append(minutes("a", 0, 10));
        assertEquals(10, local.readHere(entityId, pointsOf("a")), "read on this thread");
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch journaled = new CountDownLatch(1);
        journal.withPolicy((persistenceId, operation) -> {
            if (persistenceId.equals(persistenceId()) && operation instanceof WriteEvents) {
                writing.countDown();
                try {
                    journaled.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return ProcessingSuccess.getInstance();
        });
        TestProbe<MetricsProtocol.AppendReply> probe = KIT.createTestProbe();
        shard.tell(new MetricsProtocol.Append(minutes("b", 0, 5).toBytes(), false, probe.ref()));
        assertTrue(writing.await(REPLY.toSeconds(), TimeUnit.SECONDS));
        assertNull(local.readHere(entityId, pointsOf("b")), "a write in flight: the reader asks the shard");
        journaled.countDown();
        assertInstanceOf(MetricsProtocol.Appended.class, probe.receiveMessage(REPLY));
        assertEquals(5, local.readHere(entityId, pointsOf("b")), "journaled and acknowledged: read here");
        assertEquals(5, select("b").get(0).timestamps().length, "the shard answers the same");
    }

    @Test
    void aRestartedShardRecoversFromItsSnapshotAndTheEventsAfterIt() throws Exception {
        for (int b = 0; b < 4; b++) append(minutes("c", b * 10, 10)); // a snapshot every 3 events
        awaitSnapshot();
        append(minutes("c", 40, 10)); // an event after the snapshot
        KIT.stop(shard);
        shard = spawn();
        List<MetricsProtocol.SeriesPoints> series = select("c");
        assertEquals(1, series.size());
        assertArrayEquals(expectedTimes(0, 50), series.get(0).timestamps(), "the snapshot plus the events after it");
        assertEquals(49.0, series.get(0).values()[49]);
        MetricsProtocol.Appended more = assertInstanceOf(MetricsProtocol.Appended.class, append(minutes("c", 50, 5)));
        assertEquals(5, more.accepted(), "and it keeps going");
    }

    @Test
    void aRunningShardTellsTheNodeWhichSeriesItMayHoldAndStopsBeingLeftOutWhenItStops() {
        LocalShards local = LocalShards.get(KIT.system());
        List<List<Matcher>> upOfA = List.of(List.of(Matcher.eq("__name__", "up"), Matcher.eq("host", "a")));
        List<List<Matcher>> hostZ = List.of(List.of(Matcher.eq("host", "z")));
        // (Whether a shard still recovering is asked cannot be seen here: an empty shard may be done before a look.)
        assertTrue(
                local.mayHold(MetricsProtocol.entityId("never-started-" + entityId, 0), hostZ),
                "a shard not started here: asked");
        append(minutes("a", 0, 1));
        assertTrue(local.mayHold(entityId, upOfA), "an acknowledged series");
        assertFalse(local.mayHold(entityId, hostZ), "a series no shard of it holds");
        KIT.stop(shard);
        assertTrue(local.mayHold(entityId, hostZ), "a shard not running here is always asked");
        shard = spawn();
        assertEquals(1, select("a").size());
        assertTrue(local.mayHold(entityId, upOfA), "recovered from its journal");
        assertFalse(local.mayHold(entityId, hostZ));
    }

    /** Waits for the shard's first snapshot; once saved, the events it covers are deleted from the journal. */
    private void awaitSnapshot() throws InterruptedException {
        long deadline = System.nanoTime() + REPLY.toNanos();
        while (System.nanoTime() < deadline) {
            if (!snapshots.persistedInStorage(persistenceId()).isEmpty()) return;
            Thread.sleep(20);
        }
        throw new AssertionError("no snapshot of " + persistenceId());
    }
}
