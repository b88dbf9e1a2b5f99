package io.shardview.metrics.promql.evaluation;

import io.shardview.metrics.index.Labels;
import java.util.List;

/**
 * Series read one after another, sorted by labels, each into arrays the cursor may reuse for the next: a function over
 * ranges reads a day of points series by series, each while it is still in the core's cache, and never holds every
 * series' points at once. A cursor is read once.
 */
public interface SeriesCursor {
    /** Moves to the next series; false after the last. */
    boolean next();

    /** The current series' labels. */
    Labels labels();

    /** The current series' times, at indexes below {@link #size()}, until {@link #next()} is called again. */
    long[] times();

    /** The current series' values, at indexes below {@link #size()}, until {@link #next()} is called again. */
    double[] values();

    /** How many points the current series has. */
    int size();

    /** A cursor over series already read. */
    static SeriesCursor of(List<Series> series) {
        return new SeriesCursor() {
            private int at = -1;

            @Override
            public boolean next() {
                return ++at < series.size();
            }

            @Override
            public Labels labels() {
                return series.get(at).labels();
            }

            @Override
            public long[] times() {
                return series.get(at).timestamps();
            }

            @Override
            public double[] values() {
                return series.get(at).values();
            }

            @Override
            public int size() {
                return series.get(at).size();
            }
        };
    }
}
