package io.shardview.metrics.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chunks {@link PrometheusXorChunk} writes are the bytes Prometheus writes: a real promtool 2.42 turns random
 * series (jittered times, repeated, integer, tiny, huge and negative values, NaN and infinities) into a TSDB block,
 * and each XOR chunk in the block's chunk file equals ours for the same samples.
 */
class PrometheusXorChunkTest {
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    /** Go's math.NaN(), what Prometheus stores for a NaN it parses (Java's Double.NaN has another payload). */
    private static final double GO_NAN = Double.longBitsToDouble(0x7FF8000000000001L);

    @TempDir
    Path dir;

    @Test
    void chunksEqualThoseOfARealPrometheusBlock() throws Exception {
        assumeTrue(Files.isExecutable(PROMTOOL), "promtool (Debian's prometheus package) is not installed");
        for (int seed = 1; seed <= 6; seed++) {
            Random random = new Random(seed);
            int n = 200 + random.nextInt(600);
            long[] times = new long[n];
            double[] values = new double[n];
            long t = 1_700_000_000_000L + random.nextInt(1_000_000);
            for (int i = 0; i < n; i++) {
                t += switch (random.nextInt(4)) {
                    case 0 -> 15_000; // regular
                    case 1 -> 15_000 + random.nextInt(40) - 20; // jitter
                    case 2 -> 1 + random.nextInt(5); // bursts
                    default -> 1 + random.nextInt(600_000); // gaps
                };
                times[i] = t;
                values[i] = value(random, i == 0 ? 0 : values[i - 1]);
            }
            Path source = dir.resolve("s" + seed + ".om");
            StringBuilder text = new StringBuilder("# TYPE g gauge\n");
            for (int i = 0; i < n; i++) {
                text.append("g ")
                        .append(goFloat(values[i]))
                        .append(' ')
                        .append(times[i] / 1000)
                        .append('.');
                text.append(String.format("%03d", times[i] % 1000)).append('\n');
            }
            Files.writeString(source, text.append("# EOF\n"));
            Path blocks = dir.resolve("blocks" + seed);
            run(PROMTOOL.toString(), "tsdb", "create-blocks-from", "openmetrics", source.toString(), blocks.toString());
            int at = 0;
            for (byte[] chunk : xorChunks(blocks)) {
                int count = ((chunk[0] & 0xff) << 8) | (chunk[1] & 0xff);
                byte[] ours = PrometheusXorChunk.encode(times, values, at, count);
                assertArrayEquals(chunk, ours, "seed " + seed + ", at " + at);
                PrometheusXorChunk.Samples back = PrometheusXorChunk.decode(chunk);
                assertArrayEquals(java.util.Arrays.copyOfRange(times, at, at + count), back.times());
                for (int i = 0; i < count; i++) {
                    assertEquals(
                            Double.doubleToRawLongBits(values[at + i]),
                            Double.doubleToRawLongBits(back.values()[i]),
                            "value " + (at + i) + " read back");
                }
                at += count;
            }
            assertEquals(n, at, "every sample in some chunk, seed " + seed);
        }
    }

    private static double value(Random random, double previous) {
        return switch (random.nextInt(9)) {
            case 0 -> previous; // repeated
            case 1 -> random.nextInt(1000); // integer
            case 2 -> previous + random.nextInt(10); // a counter
            case 3 -> random.nextDouble() * 1e-9;
            case 4 -> -random.nextDouble() * 1e12;
            case 5 -> random.nextInt(50) == 0 ? GO_NAN : random.nextGaussian();
            case 6 -> random.nextInt(50) == 0 ? Double.POSITIVE_INFINITY : random.nextDouble();
            default -> Math.round(random.nextDouble() * 10_000) / 100.0;
        };
    }

    /** A double as Go's ParseFloat reads it back exactly; NaN and infinities as OpenMetrics writes them. */
    private static String goFloat(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "+Inf" : "-Inf";
        return Double.toString(v);
    }

    /** The XOR chunks of every chunk file of every block under {@code blocks}, in file order. */
    private static List<byte[]> xorChunks(Path blocks) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(blocks)) {
            files = walk.filter(p -> p.getParent().getFileName().toString().equals("chunks"))
                    .sorted()
                    .toList();
        }
        assertTrue(!files.isEmpty(), "no chunk files under " + blocks);
        List<byte[]> out = new ArrayList<>();
        for (Path file : files) {
            ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file));
            assertEquals(0x85BD40DD, in.getInt(), "segment magic");
            in.position(8); // version byte and padding
            while (in.remaining() > 0) {
                int length = (int) uvarint(in);
                int encoding = in.get() & 0xff;
                byte[] data = new byte[length];
                in.get(data);
                in.getInt(); // CRC32 of encoding and data
                assertEquals(1, encoding, "an XOR chunk");
                out.add(data);
            }
        }
        return out;
    }

    private static long uvarint(ByteBuffer in) {
        long value = 0;
        for (int shift = 0; ; shift += 7) {
            int b = in.get() & 0xff;
            value |= (long) (b & 0x7f) << shift;
            if (b < 0x80) return value;
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool timed out");
        assertEquals(0, p.exitValue(), out);
    }
}
