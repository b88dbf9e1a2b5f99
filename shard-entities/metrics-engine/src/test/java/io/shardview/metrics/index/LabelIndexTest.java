package io.shardview.metrics.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LabelIndexTest {
    SeriesRegistry registry;
    int cpuA;
    int cpuB;
    int memA;
    int up;

    @BeforeEach
    void registerSeries() {
        registry = new SeriesRegistry();
        cpuA = registry.getOrCreate(Labels.of("__name__", "cpu", "host", "a", "dc", "eu"));
        cpuB = registry.getOrCreate(Labels.of("__name__", "cpu", "host", "b"));
        memA = registry.getOrCreate(Labels.of("__name__", "mem", "host", "a", "dc", "us"));
        up = registry.getOrCreate(Labels.of("__name__", "up"));
    }

    Postings select(Matcher... ms) {
        return registry.index().select(List.of(ms));
    }

    @Test
    void equalityAndIntersection() {
        assertEquals(Postings.of(cpuA, cpuB), select(Matcher.eq("__name__", "cpu")));
        assertEquals(Postings.of(cpuA), select(Matcher.eq("__name__", "cpu"), Matcher.eq("host", "a")));
        assertEquals(Postings.EMPTY, select(Matcher.eq("host", "zzz")));
    }

    @Test
    void emptyEqualityMatchesSeriesWithoutTheLabel() {
        assertEquals(Postings.of(cpuB, up), select(Matcher.eq("dc", "")));
        assertEquals(Postings.of(cpuA, memA), select(Matcher.neq("dc", "")));
    }

    @Test
    void notEqualIncludesSeriesWithoutTheLabel() {
        assertEquals(Postings.of(cpuB, memA, up), select(Matcher.neq("dc", "eu")));
    }

    @Test
    void regexIsFullyAnchored() {
        assertEquals(Postings.EMPTY, select(Matcher.re("__name__", "cp")));
        assertEquals(Postings.of(cpuA, cpuB), select(Matcher.re("__name__", "cp.")));
        assertEquals(Postings.of(cpuA, cpuB, memA), select(Matcher.re("__name__", "cpu|mem")));
    }

    @Test
    void regexMatchingEmptyAlsoSelectsSeriesWithoutTheLabel() {
        assertEquals(Postings.of(cpuA, cpuB, up), select(Matcher.re("dc", "eu|")));
        assertEquals(Postings.of(memA), select(Matcher.nre("dc", "eu|")));
        assertEquals(Postings.of(cpuB, memA, up), select(Matcher.nre("dc", "e.*")));
    }

    @Test
    void badRegexIsReportedAtConstruction() {
        assertThrows(PatternSyntaxException.class, () -> Matcher.re("a", "("));
    }

    @Test
    void labelNamesAndValuesAreSortedAndForgetRemovedSeries() {
        assertEquals(List.of("__name__", "dc", "host"), registry.index().labelNames());
        assertEquals(List.of("eu", "us"), registry.index().labelValues("dc"));
        registry.remove(memA);
        assertEquals(List.of("eu"), registry.index().labelValues("dc"));
        assertEquals(Postings.of(cpuA), select(Matcher.eq("host", "a")));
        registry.remove(cpuA);
        assertEquals(List.of("__name__", "host"), registry.index().labelNames());
    }

    @Test
    void randomSelectorsAgreeWithFilteringEverySeries() {
        String[] names = {"__name__", "job", "env", "zone"};
        String[] values = {"a", "b", "ab", "ba", "api", "x1", "x2"};
        for (long seed = 0; seed < 60; seed++) {
            Random rnd = new Random(seed);
            SeriesRegistry reg = new SeriesRegistry();
            List<Labels> all = new ArrayList<>();
            for (int s = 0; s < 200; s++) {
                List<String> pairs = new ArrayList<>();
                for (String n : names) {
                    if (rnd.nextInt(3) > 0) {
                        pairs.add(n);
                        pairs.add(values[rnd.nextInt(values.length)]);
                    }
                }
                Labels l = Labels.of(pairs.toArray(new String[0]));
                if (reg.idOf(l) < 0) {
                    reg.getOrCreate(l);
                    all.add(l);
                }
            }
            for (int q = 0; q < 30; q++) {
                List<Matcher> ms = new ArrayList<>();
                for (int k = 0; k <= rnd.nextInt(3); k++) {
                    Matcher.Type type = Matcher.Type.values()[rnd.nextInt(4)];
                    String v =
                            switch (rnd.nextInt(5)) {
                                case 0 -> "";
                                case 1 -> "a.*";
                                case 2 -> "x1|b|";
                                default -> values[rnd.nextInt(values.length)];
                            };
                    ms.add(Matcher.of(type, names[rnd.nextInt(names.length)], v));
                }
                List<Integer> expected = new ArrayList<>();
                for (Labels l : all) {
                    boolean ok = true;
                    for (Matcher m : ms) {
                        String v = l.get(m.name());
                        ok &= m.matches(v == null ? "" : v);
                    }
                    if (ok) {
                        expected.add(reg.idOf(l));
                    }
                }
                assertEquals(
                        Postings.of(
                                expected.stream().mapToInt(Integer::intValue).toArray()),
                        reg.index().select(ms),
                        "seed " + seed + " " + ms);
            }
        }
    }

    @Test
    void aRegexOverALongLabelValueNeitherRecursesNorBacktracks() throws Exception {
        // java.util.regex overflowed a 1 MiB stack on (a|b)* over 4,096 characters, and Pekko ends the JVM
        // on a StackOverflowError; (a+)+b backtracks exponentially there. RE2/J does neither.
        String value = "ab".repeat(50_000);
        boolean[] matched = new boolean[2];
        Thread small = new Thread(
                null,
                () -> {
                    matched[0] = Matcher.re("job", "(a|b)*").matches(value);
                    matched[1] = Matcher.re("job", "(a+)+b").matches("a".repeat(10_000) + "c");
                },
                "small-stack",
                256 * 1024);
        small.start();
        small.join(10_000);
        assertFalse(small.isAlive(), "both matches done within 10 s: no exponential backtracking");
        assertTrue(matched[0], "matched over a 256 KiB stack, no StackOverflowError");
        assertFalse(matched[1]);
    }
}
