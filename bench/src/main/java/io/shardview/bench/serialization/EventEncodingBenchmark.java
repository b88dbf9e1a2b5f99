package io.shardview.bench.serialization;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * Cost of writing and reading an ingest batch event with Jackson CBOR (the journal format of
 * entity events) against Jackson JSON, for batches of 1, 100 and 10,000 row operations.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EventEncodingBenchmark {

    /** A row operation as the ingest event carries it. */
    public record RowOp(String op, String table, Map<String, Object> row) {}

    /** The event an accepted batch becomes. */
    public record BatchApplied(String batchId, long version, List<RowOp> ops) {}

    @Param({"1", "100", "10000"})
    public int ops;

    private final ObjectMapper cbor = new CBORMapper();
    private final ObjectMapper json = new ObjectMapper();
    private BatchApplied event;
    private byte[] cborBytes;
    private byte[] jsonBytes;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Random random = new Random(42);
        List<RowOp> list = new ArrayList<>(ops);
        for (int i = 0; i < ops; i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", (long) i);
            row.put("account", random.nextLong());
            row.put("name", "user-" + random.nextInt(100_000));
            row.put("score", random.nextDouble() * 100);
            list.add(new RowOp(i % 3 == 0 ? "upsert" : "insert", "users", row));
        }
        event = new BatchApplied("batch-" + ops, 7, list);
        cborBytes = cbor.writeValueAsBytes(event);
        jsonBytes = json.writeValueAsBytes(event);
        System.out.printf(
                "%n[bytes] ops=%d cbor=%d json=%d ratio=%.2f%n",
                ops, cborBytes.length, jsonBytes.length, (double) cborBytes.length / jsonBytes.length);
    }

    @Benchmark
    public byte[] cborWrite() throws IOException {
        return cbor.writeValueAsBytes(event);
    }

    @Benchmark
    public BatchApplied cborRead() throws IOException {
        return cbor.readValue(cborBytes, BatchApplied.class);
    }

    @Benchmark
    public byte[] jsonWrite() throws IOException {
        return json.writeValueAsBytes(event);
    }

    @Benchmark
    public BatchApplied jsonRead() throws IOException {
        return json.readValue(jsonBytes, BatchApplied.class);
    }
}
