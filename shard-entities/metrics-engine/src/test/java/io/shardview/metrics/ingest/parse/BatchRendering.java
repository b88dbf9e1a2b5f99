package io.shardview.metrics.ingest.parse;

import io.shardview.metrics.ingest.SampleBatch;
import java.util.ArrayList;
import java.util.List;

/** Renders a batch as one line per point, {@code {k="v",...} timestamp value}, for assertions. */
final class BatchRendering {
    private BatchRendering() {}

    static List<String> lines(SampleBatch batch) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            String[] pairs = batch.labels(batch.seriesOf(i));
            StringBuilder text = new StringBuilder("{");
            for (int p = 0; p < pairs.length; p += 2) {
                if (p > 0) text.append(',');
                text.append(pairs[p]).append("=\"").append(pairs[p + 1]).append('"');
            }
            text.append("} ").append(batch.timestamp(i)).append(' ').append(batch.value(i));
            lines.add(text.toString());
        }
        return lines;
    }
}
