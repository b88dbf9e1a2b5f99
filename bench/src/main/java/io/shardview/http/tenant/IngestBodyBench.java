package io.shardview.http.tenant;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The edge's cost of reading an NDJSON ingest body into ops ({@link IngestBody}), as {@code bench/vs-postgres} sends
 * them: upserts of {@code orders (id, customer, amount)}, 10 and 10,000 a body. In the package of the class it
 * measures, which is not public. {@code bench/jmh IngestBodyBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class IngestBodyBench {
    private static final TenantBodyLimits LIMITS = new TenantBodyLimits(1 << 20, 32, 1 << 20);

    @Param({"10", "10000"})
    public int rows;

    private byte[] body;

    @Setup(Level.Trial)
    public void setUp() {
        Random random = new Random(42);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            text.append("{\"op\":\"upsert\",\"table\":\"orders\",\"row\":{\"id\":")
                    .append(random.nextInt(10_000_000))
                    .append(",\"customer\":\"c")
                    .append(random.nextInt(1000))
                    .append("\",\"amount\":")
                    .append(random.nextInt(1000))
                    .append("}}\n");
        }
        body = text.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public IngestBody ndjson() throws IngestBody.Invalid {
        return IngestBody.fromNdjson(body, null, 100_000, LIMITS);
    }
}
