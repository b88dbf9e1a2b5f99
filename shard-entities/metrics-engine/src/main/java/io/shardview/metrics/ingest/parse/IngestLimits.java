package io.shardview.metrics.ingest.parse;

/**
 * The limits every metrics ingest parser enforces while it parses, so that no request holds more
 * than they allow at any time (config/metrics.conf documents each). A series over a per-series limit is
 * refused naming its line or timeseries ({@code SERIES_LIMIT}); a request over a per-request total is refused
 * whole ({@code TOO_MANY_SAMPLES}, {@code TOO_MANY_SERIES}).
 */
public record IngestLimits(
        int maxSamplesPerRequest,
        int maxSeriesPerRequest,
        int maxLabelsPerSeries,
        int maxLabelNameBytes,
        int maxLabelValueBytes) {

    public IngestLimits {
        if (maxSamplesPerRequest < 1
                || maxSeriesPerRequest < 1
                || maxLabelsPerSeries < 1
                || maxLabelNameBytes < 1
                || maxLabelValueBytes < 1) {
            throw new IllegalArgumentException("ingest limits must be positive: " + this);
        }
    }

    /**
     * Only a limit on samples, no other (benchmarks, and tests of a parser's own behaviour).
     */
    public static IngestLimits ofSamples(int maxSamplesPerRequest) {
        return new IngestLimits(
                maxSamplesPerRequest, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    /** The request has more samples than it may. */
    IngestException tooManySamples() {
        return IngestException.requestLimit(
                IngestException.Kind.TOO_MANY_SAMPLES,
                "max-samples-per-request",
                maxSamplesPerRequest,
                "the request has more than " + maxSamplesPerRequest + " samples (max-samples-per-request = "
                        + maxSamplesPerRequest + "); split it");
    }

    /** The request has more series than it may. */
    IngestException tooManySeries() {
        return IngestException.requestLimit(
                IngestException.Kind.TOO_MANY_SERIES,
                "max-series-per-request",
                maxSeriesPerRequest,
                "the request has more than " + maxSeriesPerRequest + " series (max-series-per-request = "
                        + maxSeriesPerRequest + "); split it");
    }
}
