package io.shardview.http.tenant;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The HTTP-side limits of the tenant API, from {@code shardview.tenant} (documented in config/tenant.conf).
 * askTimeout: a request's deadline at its entity (past it the entity refuses to start it); replyGrace: how much
 * longer the route waits for the answer of a write that started in time; unreachableAskTimeout: how long any request
 * waits while a node of this region is unreachable ({@link io.shardview.entity.RegionHealth}).
 */
public record TenantHttpSettings(
        int batchMaxOps,
        long maxRequestBytes,
        Duration askTimeout,
        Duration replyGrace,
        int readDefaultLimit,
        int readMaxLimit,
        Duration readMaxWait,
        Duration streamHeartbeat,
        int streamBufferChanges,
        Duration retryAttemptTimeout,
        Duration unreachableAskTimeout) {

    public static TenantHttpSettings from(Config config) {
        Config c = config.getConfig("shardview.tenant");
        return new TenantHttpSettings(
                c.getInt("batch-max-ops"),
                c.getBytes("max-request-bytes"),
                c.getDuration("ask-timeout"),
                c.getDuration("reply-grace"),
                c.getInt("read-default-limit"),
                c.getInt("read-max-limit"),
                c.getDuration("read-max-wait"),
                c.getDuration("stream-heartbeat"),
                c.getInt("stream-buffer-changes"),
                c.getDuration("retry-attempt-timeout"),
                c.getDuration("unreachable-ask-timeout"));
    }
}
