package io.shardview.bench.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Ingest load through one or more running nodes of a cluster (issue 6): batches of 10 inserts with
 * batch ids over many tenants from several concurrent senders, request i going to node i mod n and
 * tenant (i / n) mod tenants, so with n nodes about (n-1)/n of requests reach a node that does not
 * host the tenant and are routed through sharding to the one that does. Counts only requests that
 * start after the warm-up; prints one {@code RESULT} line per mode for bench/cluster-load, which
 * starts and stops the nodes. Mode direct sends each request to its tenant's node instead. After each RESULT line, the
 * nodes' CPU and this client's over the measured window ({@link ClientCpu}): the client runs on the same cores.
 *
 * <p>Usage: {@code ClusterLoad --urls http://a,http://b --pids 123,456 [--modes round-robin,direct] [--tenants 30]
 * [--senders 8] [--seconds 30] [--warmup 20] [--batch 10]}, {@code --pids} the nodes' process ids;
 * bench/cluster-load passes --warmup 10
 */
public final class ClusterLoad {
    private static final String TENANT_TYPE = "tenant-circuit";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        List<String> urls = List.of(options.get("--urls").split(","));
        long[] pids = Arrays.stream(options.get("--pids").split(","))
                .mapToLong(Long::parseLong)
                .toArray();
        int tenants = Integer.parseInt(options.getOrDefault("--tenants", "30"));
        int senders = Integer.parseInt(options.getOrDefault("--senders", "8"));
        int seconds = Integer.parseInt(options.getOrDefault("--seconds", "30"));
        int warmup = Integer.parseInt(options.getOrDefault("--warmup", "20"));
        int batch = Integer.parseInt(options.getOrDefault("--batch", "10"));

        List<String> names = new ArrayList<>();
        for (int t = 0; t < tenants; t++) {
            names.add("load" + t);
            setUp(urls.get(t % urls.size()), names.get(t));
        }
        List<String> nodeOfUrl = new ArrayList<>();
        for (String url : urls)
            nodeOfUrl.add(JSON.readTree(get(url + "/v1/cluster")).path("self").asText());
        // Row ids continue across modes: every insert is of a new primary key.
        AtomicLong[] nextRowId = new AtomicLong[tenants];
        for (int t = 0; t < tenants; t++) nextRowId[t] = new AtomicLong();
        String[] modes = options.getOrDefault("--modes", "round-robin").split(",");
        for (int run = 0; run < modes.length; run++) {
            measure(modes[run], run, urls, pids, nodeOfUrl, names, nextRowId, senders, batch, warmup, seconds);
        }
    }

    /**
     * One measured run. Mode round-robin: request i goes to node i mod n. Mode direct: every request
     * goes to the node hosting its tenant (as located before the run), which isolates the cost of the
     * hop from the cost of running more JVMs on the same cores.
     */
    private static void measure(
            String mode,
            int runIndex,
            List<String> urls,
            long[] pids,
            List<String> nodeOfUrl,
            List<String> names,
            AtomicLong[] nextRowId,
            int senders,
            int batch,
            int warmup,
            int seconds)
            throws Exception {
        List<String> hostsBefore = hosts(urls.get(0), names);
        int[] urlOfTenant = null;
        if (mode.equals("direct")) {
            urlOfTenant = hostsBefore.stream().mapToInt(nodeOfUrl::indexOf).toArray();
            if (Arrays.stream(urlOfTenant).anyMatch(u -> u < 0))
                throw new IllegalStateException("a tenant has no host: " + hostsBefore);
        } else if (!mode.equals("round-robin")) {
            throw new IllegalArgumentException("mode is round-robin or direct: " + mode);
        }
        Run run = new Run("r" + runIndex, urls, names, urlOfTenant, nextRowId, batch, warmup, seconds);
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            Thread sender = new Thread(run::send, "sender-" + s);
            threads.add(sender);
            sender.start();
        }
        Thread.sleep(Math.max(0, (run.measureFrom - System.nanoTime()) / 1_000_000));
        ClientCpu.Interval cpu = ClientCpu.begin(pids);
        for (Thread sender : threads) sender.join();
        ClientCpu used = cpu.end(urls.size() == 1 ? "node" : urls.size() + " nodes");

        int tenants = names.size();
        List<String> hostsAfter = hosts(urls.get(0), names);
        long[] latencies = run.latencies();
        long remote = 0;
        for (int u = 0; u < urls.size(); u++) {
            for (int t = 0; t < tenants; t++) {
                if (!nodeOfUrl.get(u).equals(hostsAfter.get(t))) remote += run.okByUrlAndTenant.get(u * tenants + t);
            }
        }
        Map<String, Integer> tenantsPerNode = new TreeMap<>();
        for (String host : hostsAfter) tenantsPerNode.merge(host, 1, Integer::sum);
        System.out.printf(
                "RESULT nodes=%d mode=%s run=%d senders=%d tenants=%d batches_per_s=%.1f p50_ms=%.2f p99_ms=%.2f ok=%d"
                        + " failed=%d routed_to_other_node=%.3f tenants_moved=%d tenants_per_node=%s statuses=%s%n",
                urls.size(),
                mode,
                runIndex,
                senders,
                tenants,
                latencies.length / (double) seconds,
                TenantLoad.percentile(latencies, 0.50) / 1e6,
                TenantLoad.percentile(latencies, 0.99) / 1e6,
                latencies.length,
                run.failed.get(),
                latencies.length == 0 ? 0.0 : remote / (double) latencies.length,
                moved(hostsBefore, hostsAfter),
                compact(tenantsPerNode.values()),
                compact(run.failures));
        used.print();
        if (latencies.length == 0) throw new IllegalStateException("no request succeeded in the measured window");
    }

    /** The senders' shared schedule and what they measured. */
    private static final class Run {
        final String batchIdPrefix; // unique per run: a repeated batch id would be deduplicated, not applied
        final List<String> urls;
        final List<String> tenants;
        final int[] urlOfTenant; // null: round-robin over the nodes
        final int batch;
        final long measureFrom;
        final long measureUntil;
        final AtomicLong next = new AtomicLong();
        final AtomicLong[] nextRowId;
        final AtomicLong failed = new AtomicLong();
        final Map<Integer, Long> failures = new ConcurrentHashMap<>();
        final AtomicLongArray okByUrlAndTenant;
        final List<long[]> perSender = java.util.Collections.synchronizedList(new ArrayList<>());

        Run(
                String batchIdPrefix,
                List<String> urls,
                List<String> tenants,
                int[] urlOfTenant,
                AtomicLong[] nextRowId,
                int batch,
                int warmupSeconds,
                int seconds) {
            this.batchIdPrefix = batchIdPrefix;
            this.urls = urls;
            this.tenants = tenants;
            this.urlOfTenant = urlOfTenant;
            this.batch = batch;
            this.measureFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
            this.measureUntil = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
            this.nextRowId = nextRowId;
            this.okByUrlAndTenant = new AtomicLongArray(urls.size() * tenants.size());
        }

        void send() {
            long[] latencies = new long[1024];
            int count = 0;
            for (long started; (started = System.nanoTime()) < measureUntil; ) {
                long i = next.getAndIncrement();
                int u;
                int t;
                if (urlOfTenant == null) {
                    u = (int) (i % urls.size());
                    t = (int) ((i / urls.size()) % tenants.size());
                } else {
                    t = (int) (i % tenants.size());
                    u = urlOfTenant[t];
                }
                String body = TenantLoad.ndjson(nextRowId[t].getAndAdd(batch), batch);
                int status = ingest(
                        urls.get(u) + "/v1/tenants/" + tenants.get(t) + "/ingest", batchIdPrefix + "-" + i, body);
                long took = System.nanoTime() - started;
                if (started < measureFrom) continue;
                if (status != 200) {
                    failed.incrementAndGet();
                    failures.merge(status, 1L, Long::sum);
                    continue;
                }
                okByUrlAndTenant.incrementAndGet(u * tenants.size() + t);
                if (count == latencies.length) latencies = Arrays.copyOf(latencies, count * 2);
                latencies[count++] = took;
            }
            perSender.add(Arrays.copyOf(latencies, count));
        }

        long[] latencies() {
            return perSender.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        }
    }

    /**
     * Creates the tenant's table and one view. A tenant's first start (journal recovery on a busy
     * machine) can outlast the node's ask timeout: a 503 is retried, and a conflict after a 503 means
     * the earlier attempt was applied after all.
     */
    private static void setUp(String url, String tenant) throws Exception {
        boolean retried = false;
        for (int attempt = 0; attempt < 20; attempt++) {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(url + "/v1/tenants/" + tenant + "/sql"))
                            .timeout(Duration.ofSeconds(60))
                            .header("Content-Type", "application/sql")
                            .POST(HttpRequest.BodyPublishers.ofString(TenantLoad.setUpSql(1)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200 || (retried && response.statusCode() == 409)) return;
            if (response.statusCode() != 503)
                throw new IllegalStateException(tenant + ": " + response.statusCode() + " " + response.body());
            retried = true;
            Thread.sleep(1000);
        }
        throw new IllegalStateException(tenant + ": still 503 after 20 attempts");
    }

    /** One ingest request with a batch id; the status, or -1 when it failed without one. */
    private static int ingest(String url, String batchId, String body) {
        try {
            return KeptAlive.request(
                            URI.create(url),
                            "POST",
                            "application/x-ndjson",
                            body.getBytes(StandardCharsets.UTF_8),
                            "Idempotency-Key",
                            batchId)
                    .status();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /** The address of the node hosting each tenant now, as {@code via} reports it. */
    private static List<String> hosts(String via, List<String> tenants) throws Exception {
        List<String> hosts = new ArrayList<>();
        for (String tenant : tenants) {
            hosts.add(JSON.readTree(get(via + "/v1/cluster/entities/" + TENANT_TYPE + "/" + tenant))
                    .path("node")
                    .asText());
        }
        return hosts;
    }

    /** toString without spaces, so a RESULT line splits on whitespace into key=value pairs. */
    private static String compact(Object value) {
        return String.valueOf(value).replace(" ", "");
    }

    private static int moved(List<String> before, List<String> after) {
        int moved = 0;
        for (int i = 0; i < before.size(); i++) if (!before.get(i).equals(after.get(i))) moved++;
        return moved;
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(15))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200)
            throw new IllegalStateException(url + ": " + response.statusCode() + " " + response.body());
        return response.body();
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new java.util.HashMap<>();
        if (args.length % 2 != 0) throw new IllegalArgumentException("options come in pairs: " + Arrays.toString(args));
        for (int i = 0; i < args.length; i += 2) options.put(args[i], args[i + 1]);
        if (!options.containsKey("--urls") || !options.containsKey("--pids"))
            throw new IllegalArgumentException("--urls and --pids are required");
        return options;
    }
}
