package io.shardview.node.membership;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.shardview.node.JournalDatabase;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.coordination.lease.LeaseSettings;
import org.apache.pekko.coordination.lease.TimeoutSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Split Brain Resolver's lease in the journal database: one owner at a time, taken over once it runs out. */
class PostgresLeaseTest {
    private static JournalDatabase db;

    @BeforeAll
    static void database() throws Exception {
        db = new JournalDatabase();
    }

    @AfterAll
    static void drop() throws Exception {
        db.close();
    }

    private static PostgresLease lease(String name, String owner, Duration timeout, Duration interval) {
        return lease(name, owner, timeout, interval, Duration.ofSeconds(1));
    }

    /** {@code operation}: how long taking it waits for another owner's lease to run out. */
    private static PostgresLease lease(
            String name, String owner, Duration timeout, Duration interval, Duration operation) {
        Config journal = ConfigFactory.parseMap(
                Map.of("url", db.url(), "user", io.shardview.testsupport.TestPostgres.USER, "password", ""));
        TimeoutSettings timeouts = new TimeoutSettings(
                scala.concurrent.duration.FiniteDuration.fromNanos(interval.toNanos()),
                scala.concurrent.duration.FiniteDuration.fromNanos(timeout.toNanos()),
                scala.concurrent.duration.FiniteDuration.fromNanos(operation.toNanos()));
        return new PostgresLease(new LeaseSettings(name, owner, timeouts, ConfigFactory.empty()), journal);
    }

    private static boolean now(java.util.concurrent.CompletionStage<Boolean> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void oneOwnerAtATimeUntilItReleases() throws Exception {
        PostgresLease a = lease("sbr", "a", Duration.ofSeconds(30), Duration.ofSeconds(1));
        PostgresLease b = lease("sbr", "b", Duration.ofSeconds(30), Duration.ofSeconds(1));
        assertTrue(now(a.acquire()));
        assertTrue(now(a.acquire()), "its owner takes it again");
        assertFalse(now(b.acquire()));
        assertTrue(a.checkLease());
        assertFalse(b.checkLease());
        assertTrue(now(a.release()));
        assertFalse(a.checkLease());
        assertTrue(now(b.acquire()));
        assertFalse(now(a.acquire()));
        assertTrue(now(b.release()));
        assertTrue(
                now(lease("other", "a", Duration.ofSeconds(30), Duration.ofSeconds(1))
                        .acquire()),
                "leases of other names are independent");
    }

    @Test
    void takingItWaitsForADeadHoldersLeaseToRunOutButNotForALiveOnes() throws Exception {
        PostgresLease alive = lease("live", "alive", Duration.ofSeconds(3), Duration.ofMillis(500));
        assertTrue(now(alive.acquire()));
        Thread.sleep(1500);
        long asked = System.nanoTime();
        assertFalse(
                now(lease("live", "other", Duration.ofSeconds(3), Duration.ofMillis(500), Duration.ofSeconds(6))
                        .acquire()),
                "a holder that renews keeps it");
        assertTrue(System.nanoTime() - asked < 1_000_000_000L, "and the answer comes at once");
        assertTrue(now(alive.release()));

        // A holder that stops renewing (it renews once a minute here): taken once its lease runs out.
        PostgresLease dead = lease("dead", "dead", Duration.ofSeconds(2), Duration.ofSeconds(60));
        assertTrue(now(dead.acquire()));
        Thread.sleep(500);
        long t0 = System.nanoTime();
        PostgresLease survivor =
                lease("dead", "survivor", Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(6));
        assertTrue(now(survivor.acquire()), "taken once the dead holder's lease ran out");
        assertTrue(System.nanoTime() - t0 > 1_000_000_000L, "not before");
        assertTrue(now(survivor.release()));
    }

    @Test
    void aHolderThatStopsRenewingLosesItAndIsToldSoAtItsNextRenewal() throws Exception {
        // The holder renews only after its time ran out, as a node that froze would.
        PostgresLease frozen = lease("expiring", "frozen", Duration.ofSeconds(1), Duration.ofMillis(2500));
        CompletableFuture<Boolean> lost = new CompletableFuture<>();
        assertTrue(now(frozen.acquire(why -> lost.complete(true))));
        // The same settings as the holder, as every node of a region has.
        PostgresLease other = lease("expiring", "other", Duration.ofSeconds(1), Duration.ofMillis(2500));
        assertFalse(now(other.acquire()), "held, and not run out yet");
        Thread.sleep(1500);
        assertFalse(frozen.checkLease(), "past its time the holder no longer counts on it");
        assertTrue(now(other.acquire()), "taken over once run out");
        assertTrue(lost.get(10, TimeUnit.SECONDS), "the old holder learns it lost the lease");
        assertTrue(now(other.release()));
    }
}
