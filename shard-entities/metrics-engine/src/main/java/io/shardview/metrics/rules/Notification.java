package io.shardview.metrics.rules;

import java.util.SortedMap;

/**
 * An alert as sent to Alertmanager's {@code POST /api/v2/alerts} (Prometheus's rules.SendAlerts): {@code startsAt}
 * is when it started firing; {@code endsAt} when it was resolved, or, while it fires, how long Alertmanager should
 * believe it without hearing again. Times in milliseconds.
 */
public record Notification(
        SortedMap<String, String> labels,
        SortedMap<String, String> annotations,
        long startsAt,
        long endsAt,
        String generatorURL) {}
