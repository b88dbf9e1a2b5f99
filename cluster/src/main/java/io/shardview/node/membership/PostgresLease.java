package io.shardview.node.membership;

import com.typesafe.config.Config;
import io.shardview.persistence.JournalSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.coordination.lease.LeaseSettings;
import org.apache.pekko.coordination.lease.javadsl.Lease;

/**
 * A Pekko lease held in a row of the region's journal database (table {@code shardview_lease}), for the Split Brain
 * Resolver's lease-majority strategy (config/cluster.conf): when a node of the region becomes unreachable, the side
 * that takes the lease stays and downs the other. So a region of two nodes survives the death of either one (no
 * strategy without an arbiter can: one node cannot tell the other's death from a partition), and of two sides of a
 * real partition only one survives, as the database decides.
 *
 * <p>Taking the lease succeeds when nobody holds it, this owner already does, or the holder's time ran out (it stopped
 * renewing: {@code heartbeat-timeout}); the holder renews every {@code heartbeat-interval} and learns it lost the lease
 * when a renewal finds another owner. Times are the database's clock, the same for every node.
 *
 * <p>The resolver asks once per decision and downs its own side when refused. So when another owner holds the lease
 * and has not renewed it for two heartbeat intervals (it died holding it: it had decided about an earlier failure
 * moments before), taking it waits for that lease to run out, within {@code lease-operation-timeout}, and the
 * survivors stay; a holder that renews is alive, and taking it fails at once, so the side without it downs itself
 * before the other side's removal margin ends and its shards start there.
 */
public final class PostgresLease extends Lease {
    private static final String CREATE = "CREATE TABLE IF NOT EXISTS shardview_lease ("
            + "name VARCHAR(255) PRIMARY KEY, owner VARCHAR(255) NOT NULL, expires_at TIMESTAMPTZ NOT NULL)";
    private static final String TAKE = "INSERT INTO shardview_lease (name, owner, expires_at) "
            + "VALUES (?, ?, now() + make_interval(secs => ?)) ON CONFLICT (name) DO UPDATE "
            + "SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at "
            + "WHERE shardview_lease.owner = EXCLUDED.owner OR shardview_lease.expires_at < now() RETURNING owner";
    private static final String RELEASE = "DELETE FROM shardview_lease WHERE name = ? AND owner = ?";
    private static final String REMAINING =
            "SELECT extract(epoch FROM (expires_at - now())) FROM shardview_lease WHERE name = ?";

    private final LeaseSettings settings;
    private final Config journal;
    private final ExecutorService io;
    private final ScheduledExecutorService heartbeats;
    private volatile boolean held;
    private volatile long heldUntilNanos;
    private ScheduledFuture<?> renewing;

    public PostgresLease(LeaseSettings settings, ExtendedActorSystem system) {
        this(settings, system.settings().config().getConfig("shardview.journal"));
    }

    PostgresLease(LeaseSettings settings, Config journal) {
        this.settings = settings;
        this.journal = journal;
        this.io = Executors.newSingleThreadExecutor(daemon("shardview-lease-" + settings.leaseName()));
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(daemon("shardview-lease-heartbeat"));
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public LeaseSettings getSettings() {
        return settings;
    }

    @Override
    public CompletionStage<Boolean> acquire() {
        return acquire(lost -> {});
    }

    @Override
    public synchronized CompletionStage<Boolean> acquire(Consumer<Optional<Throwable>> leaseLost) {
        long deadline = System.nanoTime()
                + settings.timeoutSettings().getOperationTimeout().toNanos()
                - TimeUnit.MILLISECONDS.toNanos(500);
        return timed(CompletableFuture.supplyAsync(
                () -> {
                    boolean taken = take();
                    while (!taken && System.nanoTime() < deadline) {
                        double remaining = remainingSeconds();
                        if (remaining > timeoutSeconds() - 2 * intervalSeconds()) return false; // a live holder
                        try {
                            Thread.sleep(Math.max(100, (long) (remaining * 1000) + 100));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return false;
                        }
                        taken = take();
                    }
                    if (taken) startRenewing(leaseLost);
                    return taken;
                },
                io));
    }

    @Override
    public synchronized CompletionStage<Boolean> release() {
        stopRenewing();
        held = false;
        return timed(CompletableFuture.supplyAsync(
                () -> {
                    try (Connection c = connect();
                            PreparedStatement delete = c.prepareStatement(RELEASE)) {
                        delete.setString(1, settings.leaseName());
                        delete.setString(2, settings.ownerName());
                        return delete.executeUpdate() == 1;
                    } catch (SQLException e) {
                        throw new IllegalStateException("releasing lease " + settings.leaseName() + ": " + e, e);
                    }
                },
                io));
    }

    @Override
    public boolean checkLease() {
        return held && System.nanoTime() < heldUntilNanos;
    }

    /** Takes (or renews) the lease for heartbeat-timeout from now; false when another owner holds it. */
    private boolean take() {
        long start = System.nanoTime();
        try (Connection c = connect()) {
            JournalSettings.createTableIfAbsent(c, CREATE);
            try (PreparedStatement take = c.prepareStatement(TAKE)) {
                take.setString(1, settings.leaseName());
                take.setString(2, settings.ownerName());
                take.setDouble(3, timeoutSeconds());
                try (ResultSet owner = take.executeQuery()) {
                    held = owner.next();
                }
            }
        } catch (SQLException e) {
            held = false;
            throw new IllegalStateException("taking lease " + settings.leaseName() + ": " + e, e);
        }
        if (held)
            heldUntilNanos =
                    start + settings.timeoutSettings().getHeartbeatTimeout().toNanos();
        return held;
    }

    private synchronized void startRenewing(Consumer<Optional<Throwable>> leaseLost) {
        stopRenewing();
        long every = settings.timeoutSettings().getHeartbeatInterval().toMillis();
        renewing = heartbeats.scheduleWithFixedDelay(
                () -> {
                    try {
                        if (!take()) lost(leaseLost, Optional.empty());
                    } catch (RuntimeException e) {
                        if (!checkLease()) lost(leaseLost, Optional.of(e)); // past its time without renewing
                    }
                },
                every,
                every,
                TimeUnit.MILLISECONDS);
    }

    private void lost(Consumer<Optional<Throwable>> leaseLost, Optional<Throwable> why) {
        stopRenewing();
        held = false;
        leaseLost.accept(why);
    }

    private synchronized void stopRenewing() {
        if (renewing != null) renewing.cancel(false);
        renewing = null;
    }

    /** Seconds until the current holder's lease runs out unless it renews (0 when nobody holds it). */
    private double remainingSeconds() {
        try (Connection c = connect();
                PreparedStatement query = c.prepareStatement(REMAINING)) {
            query.setString(1, settings.leaseName());
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? Math.max(0, row.getDouble(1)) : 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading lease " + settings.leaseName() + ": " + e, e);
        }
    }

    private double intervalSeconds() {
        return settings.timeoutSettings().getHeartbeatInterval().toMillis() / 1000.0;
    }

    private double timeoutSeconds() {
        return settings.timeoutSettings().getHeartbeatTimeout().toMillis() / 1000.0;
    }

    private <T> CompletableFuture<T> timed(CompletableFuture<T> operation) {
        return operation.orTimeout(
                settings.timeoutSettings().getOperationTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private Connection connect() throws SQLException {
        return JournalSettings.connect(journal, (int)
                Math.max(1, settings.timeoutSettings().getOperationTimeout().toSeconds()));
    }
}
