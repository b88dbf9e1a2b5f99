package io.shardview.metrics.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.metrics.index.Labels;
import io.shardview.metrics.promql.evaluation.Evaluator;
import io.shardview.metrics.promql.evaluation.QueryResult;
import io.shardview.metrics.promql.evaluation.Sample;
import io.shardview.metrics.promql.parser.PromqlParser;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The parts of a group's evaluation that promtool does not check: errors, limits, notifications, reloads. */
class GroupStateTest {
    private static final long MINUTE = 60_000;

    private static RuleGroup group(int limit, Rule... rules) {
        return new RuleGroup("g", 0, limit, List.of(rules));
    }

    private static Rule.Recording record(String name, String expr, Map<String, String> labels) {
        return new Rule.Recording(name, expr, PromqlParser.parse(expr), new TreeMap<>(labels));
    }

    private static Rule.Alerting alert(String name, long forMillis) {
        return new Rule.Alerting(
                name,
                "up == 0",
                PromqlParser.parse("up == 0"),
                forMillis,
                0,
                new TreeMap<>(),
                new TreeMap<>(Map.of("summary", "down")));
    }

    private static QueryResult vector(long t, Sample... samples) {
        return new QueryResult.Vector(t, List.of(samples));
    }

    private static Sample up(String instance, double value) {
        return new Sample(Labels.of("__name__", "up", "instance", instance), value);
    }

    @Test
    void aRecordingRuleRenamesRelabelsAndMarksGoneSeriesStale() {
        GroupState state = new GroupState(group(0, record("r", "up", Map.of("team", "a", "instance", ""))), "");
        RuleResult first = state.apply(0, MINUTE, vector(MINUTE, up("x", 1)), 0);
        assertEquals(List.of(new Sample(Labels.of("__name__", "r", "team", "a"), 1)), first.samples());
        state.stored(0, first);
        RuleResult second = state.apply(0, 2 * MINUTE, vector(2 * MINUTE), 0);
        assertEquals(1, second.samples().size());
        assertEquals(
                Evaluator.STALE_NAN_BITS,
                Double.doubleToRawLongBits(second.samples().get(0).value()),
                "stale marker");
    }

    @Test
    void aScalarIsRecordedAsASeriesWithOnlyItsName() {
        GroupState state = new GroupState(group(0, record("s", "1", Map.of())), "");
        RuleResult out = state.apply(0, MINUTE, new QueryResult.Scalar(MINUTE, 3), 0);
        assertEquals(List.of(new Sample(Labels.of("__name__", "s"), 3)), out.samples());
    }

    @Test
    void sameLabelsAfterRelabellingAndLimitsAreTheRulesErrors() {
        GroupState state = new GroupState(group(0, record("r", "up", Map.of("instance", ""))), "");
        RuleResult out = state.apply(0, MINUTE, vector(MINUTE, up("x", 1), up("y", 2)), 0);
        assertEquals("vector contains metrics with the same labelset after applying rule labels", out.error());
        assertEquals("err", state.health(0).health());

        GroupState limited = new GroupState(group(1, record("r", "up", Map.of())), "");
        assertEquals(
                "exceeded limit of 1 with 2 series",
                limited.apply(0, MINUTE, vector(MINUTE, up("x", 1), up("y", 2)), 0)
                        .error());
        GroupState alerts = new GroupState(group(1, alert("Down", 0)), "");
        assertEquals(
                "exceeded limit of 1 with 2 alerts",
                alerts.apply(0, MINUTE, vector(MINUTE, up("x", 0), up("y", 0)), 0)
                        .error());
        assertEquals(List.of(), alerts.alerts(0), "alerts over the limit are dropped");
    }

    @Test
    void notificationsFollowPrometheusResendAndResolve() {
        GroupState state = new GroupState(group(0, alert("Down", MINUTE)), "http://node");
        state.apply(0, 0, vector(0, up("x", 0)), 0);
        assertEquals(List.of(), state.notifications(0, 0, MINUTE, MINUTE), "a pending alert is not sent");
        state.apply(0, MINUTE, vector(MINUTE, up("x", 0)), 0);
        List<Notification> firing = state.notifications(0, MINUTE, MINUTE, MINUTE);
        assertEquals(1, firing.size());
        assertEquals(MINUTE, firing.get(0).startsAt(), "startsAt is when it fired");
        assertEquals(MINUTE + 4 * MINUTE, firing.get(0).endsAt(), "valid for four resend delays");
        assertTrue(firing.get(0).generatorURL().startsWith("http://node/graph?g0.expr=up+%3D%3D+0"));
        state.apply(0, 2 * MINUTE, vector(2 * MINUTE, up("x", 0)), 0);
        assertEquals(List.of(), state.notifications(0, 2 * MINUTE, MINUTE, MINUTE), "not again within the delay");
        state.apply(0, 2 * MINUTE + 1, vector(2 * MINUTE + 1, up("x", 0)), 0);
        assertEquals(1, state.notifications(0, 2 * MINUTE + 1, MINUTE, MINUTE).size(), "resent after the delay");
        state.apply(0, 3 * MINUTE, vector(3 * MINUTE), 0);
        List<Notification> resolved = state.notifications(0, 3 * MINUTE, MINUTE, MINUTE);
        assertEquals(1, resolved.size());
        assertEquals(3 * MINUTE, resolved.get(0).endsAt(), "a resolved alert ends when it resolved");
        assertEquals(Alert.State.INACTIVE, state.alerts(0).get(0).state(), "kept while Alertmanager hears of it");
        state.apply(0, 19 * MINUTE, vector(19 * MINUTE), 0);
        assertEquals(List.of(), state.alerts(0), "forgotten 15 minutes after it resolved");
    }

    @Test
    void aReloadKeepsTheAlertsOfRulesThatStayTheSame() {
        GroupState state = new GroupState(group(0, alert("Down", 0)), "");
        state.apply(0, 0, vector(0, up("x", 0)), 0);
        GroupState reloaded = state.reconfigured(group(0, record("r", "up", Map.of()), alert("Down", 0)));
        assertEquals(List.of(), reloaded.alerts(0));
        assertEquals(1, reloaded.alerts(1).size(), "the alert rule, now second, kept its alert");
        assertEquals(Alert.State.FIRING, reloaded.alerts(1).get(0).state());
    }
}
