package io.shardview.persistence;

import com.typesafe.config.Config;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.persistence.AtomicWrite;
import scala.collection.immutable.Seq;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.BoxedUnit;
import scala.util.Try;

/**
 * The group-commit journal, observed: each sync round records, before it forces the logs, the
 * highest sequence number LevelDB holds for every persistence id (what the round is about to make
 * durable), and the logical times at which it started and ended. Tests compare these with the
 * times at which persistent actors saw their writes acknowledged.
 *
 * <p>Static, because Pekko instantiates the plugin; one test at a time uses it ({@link #reset}).
 */
public class RecordingGroupCommitJournal extends GroupCommitLeveldbJournal {
    /** A sync round: what LevelDB held when it started, and when it started and ended. */
    record Round(long startTick, long endTick, Map<String, Long> highestSequenceNrs) {}

    static final AtomicLong CLOCK = new AtomicLong();
    static final List<Round> ROUNDS = new CopyOnWriteArrayList<>();
    /** The first round waits (up to 10 s) until this many writes have been made. */
    private static volatile CountDownLatch firstRoundWaitsFor = new CountDownLatch(0);

    private static final AtomicLong WRITES = new AtomicLong();

    /** While set, every round waits (up to 10 s) for this latch before it starts. */
    static volatile CountDownLatch holdRounds;

    public RecordingGroupCommitJournal(Config config) {
        super(config);
    }

    static void reset(int writesBeforeFirstRound) {
        ROUNDS.clear();
        WRITES.set(0);
        holdRounds = null;
        firstRoundWaitsFor = new CountDownLatch(writesBeforeFirstRound);
    }

    /** Writes made since the last reset. */
    static long writes() {
        return WRITES.get();
    }

    static long tick() {
        return CLOCK.incrementAndGet();
    }

    @Override
    public Future<Seq<Try<BoxedUnit>>> asyncWriteMessages(Seq<AtomicWrite> messages) {
        Future<Seq<Try<BoxedUnit>>> durable = super.asyncWriteMessages(messages);
        WRITES.incrementAndGet();
        firstRoundWaitsFor.countDown();
        return durable;
    }

    @Override
    protected void syncLogs() throws IOException {
        if (ROUNDS.isEmpty()) awaitFirstWrites();
        CountDownLatch hold = holdRounds;
        if (hold != null) await(hold);
        long start = tick();
        Map<String, Long> highest = new HashMap<>();
        for (String persistenceId : CollectionConverters.asJava(allPersistenceIds())) {
            highest.put(persistenceId, readHighestSequenceNr(numericId(persistenceId)));
        }
        super.syncLogs();
        ROUNDS.add(new Round(start, tick(), highest));
    }

    private static void awaitFirstWrites() {
        await(firstRoundWaitsFor);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
