package io.shardview.node.journal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardview.entity.metrics.MetricsEvent;
import io.shardview.entity.tenant.TenantEvent;
import io.shardview.entity.tenant.TenantReplay;
import io.shardview.http.Json;
import io.shardview.metrics.storage.PointBatch;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.pekko.stream.javadsl.Sink;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code shardview journal dump}: one persistence id's events, decoded, as JSON lines. */
@Command(
        name = "dump",
        mixinStandardHelpOptions = true,
        usageHelpWidth = 100,
        description = {
            "Print the events of one persistence id as JSON lines, decoded: a tenant's SQL as text and its batches as"
                    + " the rows each inserted into and deleted from each table; a metrics shard's point batches as"
                    + " a summary (series, points, time range), or in full with --points.",
            "ID is a persistence id as `journal list` shows it (tenant|demo, metrics|demo.3) or a tenant's name."
        },
        footer = {"", "Exit status: 0 when every event was printed, 1 otherwise."})
final class JournalDumpCommand implements Callable<Integer> {
    @Mixin
    JournalOptions options;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "Persistence id, or a tenant's name.")
    String id;

    @Option(names = "--from", paramLabel = "N", description = "First sequence number (default 1).")
    long from = 1;

    @Option(names = "--to", paramLabel = "M", description = "Last sequence number (default: the last event).")
    long to = Long.MAX_VALUE;

    @Option(names = "--points", description = "Metrics: every point of each batch, not only a summary.")
    boolean points;

    @Override
    public Integer call() {
        String persistenceId = JournalOptions.persistenceId(id);
        try (JournalStore journal = options.open(err())) {
            if (journal == null) return 1;
            if (!journal.holds(persistenceId)) {
                err().println("shardview: the journal has no events of " + persistenceId);
                return 1;
            }
            long[] count = {0};
            try (Progress progress = new Progress(
                    "dumping " + persistenceId,
                    Math.max(0, Math.min(to, journal.highestSequenceNr(persistenceId)) - from + 1))) {
                JournalStore.await(journal.events(persistenceId, from, to)
                        .runWith(
                                Sink.foreach(envelope -> {
                                    ObjectNode line = Json.MAPPER.createObjectNode();
                                    line.put("sequence_nr", envelope.sequenceNr());
                                    line.put("timestamp", envelope.timestamp());
                                    line.setAll((ObjectNode) Json.MAPPER.valueToTree(describe(envelope.event())));
                                    out().println(line);
                                    count[0]++;
                                    progress.advance(1);
                                }),
                                journal.system));
            }
            if (count[0] == 0) err().println("shardview: no events of " + persistenceId + " in that range");
            return 0;
        } catch (RuntimeException e) {
            err().println("shardview: reading the events of " + persistenceId + " failed: " + e.getMessage());
            return 1;
        }
    }

    private Map<String, Object> describe(Object event) {
        if (event instanceof TenantEvent tenantEvent) return TenantReplay.describe(tenantEvent);
        if (event instanceof MetricsEvent.PointsAppended appended) {
            return pointBatch(appended.batch(), appended.backfill() ? "points-backfilled" : "points-appended");
        }
        if (event instanceof MetricsEvent.RetentionApplied retention) {
            return Map.of(
                    "type", "retention-applied",
                    "raw_cutoff_ms", retention.rawCutoffMs(),
                    "rollup_cutoff_ms", retention.rollupCutoffMs());
        }
        if (event instanceof MetricsEvent.HeadsSealed) return Map.of("type", "heads-sealed");
        return Map.of("type", event.getClass().getName(), "value", String.valueOf(event));
    }

    private Map<String, Object> pointBatch(PointBatch batch, String type) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("type", type);
        out.put("series", batch.series().size());
        out.put("points", batch.pointCount());
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        java.util.List<Map<String, Object>> series = new java.util.ArrayList<>();
        for (PointBatch.SeriesPoints s : batch.series()) {
            for (long t : s.timestamps()) {
                min = Math.min(min, t);
                max = Math.max(max, t);
            }
            if (points) {
                Map<String, String> labels = new java.util.LinkedHashMap<>();
                for (int i = 0; i < s.labels().size(); i++)
                    labels.put(s.labels().name(i), s.labels().value(i));
                java.util.List<Object> values = new java.util.ArrayList<>();
                for (double v : s.values()) values.add(Double.isFinite(v) ? (Object) v : Double.toString(v));
                series.add(Map.of("labels", labels, "timestamps", s.timestamps(), "values", values));
            }
        }
        if (batch.pointCount() > 0) {
            out.put("min_timestamp_ms", min);
            out.put("max_timestamp_ms", max);
        }
        if (points) out.put("data", series);
        return out;
    }

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private java.io.PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
