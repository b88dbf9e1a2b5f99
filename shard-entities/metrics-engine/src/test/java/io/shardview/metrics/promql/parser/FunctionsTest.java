package io.shardview.metrics.promql.parser;

import static io.shardview.metrics.promql.parser.Expr.ValueType.INSTANT_VECTOR;
import static io.shardview.metrics.promql.parser.Expr.ValueType.RANGE_VECTOR;
import static io.shardview.metrics.promql.parser.Expr.ValueType.SCALAR;
import static io.shardview.metrics.promql.parser.Expr.ValueType.STRING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.metrics.promql.parser.Functions.Signature;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FunctionsTest {

    @Test
    void theSupportedSetIsTheAgreedSubset() {
        Set<String> expected = Set.of(
                "abs",
                "absent",
                "absent_over_time",
                "ceil",
                "floor",
                "round",
                "clamp",
                "clamp_min",
                "clamp_max",
                "exp",
                "ln",
                "log2",
                "log10",
                "sqrt",
                "sgn",
                "changes",
                "resets",
                "delta",
                "deriv",
                "idelta",
                "increase",
                "irate",
                "rate",
                "predict_linear",
                "histogram_quantile",
                "label_replace",
                "label_join",
                "scalar",
                "vector",
                "time",
                "timestamp",
                "sort",
                "sort_desc",
                "days_in_month",
                "day_of_month",
                "day_of_week",
                "day_of_year",
                "hour",
                "minute",
                "month",
                "year",
                "avg_over_time",
                "min_over_time",
                "max_over_time",
                "sum_over_time",
                "count_over_time",
                "last_over_time",
                "present_over_time",
                "quantile_over_time",
                "stddev_over_time",
                "stdvar_over_time",
                "acos",
                "asin",
                "atan",
                "cos",
                "sin",
                "tan",
                "acosh",
                "asinh",
                "atanh",
                "cosh",
                "sinh",
                "tanh",
                "deg",
                "rad",
                "pi");
        assertEquals(expected, Functions.supported());
        for (String name : expected) {
            assertFalse(Functions.isKnownButUnsupported(name), name);
        }
    }

    @Test
    void signaturesAreAsInPrometheus() {
        assertEquals(
                new Signature("rate", List.of(RANGE_VECTOR), 0, INSTANT_VECTOR),
                Functions.lookup("rate").orElseThrow());
        assertEquals(
                new Signature("label_join", List.of(INSTANT_VECTOR, STRING, STRING, STRING), -1, INSTANT_VECTOR),
                Functions.lookup("label_join").orElseThrow());
        assertEquals(
                new Signature("time", List.of(), 0, SCALAR),
                Functions.lookup("time").orElseThrow());
        assertEquals(
                new Signature("histogram_quantile", List.of(SCALAR, INSTANT_VECTOR), 0, INSTANT_VECTOR),
                Functions.lookup("histogram_quantile").orElseThrow());
    }

    @Test
    void optionalAndRepeatedArgumentsFollowPrometheusVariadicCount() {
        Signature hour = Functions.lookup("hour").orElseThrow();
        assertEquals(0, hour.minArgs());
        assertEquals(1, hour.maxArgs());
        Signature round = Functions.lookup("round").orElseThrow();
        assertEquals(1, round.minArgs());
        assertEquals(2, round.maxArgs());
        Signature labelJoin = Functions.lookup("label_join").orElseThrow();
        assertEquals(3, labelJoin.minArgs());
        assertEquals(-1, labelJoin.maxArgs());
        assertEquals(STRING, labelJoin.argType(7));
        Signature clamp = Functions.lookup("clamp").orElseThrow();
        assertEquals(3, clamp.minArgs());
        assertEquals(3, clamp.maxArgs());
    }

    @Test
    void namesPrometheusKnowsButWeDoNotEvaluateAreMarked() {
        for (String name : List.of("holt_winters", "histogram_count", "info", "mad_over_time", "limitk")) {
            assertTrue(Functions.isKnownButUnsupported(name), name);
            assertTrue(Functions.lookup(name).isEmpty(), name);
        }
        assertFalse(Functions.isKnownButUnsupported("no_such_function"));
        assertTrue(Functions.lookup("Rate").isEmpty(), "names are case-sensitive");
    }
}
