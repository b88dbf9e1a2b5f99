package io.shardview.metrics.promql.evaluation;

import io.shardview.metrics.index.Labels;
import io.shardview.metrics.promql.evaluation.Steps.Vectors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * histogram_quantile over classic buckets: the samples of one histogram are those whose labels differ only in
 * {@code le} (the bucket's upper bound); the quantile is interpolated linearly inside the bucket it falls in.
 */
final class HistogramQuantile {
    private HistogramQuantile() {}

    private record Bucket(double upperBound, double count) {}

    static Vectors apply(double[] quantiles, Vectors input) {
        List<List<Sample>> steps = new ArrayList<>();
        for (int i = 0; i < input.steps().size(); i++) {
            Map<Labels, List<Bucket>> histograms = new LinkedHashMap<>();
            Map<Labels, Labels> outputLabels = new LinkedHashMap<>();
            for (Sample s : input.steps().get(i)) {
                String le = s.labels().get("le");
                Double bound = le == null ? null : parseGoFloat(le);
                if (bound == null) continue; // no bucket label, or not a number: skipped, as Prometheus does
                Labels key = s.labels().without(List.of("le"));
                outputLabels.computeIfAbsent(key, k -> k.withoutName());
                histograms.computeIfAbsent(key, k -> new ArrayList<>()).add(new Bucket(bound, s.value()));
            }
            List<Sample> out = new ArrayList<>();
            for (Map.Entry<Labels, List<Bucket>> h : histograms.entrySet()) {
                out.add(new Sample(outputLabels.get(h.getKey()), quantile(quantiles[i], h.getValue())));
            }
            steps.add(Evaluator.requireUniqueLabels(out));
        }
        return new Vectors(steps);
    }

    static double quantile(double q, List<Bucket> unsorted) {
        if (Double.isNaN(q)) return Double.NaN;
        if (q < 0) return Double.NEGATIVE_INFINITY;
        if (q > 1) return Double.POSITIVE_INFINITY;
        List<Bucket> buckets = new ArrayList<>(unsorted);
        buckets.sort((a, b) -> Double.compare(a.upperBound(), b.upperBound()));
        if (buckets.get(buckets.size() - 1).upperBound() != Double.POSITIVE_INFINITY) return Double.NaN;
        buckets = coalesced(buckets);
        double max = Double.NEGATIVE_INFINITY; // counts never fall with the bound: a lower one is raised
        for (int i = 0; i < buckets.size(); i++) {
            Bucket b = buckets.get(i);
            if (b.count() > max) max = b.count();
            else if (b.count() < max) buckets.set(i, new Bucket(b.upperBound(), max));
        }
        if (buckets.size() < 2) return Double.NaN;
        double observations = buckets.get(buckets.size() - 1).count();
        if (observations == 0) return Double.NaN;
        double rank = q * observations;
        int b = 0;
        while (b < buckets.size() - 1 && !(buckets.get(b).count() >= rank)) b++;
        if (b == buckets.size() - 1) return buckets.get(buckets.size() - 2).upperBound();
        if (b == 0 && buckets.get(0).upperBound() <= 0) return buckets.get(0).upperBound();
        double start = 0;
        double end = buckets.get(b).upperBound();
        double count = buckets.get(b).count();
        if (b > 0) {
            start = buckets.get(b - 1).upperBound();
            count -= buckets.get(b - 1).count();
            rank -= buckets.get(b - 1).count();
        }
        return start + (end - start) * (rank / count);
    }

    /** Buckets of equal upper bound added together. */
    private static List<Bucket> coalesced(List<Bucket> sorted) {
        List<Bucket> out = new ArrayList<>();
        for (Bucket b : sorted) {
            int last = out.size() - 1;
            if (last >= 0 && out.get(last).upperBound() == b.upperBound()) {
                out.set(last, new Bucket(b.upperBound(), out.get(last).count() + b.count()));
            } else {
                out.add(b);
            }
        }
        return out;
    }

    /** A float as Go's strconv.ParseFloat reads it (Inf, +Inf, inf, NaN in any case too), or null. */
    static Double parseGoFloat(String text) {
        String t = text.trim().equals(text) ? text : null;
        if (t == null || t.isEmpty()) return null;
        String lower = t.toLowerCase(java.util.Locale.ROOT);
        switch (lower) {
            case "inf", "+inf", "infinity", "+infinity":
                return Double.POSITIVE_INFINITY;
            case "-inf", "-infinity":
                return Double.NEGATIVE_INFINITY;
            case "nan":
                return Double.NaN;
            default:
                break;
        }
        if (lower.contains("inf") || lower.contains("nan") || lower.endsWith("d") || lower.endsWith("f")) return null;
        try {
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
