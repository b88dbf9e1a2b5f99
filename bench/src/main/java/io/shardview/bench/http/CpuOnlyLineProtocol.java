package io.shardview.bench.http;

import io.shardview.bench.metrics.CpuOnlyDataset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Renders a {@link CpuOnlyDataset} as Influx line protocol request bodies, as TSBS' cpu-only load
 * does: time-major order (every host at t, then every host at t + 10 s), each host with TSBS' ten
 * tags, millisecond timestamps ({@code precision=ms}). Per host and time two lines:
 * {@code cpu,<tags> usage_user=..,...,usage_steal=.. <t>} (metrics {@code cpu_usage_*}) and
 * {@code system,<tags> load1=..,mem_used_bytes=.. <t>}. Values print as the parser reads them back:
 * at most 2 decimals, no exponent. The bodies are rendered before sending, so the timed part is
 * only HTTP and the server.
 */
final class CpuOnlyLineProtocol {
    private static final String[] REGIONS = {
        "us-east-1",
        "us-west-1",
        "us-west-2",
        "eu-west-1",
        "eu-central-1",
        "ap-southeast-1",
        "ap-southeast-2",
        "ap-northeast-1",
        "sa-east-1"
    };
    private static final String[] OSES = {"Ubuntu16.10", "Ubuntu16.04LTS", "Ubuntu15.10"};
    private static final String[] ARCHES = {"x64", "x86"};
    private static final String[] TEAMS = {"SF", "NYC", "LON", "CHI"};
    private static final String[] ENVIRONMENTS = {"production", "staging", "test"};

    private CpuOnlyLineProtocol() {}

    /** Request bodies of {@code rowsPerRequest} (host, time) rows each, i.e. 10 points per row. */
    static List<byte[]> bodies(CpuOnlyDataset data, int rowsPerRequest) {
        String[] tags = new String[data.hosts];
        for (int h = 0; h < data.hosts; h++) tags[h] = tags(h);
        List<byte[]> bodies = new ArrayList<>();
        StringBuilder body = new StringBuilder(rowsPerRequest * 600);
        int rows = 0;
        for (int i = 0; i < data.pointsPerSeries; i++) {
            for (int h = 0; h < data.hosts; h++) {
                row(body, data, tags[h], h, i);
                if (++rows == rowsPerRequest) {
                    bodies.add(body.toString().getBytes(StandardCharsets.UTF_8));
                    body.setLength(0);
                    rows = 0;
                }
            }
        }
        if (rows > 0) bodies.add(body.toString().getBytes(StandardCharsets.UTF_8));
        return bodies;
    }

    private static void row(StringBuilder out, CpuOnlyDataset data, String tags, int host, int i) {
        int first = host * CpuOnlyDataset.METRICS.length;
        long ts = data.timestamps[first][i];
        out.append("cpu,").append(tags).append(' ');
        for (int m = 0; m < 8; m++) {
            if (m > 0) out.append(',');
            out.append(CpuOnlyDataset.METRICS[m], "cpu_".length(), CpuOnlyDataset.METRICS[m].length())
                    .append('=');
            decimal(out, data.values[first + m][i]);
        }
        out.append(' ').append(ts).append('\n');
        out.append("system,").append(tags).append(" load1=");
        decimal(out, data.values[first + 8][i]);
        out.append(",mem_used_bytes=");
        decimal(out, data.values[first + 9][i]);
        out.append(' ').append(ts).append('\n');
    }

    /** The dataset's values are 2-decimal numbers or integers: print them exactly, shortest form. */
    private static void decimal(StringBuilder out, double value) {
        long cents = Math.round(value * 100);
        if ((double) cents / 100 != value) throw new IllegalStateException("not a 2-decimal value: " + value);
        out.append(cents / 100);
        long fraction = cents % 100;
        if (fraction == 0) return;
        out.append('.').append(fraction / 10);
        if (fraction % 10 != 0) out.append(fraction % 10);
    }

    /** TSBS' cpu-only tags of host {@code h}, drawn from a generator seeded with the host number. */
    private static String tags(int h) {
        SplittableRandom rnd = new SplittableRandom(h);
        String region = REGIONS[rnd.nextInt(REGIONS.length)];
        return "hostname=host_" + h + ",region=" + region + ",datacenter=" + region + (char) ('a' + rnd.nextInt(3))
                + ",rack=" + rnd.nextInt(100) + ",os=" + OSES[rnd.nextInt(OSES.length)]
                + ",arch=" + ARCHES[rnd.nextInt(ARCHES.length)] + ",team=" + TEAMS[rnd.nextInt(TEAMS.length)]
                + ",service=" + rnd.nextInt(20) + ",service_version=" + rnd.nextInt(2)
                + ",service_environment=" + ENVIRONMENTS[rnd.nextInt(ENVIRONMENTS.length)];
    }
}
