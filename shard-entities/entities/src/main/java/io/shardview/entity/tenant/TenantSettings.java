package io.shardview.entity.tenant;

import com.typesafe.config.Config;
import java.time.Duration;

/** Per-tenant limits and retention, from {@code shardview.tenant} (config/tenant.conf documents each key). */
public record TenantSettings(
        int maxViews,
        int historyMaxChanges,
        long historyMaxRows,
        int rememberedBatchIds,
        int snapshotEveryEvents,
        long snapshotEveryOps,
        int keepSnapshots,
        boolean deleteEventsOnSnapshot,
        Duration passivateIdleAfter,
        int sqlMaxWaiting) {

    /** The node's SQL planner, from {@code shardview.tenant.sql}. */
    public static SqlPlanning planning(Config config) {
        Config c = config.getConfig("shardview.tenant.sql");
        return new SqlPlanning(
                c.getInt("planner-threads"),
                c.getInt("planner-queue"),
                c.getDuration("plan-budget"),
                c.getInt("max-depth"));
    }

    /** Reads the settings from the node's configuration. */
    public static TenantSettings from(Config config) {
        Config c = config.getConfig("shardview.tenant");
        return new TenantSettings(
                c.getInt("max-views"),
                c.getInt("change-history.max-changes"),
                c.getLong("change-history.max-rows"),
                c.getInt("remembered-batch-ids"),
                c.getInt("snapshot-every-events"),
                c.getLong("snapshot-every-ops"),
                c.getInt("keep-snapshots"),
                c.getBoolean("delete-events-on-snapshot"),
                c.getDuration("passivate-idle-after"),
                c.getInt("sql.max-waiting-per-tenant"));
    }
}
