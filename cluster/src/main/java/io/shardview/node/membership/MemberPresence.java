package io.shardview.node.membership;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a restarted first seed node from forming a second cluster beside the running one. Pekko lets the first node of
 * the seed list form a new cluster when no other seed answers it within {@code seed-node-timeout} (5 s); a node
 * restarted while the others are busy (recovering its tenants, under load) then forms a cluster of its own, and both
 * clusters run every tenant over the one journal (the journal's keys refuse the second writer, so nothing is corrupted,
 * but the tenants stop). So every node of a region on the shared journal records in its database that it is alive
 * ({@code shardview_members}, every {@link #EVERY}), and a node that finds itself first in its seed list while another
 * node of its region is recording its presence (seen twice, {@link #EVERY} apart) puts itself last: it then only joins,
 * never forms. Nodes that all died at once stop recording, so the first of them to start again still forms the cluster.
 *
 * <p>The nodes of other regions record their presence in their own regions' databases, which this node cannot read.
 * So a first seed whose region has no other live node looks at the other seeds' remoting ports: if one accepts a
 * connection, a node runs there, and this node waits {@code shardview.cluster.first-seed-wait} (30 s) for the seeds to
 * answer before it forms a cluster of its own (Pekko's {@code seed-node-timeout}). A seed that is a member answers
 * "join me" and a seed that is itself starting answers "not yet" (then this node forms the cluster at once), so the
 * wait only runs out when the nodes there do not answer at all.
 */
public final class MemberPresence implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MemberPresence.class);
    static final Duration EVERY = Duration.ofSeconds(2);
    /** A node seen this recently is alive (it may be restarting or busy). */
    static final Duration ALIVE = Duration.ofSeconds(15);

    private static final String CREATE = "CREATE TABLE IF NOT EXISTS shardview_members ("
            + "address VARCHAR(255) PRIMARY KEY, seen_at TIMESTAMPTZ NOT NULL)";

    private final Config journal;
    private final String self;
    private final ScheduledExecutorService timer;

    private MemberPresence(Config journal, String self) {
        this.journal = journal;
        this.self = self;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "shardview-member-presence");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * The node's configuration, with its seed list reordered when it is first and another node of its region is
     * alive; and from now on this node's own presence, recorded every {@link #EVERY} until closed.
     */
    public static MemberPresence start(Config config, String self) {
        MemberPresence presence = new MemberPresence(config.getConfig("shardview.journal"), self);
        presence.timer.scheduleWithFixedDelay(presence::record, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return presence;
    }

    /** {@code config}, with this node moved to the end of its seed list if it is first and others are alive. */
    public static Config seedsFor(Config config, String self) {
        List<String> seeds = config.getStringList("pekko.cluster.seed-nodes");
        if (seeds.size() < 2 || !seeds.get(0).equals(self)) return config;
        List<String> alive;
        try {
            java.util.Map<String, java.sql.Timestamp> before = seenOthers(config.getConfig("shardview.journal"), self);
            if (before.isEmpty()) return waitForListeningSeeds(config, seeds);
            Thread.sleep(EVERY.toMillis() + 1000);
            java.util.Map<String, java.sql.Timestamp> after = seenOthers(config.getConfig("shardview.journal"), self);
            alive = after.entrySet().stream()
                    .filter(seen -> !seen.getValue().equals(before.get(seen.getKey())))
                    .map(java.util.Map.Entry::getKey)
                    .sorted()
                    .toList();
        } catch (SQLException e) {
            return config; // the start-up checks of the journal report an unreachable database
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return config;
        }
        if (alive.isEmpty()) return waitForListeningSeeds(config, seeds);
        List<String> reordered = new ArrayList<>(seeds.subList(1, seeds.size()));
        reordered.add(self);
        LOG.info(
                "{} is first in its seed list, but {} of its region are alive: it joins them and does not form a"
                        + " cluster of its own",
                self,
                alive);
        return config.withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(reordered));
    }

    /**
     * {@code config} with Pekko's {@code seed-node-timeout} set to {@code shardview.cluster.first-seed-wait} when one of
     * the other seeds accepts a connection on its remoting port.
     */
    static Config waitForListeningSeeds(Config config, List<String> seeds) {
        List<String> listening = new ArrayList<>();
        for (String seed : seeds.subList(1, seeds.size())) {
            if (accepts(seed)) listening.add(seed);
        }
        if (listening.isEmpty()) return config;
        Duration wait = config.getDuration("shardview.cluster.first-seed-wait");
        LOG.info(
                "{} is first in its seed list and {} accept connections: it waits up to {} for them to answer"
                        + " before it forms a cluster of its own",
                seeds.get(0),
                listening,
                wait);
        return config.withValue(
                "pekko.cluster.seed-node-timeout", ConfigValueFactory.fromAnyRef(wait.toMillis() + "ms"));
    }

    /** Whether the remoting port of {@code seed} ({@code pekko://system@host:port}) accepts a connection. */
    private static boolean accepts(String seed) {
        org.apache.pekko.actor.Address address;
        try {
            address = org.apache.pekko.actor.AddressFromURIString.parse(seed);
        } catch (RuntimeException e) {
            return false; // Pekko refuses the list itself at start
        }
        return RemotingPort.probe(RemotingPort.of(address)) == RemotingPort.Answer.ACCEPTED;
    }

    /** The other nodes seen within {@link #ALIVE}, with when they were last seen. */
    private static java.util.Map<String, java.sql.Timestamp> seenOthers(Config journal, String self)
            throws SQLException {
        java.util.Map<String, java.sql.Timestamp> alive = new java.util.HashMap<>();
        try (Connection c = connect(journal)) {
            io.shardview.persistence.JournalSettings.createTableIfAbsent(c, CREATE);
            try (PreparedStatement query = c.prepareStatement("SELECT address, seen_at FROM shardview_members "
                    + "WHERE address <> ? AND seen_at > now() - make_interval(secs => ?)")) {
                query.setString(1, self);
                query.setDouble(2, ALIVE.toSeconds());
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) alive.put(rows.getString(1), rows.getTimestamp(2));
                }
            }
        }
        return alive;
    }

    private void record() {
        try (Connection c = connect(journal)) {
            io.shardview.persistence.JournalSettings.createTableIfAbsent(c, CREATE);
            try (PreparedStatement upsert = c.prepareStatement("INSERT INTO shardview_members (address, seen_at) "
                    + "VALUES (?, now()) ON CONFLICT (address) DO UPDATE SET seen_at = now()")) {
                upsert.setString(1, self);
                upsert.executeUpdate();
            }
        } catch (SQLException e) {
            LOG.debug("recording the presence of {} failed: {}", self, e.toString());
        }
    }

    /** Stops recording this node's presence, as a node that died would (its row stays). */
    void stopRecording() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS); // a recording under way ends
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops recording and forgets this node (it left on purpose: it will not rejoin within moments). */
    @Override
    public void close() {
        stopRecording();
        try (Connection c = connect(journal);
                PreparedStatement delete = c.prepareStatement("DELETE FROM shardview_members WHERE address = ?")) {
            delete.setString(1, self);
            delete.executeUpdate();
        } catch (SQLException e) {
            LOG.debug("forgetting the presence of {} failed: {}", self, e.toString());
        }
    }

    private static Connection connect(Config journal) throws SQLException {
        return io.shardview.persistence.JournalSettings.connect(journal, 5);
    }
}
