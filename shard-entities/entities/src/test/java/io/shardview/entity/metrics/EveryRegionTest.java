package io.shardview.entity.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.metrics.index.Labels;
import io.shardview.metrics.index.Matcher;
import io.shardview.metrics.promql.parser.Expr;
import io.shardview.metrics.promql.parser.PromqlParser;
import java.util.List;
import org.junit.jupiter.api.Test;

class EveryRegionTest {

    @Test
    void aMatcherOnTheRegionChoosesRegionsAndOneOnTheExportedLabelIsTheStoredLabel() {
        List<Matcher> selector = List.of(
                Matcher.eq("__name__", "up"), Matcher.re("region", "e.*"), Matcher.eq("exported_region", "lab"));
        assertEquals(
                List.of(Matcher.eq("__name__", "up"), Matcher.eq("region", "lab")),
                EveryRegion.forRegion(selector, "eu"));
        assertNull(EveryRegion.forRegion(selector, "us"), "a region the selector rules out is not asked");
        assertEquals(
                List.of(Matcher.eq("__name__", "up")),
                EveryRegion.forRegion(List.of(Matcher.eq("__name__", "up")), "us"));
    }

    @Test
    void aSeriesGetsItsRegionAndKeepsItsOwnRegionLabelAsExported() {
        assertEquals(
                Labels.of("__name__", "up", "region", "eu"), EveryRegion.relabel(Labels.of("__name__", "up"), "eu"));
        assertEquals(
                Labels.of("__name__", "temp", "exported_region", "lab", "region", "us"),
                EveryRegion.relabel(Labels.of("__name__", "temp", "region", "lab"), "us"));
    }

    @Test
    void onlyAnAggregationThatDropsTheRegionAndNamesNeitherLabelIsComputedInPartPerRegion() {
        assertTrue(EveryRegion.pushable(aggregate("sum by (job) (up)")));
        assertTrue(EveryRegion.pushable(aggregate("count(up)")));
        assertFalse(EveryRegion.pushable(aggregate("sum without (job) (up)")), "without keeps the region");
        assertFalse(EveryRegion.pushable(aggregate("sum by (region) (up)")));
        assertFalse(EveryRegion.pushable(aggregate("max(up{exported_region=\"lab\"})")));
    }

    private static Expr.Aggregate aggregate(String promql) {
        return (Expr.Aggregate) PromqlParser.parse(promql);
    }
}
