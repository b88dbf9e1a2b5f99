package io.shardview.bench.http;

import io.shardview.bench.metrics.CpuOnlyDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The journal tools on a large tenant (issue "Event replay and recovery tooling"): a tenant of {@code --rows} rows
 * (1M) with 10 filter/project views is ingested into a packaged node in batches of 10,000, the node stops, and each
 * tool runs on its data as an operator runs it ({@code java -jar shardview.jar journal ...}, a process of its own,
 * JVM start included): replay from events alone, verify (snapshot against events), export to a file, import into a
 * fresh data directory, and with {@code --jdbc-url} migrate into that PostgreSQL database (created empty by the
 * script with its schema). Printed per tool: seconds, events/s and rows/s, beside the ingest time of the same rows,
 * which is printed with the node's CPU and this client's over the ingest ({@link ClientCpu}): the client runs on the
 * same cores, and a slow client would flatter every tool's ratio to the ingest.
 *
 * <p>Usage: {@code bench/journal-tools [--rows 1000000] [--java-opts "-Xmx4g"]} (the script adds --jdbc-url);
 * {@code --dataset metrics [--hours 24]} measures the tools on the metrics dataset instead (see {@link #metrics}).
 */
public final class JournalToolsLoad {
    private JournalToolsLoad() {}

    public static void main(String[] args) throws Exception {
        Options options = new Options(args);
        int rows = options.getInt("--rows", 1_000_000);
        String javaOpts = options.get("--java-opts", "-Xmx4g");
        String jdbcUrl = options.get("--jdbc-url", null);
        Path jar = Path.of("cluster/target/shardview.jar");
        Path work = Files.createTempDirectory("shardview-journal-tools");
        Path data = work.resolve("data");
        if (options.get("--dataset", "tenant").equals("metrics")) {
            metrics(jar, javaOpts, jdbcUrl, work, options.getInt("--hours", 24));
            return;
        }

        double ingestSeconds;
        ClientCpu ingestCpu;
        try (NodeUnderTest node = NodeUnderTest.start(jar, data, javaOpts)) {
            TenantLoad.post(node.url + "/v1/tenants/big/sql", "application/sql", TenantLoad.setUpSql(10));
            TenantLoad.allowStateRows(node.url, "big", 30L * rows);
            ClientCpu.Interval cpu = ClientCpu.begin(node.pid());
            long start = System.nanoTime();
            for (long first = 0; first < rows; first += 10_000) {
                TenantLoad.ingestWithRetry(
                        node.url + "/v1/tenants/big/ingest", "b" + first, TenantLoad.ndjson(first, (int)
                                Math.min(10_000, rows - first)));
            }
            ingestSeconds = (System.nanoTime() - start) / 1e9;
            ingestCpu = cpu.end("node");
        }
        long events = 1 + (rows + 9_999) / 10_000; // the SQL request and one event per batch
        System.out.printf(
                Locale.ROOT,
                "ingest of %d rows (10 views) over HTTP: %.1f s; %d events%n",
                rows,
                ingestSeconds,
                events);
        ingestCpu.print();

        Path file = work.resolve("big.svj");
        List<String[]> runs =
                runs(new String[] {"replay", "journal", "replay", "big"}, "big", data, file, work, jdbcUrl);
        System.out.println("| tool | seconds | events/s | rows/s | seconds / ingest seconds |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (String[] run : runs) {
            double seconds = tool(jar, javaOpts, run);
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %.1f | %.1f | %.0f | %.2f |%n",
                    run[0],
                    seconds,
                    events / seconds,
                    rows / seconds,
                    seconds / ingestSeconds);
        }
        System.out.printf(Locale.ROOT, "backup file: %.0f MB; data directory %s%n", Files.size(file) / 1e6, work);
    }

    /**
     * The metrics dataset of the ingest issue (100 hosts x 10 metrics x {@code hours} at 10 s: 8.64M points for 24 h)
     * sent as Influx line protocol in requests of 10,000 rows; the node stops (sealing nothing more: the shards'
     * events and snapshots are as ingest left them); then list, verify, export, import and migrate over all of it.
     */
    private static void metrics(Path jar, String javaOpts, String jdbcUrl, Path work, int hours) throws Exception {
        Path data = work.resolve("data");
        long step = CpuOnlyDataset.STEP_MS;
        int pointsPerSeries = hours * 3600 / 10;
        long start = (System.currentTimeMillis() - 600_000 - pointsPerSeries * step) / step * step;
        CpuOnlyDataset dataset = new CpuOnlyDataset(100, pointsPerSeries, 42, start);
        long points = dataset.totalPoints();
        List<byte[]> bodies = CpuOnlyLineProtocol.bodies(dataset, 10_000);
        double ingestSeconds;
        ClientCpu ingestCpu;
        try (NodeUnderTest node = NodeUnderTest.start(jar, data, javaOpts)) {
            var http = java.net.http.HttpClient.newHttpClient();
            ClientCpu.Interval cpu = ClientCpu.begin(node.pid());
            long started = System.nanoTime();
            for (byte[] body : bodies) {
                var reply = http.send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create(node.url + "/v1/tenants/ops/influx/write?precision=ms"))
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                if (reply.statusCode() / 100 != 2) throw new IllegalStateException("ingest: " + reply.body());
            }
            ingestSeconds = (System.nanoTime() - started) / 1e9;
            ingestCpu = cpu.end("node");
        }
        System.out.printf(
                Locale.ROOT,
                "ingest of %,d points (%d requests) over HTTP: %.1f s%n",
                points,
                bodies.size(),
                ingestSeconds);
        ingestCpu.print();
        Path file = work.resolve("ops.svj");
        List<String[]> runs = runs(new String[] {"list", "journal", "list"}, "ops", data, file, work, jdbcUrl);
        System.out.println("| tool | seconds | points/s | seconds / ingest seconds |");
        System.out.println("|---|---:|---:|---:|");
        for (String[] run : runs) {
            double seconds = tool(jar, javaOpts, run);
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %.1f | %.0f | %.2f |%n",
                    run[0],
                    seconds,
                    points / seconds,
                    seconds / ingestSeconds);
        }
        System.out.printf(Locale.ROOT, "backup file: %.0f MB; data directory %s%n", Files.size(file) / 1e6, work);
    }

    /**
     * The tools timed, each as its name and then its arguments after the jar: {@code first} (on the data directory),
     * verify, export of {@code tenant} to {@code file}, import into a fresh directory, and migrate when a database is
     * given.
     */
    private static List<String[]> runs(String[] first, String tenant, Path data, Path file, Path work, String jdbcUrl) {
        String dir = data.toString();
        List<String[]> runs = new ArrayList<>();
        List<String> head = new ArrayList<>(List.of(first));
        head.addAll(List.of("--data-dir", dir));
        runs.add(head.toArray(String[]::new));
        runs.add(new String[] {"verify", "journal", "verify", "--all", "--data-dir", dir});
        runs.add(new String[] {"export", "journal", "export", tenant, "--to", file.toString(), "--data-dir", dir});
        runs.add(new String[] {
            "import",
            "journal",
            "import",
            file.toString(),
            "--data-dir",
            work.resolve("restored").toString()
        });
        if (jdbcUrl != null) {
            runs.add(new String[] {"migrate", "journal", "migrate", "--from", "leveldb:" + data, "--to", jdbcUrl});
        }
        return runs;
    }

    /** Runs one tool as its own process; its wall time in seconds (fails unless it exits 0). */
    private static double tool(Path jar, String javaOpts, String[] run) throws Exception {
        List<String> command = new ArrayList<>(List.of("java"));
        command.addAll(List.of(javaOpts.split("\\s+")));
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(List.of(run).subList(1, run.length));
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        int exit = process.waitFor();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (exit != 0) throw new IllegalStateException(run[0] + " exited " + exit + ": " + output);
        return seconds;
    }
}
