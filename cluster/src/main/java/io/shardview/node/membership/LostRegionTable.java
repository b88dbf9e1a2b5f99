package io.shardview.node.membership;

import com.typesafe.config.Config;
import io.shardview.persistence.JournalSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;

/**
 * The region's record of lost regions and of the events its tenants set aside, in the region's journal database
 * (docs/regions.md, "Failover"). {@code shardview_lost_regions}: one row per region ever declared lost, with when it
 * was readmitted (null while it is lost). {@code shardview_diverged}: the events a replica here held past a newer
 * home's start, moved out of {@code event_journal} as they were stored, for {@code shardview journal diverged}.
 */
public final class LostRegionTable {
    /** The regions declared lost now, and every region ever declared lost. */
    public record Record(Set<String> lost, Set<String> ever) {}

    private final Config journal;

    public LostRegionTable(Config config) {
        this.journal = config.getConfig("shardview.journal");
    }

    private Connection connect() throws SQLException {
        Connection connection = JournalSettings.connect(journal, 10);
        JournalSettings.createTableIfAbsent(
                connection,
                "CREATE TABLE IF NOT EXISTS shardview_lost_regions (region VARCHAR(255) PRIMARY KEY,"
                        + " declared_at TIMESTAMPTZ NOT NULL, declared_in VARCHAR(255) NOT NULL,"
                        + " readmitted_at TIMESTAMPTZ)");
        return connection;
    }

    /** The region's record as stored. */
    public Record load() throws SQLException {
        Set<String> lost = new HashSet<>();
        Set<String> ever = new HashSet<>();
        try (Connection db = connect();
                var query = db.createStatement();
                ResultSet rows = query.executeQuery("SELECT region, readmitted_at FROM shardview_lost_regions")) {
            while (rows.next()) {
                ever.add(rows.getString(1));
                if (rows.getTimestamp(2) == null) lost.add(rows.getString(1));
            }
        }
        return new Record(lost, ever);
    }

    /** Records {@code region} lost (again, if it was readmitted), as declared in {@code declaredIn}. */
    public void declare(String region, String declaredIn) throws SQLException {
        try (Connection db = connect();
                PreparedStatement insert = db.prepareStatement(
                        "INSERT INTO shardview_lost_regions (region, declared_at, declared_in) VALUES (?, now(), ?)"
                                + " ON CONFLICT (region) DO UPDATE SET declared_at = now(), declared_in = ?,"
                                + " readmitted_at = NULL WHERE shardview_lost_regions.readmitted_at IS NOT NULL")) {
            insert.setString(1, region);
            insert.setString(2, declaredIn);
            insert.setString(3, declaredIn);
            insert.executeUpdate();
        }
    }

    /** Records {@code region} readmitted: it may be a tenant's home again. Its row stays, as history. */
    public void readmit(String region) throws SQLException {
        try (Connection db = connect();
                PreparedStatement update = db.prepareStatement("UPDATE shardview_lost_regions SET readmitted_at = now()"
                        + " WHERE region = ? AND readmitted_at IS NULL")) {
            update.setString(1, region);
            update.executeUpdate();
        }
    }

    /**
     * Moves the events of {@code persistenceId} after {@code after}, and drops its snapshots after it, in one
     * transaction: the events go to {@code shardview_diverged} as stored, naming the home and epoch that replaced
     * them. Returns how many events moved.
     */
    public int setAside(String persistenceId, long after, String newHome, long epoch) throws SQLException {
        try (Connection db = connect()) {
            JournalSettings.createTableIfAbsent(db, DIVERGED_TABLE);
            db.setAutoCommit(false);
            int moved;
            try (PreparedStatement copy = db.prepareStatement("INSERT INTO shardview_diverged (persistence_id,"
                    + " sequence_number, set_aside_at, new_home, new_epoch, event_ser_id, event_ser_manifest,"
                    + " event_payload) SELECT persistence_id, sequence_number, now(), ?, ?, event_ser_id,"
                    + " event_ser_manifest, event_payload FROM event_journal WHERE persistence_id = ?"
                    + " AND sequence_number > ? ON CONFLICT DO NOTHING")) {
                copy.setString(1, newHome);
                copy.setLong(2, epoch);
                copy.setString(3, persistenceId);
                copy.setLong(4, after);
                moved = copy.executeUpdate();
            }
            JournalSettings.deleteAfter(db, persistenceId, after);
            db.commit();
            return moved;
        }
    }

    /** The set-aside table, created by the first replica that sets events aside (or by {@code journal diverged}). */
    public static final String DIVERGED_TABLE = "CREATE TABLE IF NOT EXISTS shardview_diverged ("
            + "persistence_id VARCHAR(255) NOT NULL, sequence_number BIGINT NOT NULL,"
            + " set_aside_at TIMESTAMPTZ NOT NULL, new_home VARCHAR(255) NOT NULL, new_epoch BIGINT NOT NULL,"
            + " event_ser_id INTEGER NOT NULL, event_ser_manifest VARCHAR(255) NOT NULL, event_payload BYTEA NOT NULL,"
            + " PRIMARY KEY (persistence_id, sequence_number, new_epoch))";
}
