package io.shardview.metrics.promql.evaluation;

import io.shardview.metrics.index.Labels;
import io.shardview.metrics.index.Matcher;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The golden suite's dataset (OpenMetrics text: {@code name{l="v",...} value seconds}) as a {@link SeriesSource}. */
final class GoldenDataset implements SeriesSource {
    private final List<Series> series;

    private GoldenDataset(List<Series> series) {
        this.series = series;
    }

    static GoldenDataset read(String resource) throws IOException {
        Map<Labels, PointList> points = new TreeMap<>();
        try (InputStream in = GoldenDataset.class.getResourceAsStream(resource);
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.isEmpty() || line.startsWith("#")) continue;
                int timeAt = line.lastIndexOf(' ');
                int valueAt = line.lastIndexOf(' ', timeAt - 1);
                Labels labels = labels(line.substring(0, valueAt));
                double value = PromqlGoldenTest.GoldenComparison.value(line.substring(valueAt + 1, timeAt));
                long time = new BigDecimal(line.substring(timeAt + 1))
                        .movePointRight(3)
                        .longValue();
                points.computeIfAbsent(labels, l -> new PointList()).add(time, value);
            }
        }
        List<Series> series = new ArrayList<>();
        points.forEach((labels, p) -> series.add(p.toSeries(labels)));
        return new GoldenDataset(series);
    }

    @Override
    public List<Series> select(List<Matcher> matchers, long minMillis, long maxMillis) {
        List<Series> out = new ArrayList<>();
        for (Series s : series) {
            boolean match = true;
            for (Matcher m : matchers) {
                String value = s.labels().get(m.name());
                if (!m.matches(value == null ? "" : value)) {
                    match = false;
                    break;
                }
            }
            if (!match) continue;
            int lo = RangeVector.firstAtOrAfter(s.timestamps(), minMillis);
            int hi = RangeVector.afterLastAtOrBefore(s.timestamps(), maxMillis);
            if (hi <= lo) continue;
            out.add(new Series(
                    s.labels(),
                    java.util.Arrays.copyOfRange(s.timestamps(), lo, hi),
                    java.util.Arrays.copyOfRange(s.values(), lo, hi)));
        }
        return out;
    }

    /** {@code name{a="x",b="y"}} with Go string escapes in values. */
    private static Labels labels(String text) {
        Map<String, String> map = new TreeMap<>();
        int brace = text.indexOf('{');
        map.put(Labels.METRIC_NAME, brace < 0 ? text : text.substring(0, brace));
        if (brace < 0) return Labels.of(map);
        int i = brace + 1;
        while (i < text.length() && text.charAt(i) != '}') {
            int eq = text.indexOf('=', i);
            String name = text.substring(i, eq);
            StringBuilder value = new StringBuilder();
            int j = eq + 2; // past ="
            while (text.charAt(j) != '"') {
                char c = text.charAt(j++);
                if (c == '\\') {
                    char e = text.charAt(j++);
                    value.append(e == 'n' ? '\n' : e);
                } else {
                    value.append(c);
                }
            }
            map.put(name, value.toString());
            i = j + 1;
            if (i < text.length() && text.charAt(i) == ',') i++;
        }
        return Labels.of(map);
    }
}
