package io.shardview.metrics.rules;

import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One alert of an alerting rule, as Prometheus keeps it between evaluations (rules/alerting.go): its identifying
 * labels (the series' labels with the rule's labels and {@code alertname}), its annotations and value as of the last
 * evaluation, and the times it changed state. Times are milliseconds; 0 means never.
 *
 * @param activeAt when it became pending
 * @param firedAt when it started firing
 * @param resolvedAt when it stopped firing (kept 15 minutes after, so Alertmanager hears it resolved)
 * @param keepFiringSince when its series went away while firing (only with {@code keep_firing_for})
 * @param lastSentAt when it was last sent to Alertmanager
 * @param validUntil the end time given to Alertmanager with the last send of a firing alert
 */
public record Alert(
        SortedMap<String, String> labels,
        SortedMap<String, String> annotations,
        State state,
        double value,
        long activeAt,
        long firedAt,
        long resolvedAt,
        long keepFiringSince,
        long lastSentAt,
        long validUntil) {

    /** An alert's state; {@code INACTIVE} is a resolved alert kept for its last notification. */
    public enum State {
        INACTIVE,
        PENDING,
        FIRING;

        /** The name Prometheus gives the state ({@code alertstate} label, {@code api/v1/alerts}). */
        public String words() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Alert {
        labels = new TreeMap<>(labels);
        annotations = new TreeMap<>(annotations);
    }

    /** A new pending alert. */
    static Alert pending(
            SortedMap<String, String> labels, SortedMap<String, String> annotations, double value, long at) {
        return new Alert(labels, annotations, State.PENDING, value, at, 0, 0, 0, 0, 0);
    }

    Alert withValue(double newValue, SortedMap<String, String> newAnnotations) {
        return new Alert(
                labels,
                newAnnotations,
                state,
                newValue,
                activeAt,
                firedAt,
                resolvedAt,
                keepFiringSince,
                lastSentAt,
                validUntil);
    }

    Alert withState(State newState, long newFiredAt, long newResolvedAt) {
        return new Alert(
                labels,
                annotations,
                newState,
                value,
                activeAt,
                newFiredAt,
                newResolvedAt,
                keepFiringSince,
                lastSentAt,
                validUntil);
    }

    Alert withKeepFiringSince(long since) {
        return new Alert(
                labels, annotations, state, value, activeAt, firedAt, resolvedAt, since, lastSentAt, validUntil);
    }

    Alert sent(long at, long until) {
        return new Alert(labels, annotations, state, value, activeAt, firedAt, resolvedAt, keepFiringSince, at, until);
    }
}
