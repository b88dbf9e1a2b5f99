package io.shardview.persistence;

import com.typesafe.config.Config;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Which journal a node runs on, and whether the shared one is ready. The LevelDB journal is a
 * directory of one node; the JDBC journal is a PostgreSQL database every node of a cluster shares,
 * whose tables {@code shardview journal init} creates.
 */
public final class JournalSettings {
    /** The tables of pekko-persistence-jdbc's default schema that a node writes and reads. */
    public static final List<String> REQUIRED_TABLES = List.of("event_journal", "event_tag", "snapshot");

    private static final String JDBC_JOURNAL = "jdbc-journal";
    private static final String LEVELDB_JOURNAL = "pekko.persistence.journal.leveldb";

    private final Config config;

    public JournalSettings(Config config) {
        this.config = config;
    }

    /** Whether the journal is the shared PostgreSQL one. */
    public boolean isShared() {
        return JDBC_JOURNAL.equals(plugin());
    }

    /** Whether the journal is local to this node (LevelDB). */
    public boolean isLocal() {
        return isLocalPlugin(plugin());
    }

    /** Whether the journal plugin of that id keeps its events on this node only. */
    public static boolean isLocalPlugin(String plugin) {
        return LEVELDB_JOURNAL.equals(plugin);
    }

    public String plugin() {
        return config.getString("pekko.persistence.journal.plugin");
    }

    public String url() {
        return config.getString("shardview.journal.url");
    }

    /**
     * Fails with a one-sentence reason unless the shared journal's database answers and holds every
     * table of the schema.
     */
    public void requireSchema() {
        List<String> missing = new ArrayList<>();
        try (Connection connection = connect();
                PreparedStatement exists = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            for (String table : REQUIRED_TABLES) {
                exists.setString(1, table);
                try (ResultSet result = exists.executeQuery()) {
                    result.next();
                    if (!result.getBoolean(1)) missing.add(table);
                }
            }
        } catch (SQLException e) {
            throw new JournalUnavailableException(
                    "cannot reach the journal database " + url() + ": " + e.getMessage(), e);
        }
        if (!missing.isEmpty()) {
            throw new JournalUnavailableException(
                    "the journal database " + url() + " has no " + String.join(", ", missing)
                            + " table; create the schema with `shardview journal init` (same profile and settings as the node)",
                    null);
        }
    }

    /**
     * Records in the shared journal's database that it is region {@code region}'s, the first time a node starts on
     * it, and fails with a one-sentence reason when another region's nodes use it. Cluster Sharding runs per region,
     * so every region runs its own copy of each tenant under the same persistence id: two regions writing one
     * database would interleave two histories of one entity. Each region keeps its journal in a database of its own
     * (docs/regions.md).
     */
    public void claimForRegion(String region) {
        try (Connection connection = connect()) {
            createTableIfAbsent(
                    connection,
                    "CREATE TABLE IF NOT EXISTS shardview_region ("
                            + "id INT PRIMARY KEY CHECK (id = 1), region VARCHAR(255) NOT NULL)");
            try (PreparedStatement claim = connection.prepareStatement(
                    "INSERT INTO shardview_region (id, region) VALUES (1, ?) ON CONFLICT (id) DO NOTHING")) {
                claim.setString(1, region);
                claim.executeUpdate();
            }
            try (var query = connection.createStatement();
                    ResultSet owner = query.executeQuery("SELECT region FROM shardview_region WHERE id = 1")) {
                owner.next();
                String holder = owner.getString(1);
                if (!holder.equals(region)) {
                    throw new JournalUnavailableException(
                            "the journal database " + url() + " belongs to region '" + holder + "' and this node is in "
                                    + "region '" + region + "'; each region keeps its journal in a database of its own "
                                    + "(shardview.journal.url, env SHARDVIEW_JOURNAL_URL), see docs/regions.md",
                            null);
                }
            }
        } catch (SQLException e) {
            throw new JournalUnavailableException(
                    "cannot reach the journal database " + url() + ": " + e.getMessage(), e);
        }
    }

    private Connection connect() throws SQLException {
        return connect(config.getConfig("shardview.journal"), (int) Math.max(
                1,
                config.getDuration("shardview.journal.pool.connection-timeout").toSeconds()));
    }

    /**
     * A plain connection (no pool) to the shared journal's database as {@code journal} ({@code shardview.journal})
     * names it, for the node's own small tables beside the journal's: start-up checks, presence, the resolver's lease.
     */
    public static Connection connect(Config journal, int connectTimeoutSeconds) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", journal.getString("user"));
        properties.setProperty("password", journal.getString("password"));
        properties.setProperty("connectTimeout", String.valueOf(connectTimeoutSeconds));
        return DriverManager.getConnection(journal.getString("url"), properties);
    }

    /**
     * Runs {@code createIfNotExists} (a {@code CREATE TABLE IF NOT EXISTS}), tolerating the node that created the
     * same table at the same moment: PostgreSQL's {@code IF NOT EXISTS} is not atomic, and the loser of two
     * concurrent creations fails on the catalog (nodes of a region start together).
     */
    public static void createTableIfAbsent(Connection connection, String createIfNotExists) throws SQLException {
        try (var create = connection.createStatement()) {
            create.execute(createIfNotExists);
        } catch (SQLException e) {
            // unique_violation (on pg_type), duplicate_table, duplicate_object (its row type): created meanwhile
            boolean createdMeanwhile =
                    java.util.Set.of("23505", "42P07", "42710").contains(e.getSQLState());
            if (!createdMeanwhile) throw e;
            if (!connection.getAutoCommit()) connection.rollback();
        }
    }

    /**
     * Deletes {@code persistenceId}'s events and snapshots after sequence number {@code after} from a PostgreSQL journal,
     * in {@code db}'s transaction.
     */
    public static void deleteAfter(Connection db, String persistenceId, long after) throws SQLException {
        for (String table : List.of("event_journal", "snapshot")) {
            try (PreparedStatement drop =
                    db.prepareStatement("DELETE FROM " + table + " WHERE persistence_id = ? AND sequence_number > ?")) {
                drop.setString(1, persistenceId);
                drop.setLong(2, after);
                drop.executeUpdate();
            }
        }
    }

    /** The shared journal cannot be used; the message says why and what to do. */
    public static final class JournalUnavailableException extends RuntimeException {
        JournalUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
