package io.shardview.metrics.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LabelPairFilterTest {

    @Test
    void everyPairOfEverySeriesRegisteredMayMatchThroughTheFilterGrowing() {
        SeriesRegistry registry = new SeriesRegistry();
        LabelPairFilter filter = registry.pairFilter();
        int series = 50_000;
        for (int i = 0; i < series; i++) {
            registry.getOrCreate(Labels.of("__name__", "m" + (i % 7), "host", "h" + i, "code", "" + (i % 5)));
        }
        assertTrue(filter.bits() > LabelPairFilter.INITIAL_BITS, "grew: " + filter.bits());
        for (int i = 0; i < series; i++) {
            List<Matcher> selector = List.of(
                    Matcher.eq("__name__", "m" + (i % 7)),
                    Matcher.eq("host", "h" + i),
                    Matcher.eq("code", "" + (i % 5)));
            assertTrue(filter.mayMatch(selector), "series " + i);
        }
    }

    @Test
    void pairsNeverAddedMostlyAnswerNo() {
        SeriesRegistry registry = new SeriesRegistry();
        for (int i = 0; i < 10_000; i++) registry.getOrCreate(Labels.of("__name__", "up", "instance", "i" + i));
        int yes = 0;
        int asked = 20_000;
        for (int i = 0; i < asked; i++) {
            if (registry.pairFilter().mayMatch(List.of(Matcher.eq("instance", "other" + i)))) yes++;
        }
        // Two bits a pair, rebuilt larger at a quarter full: about 1/16 false positives, at most 1/4 at the limit.
        assertTrue(yes < asked / 8, yes + " of " + asked + " absent pairs answered yes");
        assertFalse(registry.pairFilter().mayMatch(List.of(Matcher.eq("__name__", "down"))));
    }

    @Test
    void onlyNonEmptyEqualitiesLeaveAShardOut() {
        SeriesRegistry registry = new SeriesRegistry();
        registry.getOrCreate(Labels.of("__name__", "up", "job", "api"));
        LabelPairFilter filter = registry.pairFilter();
        assertTrue(filter.mayMatch(List.of()));
        assertTrue(filter.mayMatch(List.of(Matcher.eq("__name__", "up"), Matcher.eq("job", "api"))));
        assertFalse(filter.mayMatch(List.of(Matcher.eq("__name__", "up"), Matcher.eq("job", "web"))));
        // A series without the label has it empty: = "" can match any shard, and so can !=, =~ and !~.
        assertTrue(filter.mayMatch(List.of(Matcher.eq("zone", ""))));
        assertTrue(filter.mayMatch(List.of(Matcher.neq("job", "api"))));
        assertTrue(filter.mayMatch(List.of(Matcher.re("job", "w.*"))));
        assertTrue(filter.mayMatch(List.of(Matcher.nre("job", "api"))));
        assertTrue(filter.mayMatchAny(List.of(List.of(Matcher.eq("job", "web")), List.of(Matcher.eq("job", "api")))));
        assertFalse(filter.mayMatchAny(List.of(List.of(Matcher.eq("job", "web")), List.of(Matcher.eq("job", "db")))));
    }

    @Test
    void aPairOnlyAnotherMetricsSeriesHaveAnswersNoBesideTheMetricName() {
        SeriesRegistry registry = new SeriesRegistry();
        registry.getOrCreate(Labels.of("__name__", "up", "job", "api"));
        registry.getOrCreate(Labels.of("__name__", "down", "job", "db"));
        LabelPairFilter filter = registry.pairFilter();
        assertTrue(filter.mayMatch(List.of(Matcher.eq("__name__", "up"), Matcher.eq("job", "api"))));
        assertFalse(
                filter.mayMatch(List.of(Matcher.eq("__name__", "up"), Matcher.eq("job", "db"))),
                "both pairs are here, never in one series of up");
        assertTrue(filter.mayMatch(List.of(Matcher.eq("job", "db"))));
        assertTrue(filter.mayMatch(List.of(Matcher.re("__name__", "up|down"), Matcher.eq("job", "db"))));
    }

    @Test
    void seriesRestoredFromASnapshotAndRemovedOnesStayInTheFilter() {
        SeriesRegistry registry = new SeriesRegistry();
        registry.restore(3, Labels.of("__name__", "up", "job", "api"));
        assertTrue(registry.pairFilter().mayMatch(List.of(Matcher.eq("job", "api"))));
        registry.remove(3);
        assertEquals(0, registry.activeSeries());
        assertTrue(registry.pairFilter().mayMatch(List.of(Matcher.eq("job", "api"))), "a removed series costs an ask");
    }
}
