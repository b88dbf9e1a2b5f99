package io.shardview.metrics.rules;

import io.shardview.metrics.index.Labels;
import io.shardview.metrics.promql.evaluation.Evaluator;
import io.shardview.metrics.promql.evaluation.QueryResult;
import io.shardview.metrics.promql.evaluation.Sample;
import io.shardview.metrics.promql.parser.PromqlPrinter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a rule group carries from one evaluation to the next, and the evaluation of one rule at a time over its query's
 * result, with Prometheus 2.42's semantics (rules/recording.go, rules/alerting.go, rules/manager.go): a recording
 * rule's vector renamed and relabelled; an alerting rule's series become alerts, pending until they have been for
 * {@code for}, then firing, kept firing for {@code keep_firing_for} once gone, then resolved and remembered 15 minutes
 * for Alertmanager; {@code ALERTS} and {@code ALERTS_FOR_STATE} written for every pending or firing alert; a staleness
 * marker for every series a rule produced at its last good evaluation and not now.
 *
 * <p>The caller runs the rules in order, each one's query after the previous one's samples are stored (a rule reads
 * what the rules before it recorded at the same time): {@link #apply} with the query's result or {@link #fail} with its
 * error, then {@link #stored} once the samples are durable. Owned by one thread at a time; {@link #copy} gives an
 * evaluation its own.
 */
public final class GroupState {
    /** How long a resolved alert is kept, so that Alertmanager is told it resolved (Prometheus's resolvedRetention). */
    public static final long RESOLVED_RETENTION_MILLIS = 15 * 60_000;

    /** At most this many alerts per rule, whatever its group's limit: an evaluation's state stays journalable. */
    public static final int MAX_ALERTS_PER_RULE = 10_000;

    private static final double STALE_NAN = Double.longBitsToDouble(Evaluator.STALE_NAN_BITS);

    private final RuleGroup group;
    private final String externalURL;
    private final List<TreeMap<Labels, Alert>> active = new ArrayList<>();
    private final List<Set<Labels>> previous = new ArrayList<>();
    private final List<RuleHealth> health = new ArrayList<>();
    /** Each alerting rule's parsed templates (null for a recording rule). */
    private final List<RuleTemplates> templates = new ArrayList<>();

    /** A group before its first evaluation; {@code externalURL} is the node's address for templates and links. */
    public GroupState(RuleGroup group, String externalURL) {
        this.group = group;
        this.externalURL = externalURL;
        for (int i = 0; i < group.rules().size(); i++) {
            active.add(new TreeMap<>());
            previous.add(new HashSet<>());
            health.add(RuleHealth.UNKNOWN);
            templates.add(group.rules().get(i) instanceof Rule.Alerting a ? new RuleTemplates(a) : null);
        }
    }

    /** The group evaluated. */
    public RuleGroup group() {
        return group;
    }

    /** An independent copy, for an evaluation that may not be kept. */
    public GroupState copy() {
        GroupState copy = new GroupState(group, externalURL);
        for (int i = 0; i < group.rules().size(); i++) {
            copy.active.get(i).putAll(active.get(i));
            copy.previous.get(i).addAll(previous.get(i));
            copy.health.set(i, health.get(i));
        }
        return copy;
    }

    /**
     * The state for {@code changed}, the group as reconfigured: each rule takes the alerts and series of the rule with
     * the same name and labels here (Prometheus's copyState on a reload), the others start afresh.
     */
    public GroupState reconfigured(RuleGroup changed) {
        GroupState next = new GroupState(changed, externalURL);
        Map<String, Integer> byIdentity = new java.util.HashMap<>();
        for (int i = 0; i < group.rules().size(); i++)
            byIdentity.putIfAbsent(identity(group.rules().get(i)), i);
        for (int i = 0; i < changed.rules().size(); i++) {
            Integer old = byIdentity.remove(identity(changed.rules().get(i)));
            if (old == null) continue;
            next.active.get(i).putAll(active.get(old));
            next.previous.get(i).addAll(previous.get(old));
            next.health.set(i, health.get(old));
        }
        return next;
    }

    private static String identity(Rule rule) {
        return (rule instanceof Rule.Alerting ? "alert:" : "record:") + rule.name() + rule.labels();
    }

    /** Rule {@code rule}'s alerts, in label order (none for a recording rule). */
    public List<Alert> alerts(int rule) {
        return List.copyOf(active.get(rule).values());
    }

    /** Puts back alerts kept from an earlier evaluation (a recovered group's journaled state). */
    public void restoreAlerts(int rule, List<Alert> alerts) {
        TreeMap<Labels, Alert> map = active.get(rule);
        map.clear();
        for (Alert alert : alerts) map.put(Labels.of(alert.labels()), alert);
    }

    /** How rule {@code rule}'s last evaluation went. */
    public RuleHealth health(int rule) {
        return health.get(rule);
    }

    /** Puts back a rule's health kept from an earlier evaluation. */
    public void restoreHealth(int rule, RuleHealth restored) {
        health.set(rule, restored);
    }

    /** Rule {@code rule}'s query failed at {@code time}: it produces nothing and keeps its state. */
    public RuleResult fail(int rule, long time, String error, double seconds) {
        health.set(rule, new RuleHealth("err", error, time, seconds));
        return RuleResult.failed(time, error);
    }

    /**
     * Rule {@code rule} at {@code time}, given its expression's value then: the samples to store, or an error (which,
     * like a failed query, leaves the rule's series as they were). {@code seconds} is how long the query took.
     */
    public RuleResult apply(int rule, long time, QueryResult result, double seconds) {
        List<Sample> vector;
        if (result instanceof QueryResult.Vector v) vector = v.samples();
        else if (result instanceof QueryResult.Scalar s) vector = List.of(new Sample(Labels.of(), s.value()));
        else return fail(rule, time, "rule result is not a vector or scalar", seconds);
        Rule r = group.rules().get(rule);
        try {
            List<Sample> out = r instanceof Rule.Alerting a ? alerting(rule, a, time, vector) : recording(r, vector);
            health.set(rule, new RuleHealth("ok", "", time, seconds));
            return withStaleness(rule, time, out);
        } catch (RuleFailure e) {
            return fail(rule, time, e.getMessage(), seconds);
        }
    }

    /** Rule {@code rule}'s samples of {@code result} are stored: the series it returned are the ones it has. */
    public void stored(int rule, RuleResult result) {
        Set<Labels> has = previous.get(rule);
        has.clear();
        has.addAll(result.returned());
    }

    /** Rule {@code rule}'s samples could not be stored. */
    public void storeFailed(int rule, long time, String error) {
        RuleHealth was = health.get(rule);
        health.set(rule, new RuleHealth("err", error, time, was.evaluationSeconds()));
    }

    private List<Sample> recording(Rule rule, List<Sample> vector) {
        List<Sample> out = new ArrayList<>(vector.size());
        Set<Labels> seen = new HashSet<>();
        for (Sample sample : vector) {
            Map<String, String> labels = sample.labels().toMap();
            labels.put(Labels.METRIC_NAME, rule.name());
            rule.labels().forEach((name, value) -> put(labels, name, value));
            Labels relabelled = Labels.of(labels);
            if (!seen.add(relabelled)) {
                throw new RuleFailure("vector contains metrics with the same labelset after applying rule labels");
            }
            out.add(new Sample(relabelled, sample.value()));
        }
        if (group.limit() > 0 && out.size() > group.limit()) {
            throw new RuleFailure("exceeded limit of " + group.limit() + " with " + out.size() + " series");
        }
        return out;
    }

    private List<Sample> alerting(int index, Rule.Alerting rule, long time, List<Sample> vector) {
        Map<Labels, Alert> fresh = new TreeMap<>();
        for (Sample sample : vector) {
            Alert alert = templates.get(index).alert(sample, time, externalURL);
            Labels key = Labels.of(alert.labels());
            if (fresh.put(key, alert) != null) {
                throw new RuleFailure("vector contains metrics with the same labelset after applying alert labels");
            }
        }
        if (fresh.size() > MAX_ALERTS_PER_RULE) {
            throw new RuleFailure("exceeded this node's limit of " + MAX_ALERTS_PER_RULE + " alerts per rule with "
                    + fresh.size() + " alerts");
        }
        TreeMap<Labels, Alert> alerts = active.get(index);
        fresh.forEach((key, alert) -> {
            Alert known = alerts.get(key);
            if (known != null && known.state() != Alert.State.INACTIVE) {
                alerts.put(key, known.withValue(alert.value(), alert.annotations()));
            } else {
                alerts.put(key, alert);
            }
        });
        List<Sample> out = new ArrayList<>();
        int activeOrPending = 0;
        for (Labels key : List.copyOf(alerts.keySet())) {
            Alert alert = alerts.get(key);
            if (!fresh.containsKey(key)) {
                boolean keepFiring = false;
                if (alert.state() == Alert.State.FIRING && rule.keepFiringForMillis() > 0) {
                    if (alert.keepFiringSince() == 0) alert = alert.withKeepFiringSince(time);
                    keepFiring = time - alert.keepFiringSince() < rule.keepFiringForMillis();
                }
                if (alert.state() == Alert.State.PENDING
                        || (alert.resolvedAt() != 0 && time - alert.resolvedAt() > RESOLVED_RETENTION_MILLIS)) {
                    alerts.remove(key);
                } else {
                    alerts.put(key, alert);
                }
                if (alert.state() != Alert.State.INACTIVE && !keepFiring) {
                    alert = alert.withState(Alert.State.INACTIVE, alert.firedAt(), time);
                    if (alerts.containsKey(key)) alerts.put(key, alert);
                }
                if (!keepFiring) continue;
            } else if (alert.keepFiringSince() != 0) {
                alert = alert.withKeepFiringSince(0);
            }
            activeOrPending++;
            if (alert.state() == Alert.State.PENDING && time - alert.activeAt() >= rule.forMillis()) {
                alert = alert.withState(Alert.State.FIRING, time, alert.resolvedAt());
            }
            alerts.put(key, alert);
            out.add(new Sample(
                    series(rule, alert, "ALERTS")
                            .with("alertstate", alert.state().words()),
                    1));
            out.add(new Sample(series(rule, alert, "ALERTS_FOR_STATE"), Math.floorDiv(alert.activeAt(), 1000)));
        }
        if (group.limit() > 0 && activeOrPending > group.limit()) {
            alerts.clear();
            throw new RuleFailure("exceeded limit of " + group.limit() + " with " + activeOrPending + " alerts");
        }
        return out;
    }

    /**
     * An alert's series named {@code name}: the rule's labels as written, overwritten by the alert's (which hold the
     * rule's expanded), as Prometheus builds them; so a label whose template expanded to nothing keeps its text.
     */
    private static Labels series(Rule.Alerting rule, Alert alert, String name) {
        Map<String, String> labels = new TreeMap<>(rule.labels());
        labels.putAll(alert.labels());
        labels.put(Labels.METRIC_NAME, name);
        return Labels.of(labels);
    }

    private RuleResult withStaleness(int rule, long time, List<Sample> out) {
        Set<Labels> returned = new HashSet<>();
        for (Sample s : out) returned.add(s.labels());
        List<Sample> samples = new ArrayList<>(out);
        List<Labels> gone = new ArrayList<>();
        for (Labels had : previous.get(rule)) {
            if (!returned.contains(had)) gone.add(had);
        }
        gone.sort(null);
        for (Labels had : gone) samples.add(new Sample(had, STALE_NAN));
        return new RuleResult(time, samples, returned, null);
    }

    /**
     * The alerts of rule {@code rule} to send to Alertmanager after its evaluation at {@code time}, marked sent
     * (Prometheus's sendAlerts): firing ones every {@code resendDelayMillis}, resolved ones at once and then with
     * every resend while they are kept.
     */
    public List<Notification> notifications(int rule, long time, long resendDelayMillis, long intervalMillis) {
        List<Notification> out = new ArrayList<>();
        long validFor = 4 * Math.max(resendDelayMillis, intervalMillis);
        TreeMap<Labels, Alert> alerts = active.get(rule);
        String link = generatorURL(group.rules().get(rule));
        for (Map.Entry<Labels, Alert> e : alerts.entrySet()) {
            Alert alert = e.getValue();
            if (!needsSending(alert, time, resendDelayMillis)) continue;
            alert = alert.sent(time, time + validFor);
            e.setValue(alert);
            long ends = alert.resolvedAt() != 0 ? alert.resolvedAt() : alert.validUntil();
            out.add(new Notification(alert.labels(), alert.annotations(), alert.firedAt(), ends, link));
        }
        return out;
    }

    private static boolean needsSending(Alert alert, long time, long resendDelayMillis) {
        if (alert.state() == Alert.State.PENDING) return false;
        if (alert.resolvedAt() > alert.lastSentAt()) return true;
        return alert.lastSentAt() == 0 || alert.lastSentAt() + resendDelayMillis < time; // 0: never sent
    }

    private String generatorURL(Rule rule) {
        String expr = PromqlPrinter.print(rule.expr());
        return externalURL + "/graph?g0.expr=" + URLEncoder.encode(expr, StandardCharsets.UTF_8) + "&g0.tab=1";
    }

    static void put(Map<String, String> labels, String name, String value) {
        if (value.isEmpty()) labels.remove(name);
        else labels.put(name, value);
    }

    /** A rule's evaluation failed in a way Prometheus reports as the rule's error. */
    static final class RuleFailure extends RuntimeException {
        RuleFailure(String message) {
            super(message, null, false, false);
        }
    }
}
