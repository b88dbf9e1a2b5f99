package io.shardview.entity.tenant;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * How a node's group commit sends a tenant's batches ({@link TenantIngress}), from {@code shardview.tenant}
 * (config/tenant.conf documents each key).
 *
 * @param askTimeout a batch's deadline at its entity, past which it is sent no more
 * @param replyGrace how much longer its reply is waited for (an attempt sent in time may still be applied)
 * @param attemptTimeout how long one attempt of a group of batches with ids waits before it is sent again
 * @param groupMaxOps ops per group, beyond which the queue waits for the next group
 * @param queueMaxBatches batches queued per tenant before new ones are refused as overload
 * @param queueMaxWait how long the oldest queued batch may have waited before new ones are refused as overload
 * @param idleAfter how long a tenant's queue waits for batches before it goes away
 * @param unreachableAskTimeout how long one attempt waits while a node of this region is unreachable (then it is not
 *     sent again)
 */
public record GroupCommitSettings(
        Duration askTimeout,
        Duration replyGrace,
        Duration attemptTimeout,
        int groupMaxOps,
        int queueMaxBatches,
        Duration queueMaxWait,
        Duration idleAfter,
        Duration unreachableAskTimeout) {

    /** Reads the settings from the node's configuration. */
    public static GroupCommitSettings from(Config config) {
        Config c = config.getConfig("shardview.tenant");
        return new GroupCommitSettings(
                c.getDuration("ask-timeout"),
                c.getDuration("reply-grace"),
                c.getDuration("retry-attempt-timeout"),
                c.getInt("group-commit.max-ops"),
                c.getInt("group-commit.queue-batches"),
                c.getDuration("group-commit.max-queue-wait"),
                c.getDuration("group-commit.idle-after"),
                c.getDuration("unreachable-ask-timeout"));
    }
}
