package io.shardview.bench.http;

import io.shardview.bench.metrics.CpuOnlyDataset;
import io.shardview.metrics.ingest.SampleBatch;
import io.shardview.metrics.ingest.ShardSplit;
import io.shardview.metrics.ingest.parse.IngestLimits;
import io.shardview.metrics.ingest.parse.LineProtocolParser;
import io.shardview.metrics.ingest.parse.SampleBatchBuilder;
import io.shardview.metrics.storage.AppendResult;
import io.shardview.metrics.storage.PointBatch;
import io.shardview.metrics.storage.ShardStorage;
import io.shardview.metrics.storage.StorageConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;

/**
 * Thread CPU time per point of the node's metrics ingest work, in process and on one thread, for the
 * {@code bench/metrics-load} data: the route's work (line protocol parsing, the split by shard, the
 * journal encoding of every part) and the shard's (decoding its part, checking and appending it to
 * the storage, and sealing every head at the end, as an idle shard does). No HTTP, actors or
 * journal: this resolves changes of a few percent where whole-node runs on a shared machine cannot.
 *
 * <p>Bodies are applied in pairs swapped (1, 0, 3, 2, ...) when {@code --overtake} is given, as two
 * senders overtaking each other deliver them, which makes every series' points of the earlier body
 * late. Arguments: [--hosts N] [--points-per-series N] [--rows-per-request N] [--rounds N] [--overtake];
 * round 0 is warm-up and not printed.
 */
public final class IngestPipelineCpu {
    private static final int SHARDS = 16;

    private IngestPipelineCpu() {}

    public static void main(String[] args) {
        int hosts = 100;
        int pointsPerSeries = 8640;
        int rows = 10_000;
        int rounds = 4;
        boolean overtake = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--hosts" -> hosts = Integer.parseInt(args[++i]);
                case "--points-per-series" -> pointsPerSeries = Integer.parseInt(args[++i]);
                case "--rows-per-request" -> rows = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--overtake" -> overtake = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        List<byte[]> bodies = CpuOnlyLineProtocol.bodies(new CpuOnlyDataset(hosts, pointsPerSeries, 42), rows);
        long points = (long) hosts * 10 * pointsPerSeries;
        System.out.printf(
                "%d bodies, %d points, overtake %s; ns of thread CPU per point:%n", bodies.size(), points, overtake);
        System.out.println("round  parse  split  encode  decode  append  seal  total");
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (int r = 0; r < rounds; r++) {
            long[] ns = new long[6];
            ShardStorage[] shards = new ShardStorage[SHARDS];
            for (int s = 0; s < SHARDS; s++) shards[s] = new ShardStorage(StorageConfig.defaults());
            long stored = 0;
            for (int b = 0; b < bodies.size(); b++) {
                int at = overtake ? (b ^ 1) < bodies.size() ? b ^ 1 : b : b;
                long t0 = mx.getCurrentThreadCpuTime();
                SampleBatchBuilder builder = new SampleBatchBuilder(
                        IngestLimits.ofSamples(Integer.MAX_VALUE), bodies.get(at).length / 24); // as the route
                LineProtocolParser.parse(bodies.get(at), LineProtocolParser.Precision.MS, 0, builder);
                SampleBatch batch = builder.build();
                long t1 = mx.getCurrentThreadCpuTime();
                ShardSplit split = ShardSplit.of(batch, SHARDS, Long.MAX_VALUE);
                long t2 = mx.getCurrentThreadCpuTime();
                byte[][] events = new byte[split.parts().size()][];
                for (int p = 0; p < events.length; p++)
                    events[p] = split.parts().get(p).points().toBytes();
                long t3 = mx.getCurrentThreadCpuTime();
                PointBatch[] decoded = new PointBatch[events.length];
                for (int p = 0; p < events.length; p++) decoded[p] = PointBatch.fromBytes(events[p]);
                long t4 = mx.getCurrentThreadCpuTime();
                for (int p = 0; p < events.length; p++) {
                    ShardStorage shard = shards[split.parts().get(p).shard()];
                    AppendResult expected = shard.check(decoded[p]);
                    AppendResult result = shard.append(decoded[p]);
                    if (!result.equals(expected)) throw new IllegalStateException(expected + " != " + result);
                    stored += result.accepted();
                }
                long t5 = mx.getCurrentThreadCpuTime();
                ns[0] += t1 - t0;
                ns[1] += t2 - t1;
                ns[2] += t3 - t2;
                ns[3] += t4 - t3;
                ns[4] += t5 - t4;
            }
            long t0 = mx.getCurrentThreadCpuTime();
            for (ShardStorage shard : shards) shard.sealAll();
            ns[5] = mx.getCurrentThreadCpuTime() - t0;
            if (stored != points) throw new IllegalStateException("stored " + stored + " of " + points + " points");
            if (r == 0) continue; // warm-up
            long total = 0;
            StringBuilder line = new StringBuilder(String.format("%5d", r));
            for (long n : ns) {
                line.append(String.format(" %6.1f", n / (double) points));
                total += n;
            }
            System.out.println(line.append(String.format(" %6.1f", total / (double) points)));
        }
    }
}
