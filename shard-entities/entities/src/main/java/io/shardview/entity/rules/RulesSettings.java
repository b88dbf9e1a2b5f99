package io.shardview.entity.rules;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Settings of rules evaluated in the cluster, from {@code shardview.rules} (config/rules.conf documents each key).
 *
 * @param shardsPerTenant the metrics shards a tenant's series are spread over ({@code shardview.metrics})
 * @param attemptTimeout how long one ask to a metrics shard waits before it is sent again
 * @param askTimeout how long all attempts of one ask together may take
 * @param maxPointsPerQuery the points a rule's query may read
 * @param futureTolerance how far ahead of this node's clock a stored point may lie
 */
public record RulesSettings(
        long evaluationIntervalMillis,
        long maxCatchUpMillis,
        Duration queryTimeout,
        long resendDelayMillis,
        List<String> alertmanagerUrls,
        String externalUrl,
        int maxPendingNotifications,
        int shardsPerTenant,
        Duration attemptTimeout,
        Duration askTimeout,
        long maxPointsPerQuery,
        Duration futureTolerance) {

    /** Groups a tenant may have in all its namespaces. */
    public static final int MAX_GROUPS_PER_TENANT = 200;

    /** Rules a tenant may have in all its groups. */
    public static final int MAX_RULES_PER_TENANT = 2_000;

    /** From the node's configuration. */
    public static RulesSettings from(Config config) {
        Config c = config.getConfig("shardview.rules");
        Config m = config.getConfig("shardview.metrics");
        long interval = c.getDuration("evaluation-interval").toMillis();
        if (interval < 1000) {
            throw new IllegalArgumentException("shardview.rules.evaluation-interval must be at least 1s");
        }
        List<String> urls = Arrays.stream(c.getString("alertmanager-urls").split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(s -> s.endsWith("/") ? s.substring(0, s.length() - 1) : s)
                .toList();
        for (String url : urls) {
            if (!url.startsWith("http://") && !url.startsWith("https://")) {
                throw new IllegalArgumentException(
                        "shardview.rules.alertmanager-urls: \"" + url + "\" is not an http:// or https:// address");
            }
        }
        String external = c.getString("external-url");
        return new RulesSettings(
                interval,
                c.getDuration("max-catch-up").toMillis(),
                c.getDuration("query-timeout"),
                c.getDuration("resend-delay").toMillis(),
                urls,
                external.endsWith("/") ? external.substring(0, external.length() - 1) : external,
                c.getInt("max-pending-notifications"),
                m.getInt("shards-per-tenant"),
                m.getDuration("retry-attempt-timeout"),
                m.getDuration("ask-timeout"),
                m.getLong("max-points-per-query"),
                m.getDuration("future-tolerance"));
    }
}
