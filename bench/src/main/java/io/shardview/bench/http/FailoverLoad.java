package io.shardview.bench.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Failover inside one region: 3 nodes of the packaged node on one PostgreSQL journal (bench/failover creates it; env
 * {@code SHARDVIEW_JOURNAL_URL}), tenants spread over them under a steady open-loop load. First a steady phase with no
 * kills counts false failovers (members marked unreachable, nodes downed); then, again and again, kill -9 of the node
 * holding a probe tenant, while a writer and a reader on a surviving node ask for that tenant every 100 ms: the time
 * from the kill to the first write answered 200, and how long the requests in between waited for their answer. The
 * killed node is started again before the next kill. The steady phase also reports the nodes' CPU and this client's
 * ({@link ClientCpu}): a client busy on the same cores could delay the heartbeats it counts failovers by.
 *
 * <p>Options: {@code --kills 20 --tenants 30 --rate 200 --down-after 3s --fd-pause 2s --removal-margin 3s
 * --down-gone-members on --steady-seconds 300 --java-opts "-Xmx768m"}. {@code --down-after} is the Split Brain
 * Resolver's stable-after ({@code SHARDVIEW_DOWN_AFTER}); {@code --fd-pause} the failure detector's
 * acceptable-heartbeat-pause; {@code --removal-margin} and {@code --down-gone-members} the settings of those names
 * (config/membership.conf).
 */
public final class FailoverLoad {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Options options;
    private final int tenants;
    private final NodeUnderTest[] nodes = new NodeUnderTest[3];
    private final int[] ports = new int[3];
    private final Path dir;
    private final Map<String, AtomicLong> loadStatuses = new ConcurrentHashMap<>();

    private FailoverLoad(Options options) throws Exception {
        this.options = options;
        this.tenants = options.getInt("--tenants", 30);
        this.dir = Files.createTempDirectory("shardview-failover");
    }

    public static void main(String[] args) throws Exception {
        FailoverLoad load = new FailoverLoad(new Options(args));
        AtomicBoolean running = new AtomicBoolean(true);
        try {
            for (int i = 0; i < 3; i++) load.ports[i] = freePort();
            for (int i = 0; i < 3; i++) load.start(i);
            load.awaitMembers(3);
            load.createTenants();
            Thread background = load.background(load.options.getInt("--rate", 200), running);
            load.steady(load.options.getInt("--steady-seconds", 300));
            load.kills(load.options.getInt("--kills", 20));
            running.set(false);
            background.join();
            System.out.printf("background load statuses over the whole run: %s%n", load.loadStatuses);
        } finally {
            running.set(false);
            for (NodeUnderTest node : load.nodes) if (node != null) node.close();
        }
        System.exit(0);
    }

    private void start(int i) throws Exception {
        Path conf = dir.resolve("node.conf");
        Files.writeString(
                conf,
                "pekko.cluster.failure-detector.acceptable-heartbeat-pause = " + options.get("--fd-pause", "2s")
                        + "\n");
        List<String> seeds = new ArrayList<>();
        for (int port : ports) seeds.add("pekko://shardview@127.0.0.1:" + port);
        nodes[i] = NodeUnderTest.start(
                Path.of("cluster/target/shardview.jar"),
                dir.resolve("data-" + i),
                options.get("--java-opts", "-Xmx768m"),
                List.of("--cluster-port", String.valueOf(ports[i]), "--config", conf.toString()),
                Map.of(
                        "SHARDVIEW_PROFILE", "cluster",
                        "SHARDVIEW_JOURNAL_URL", System.getenv("SHARDVIEW_JOURNAL_URL"),
                        "SHARDVIEW_JOURNAL_USER", System.getenv().getOrDefault("SHARDVIEW_JOURNAL_USER", "postgres"),
                        "SHARDVIEW_SEED_NODES", String.join(",", seeds),
                        "SHARDVIEW_DOWN_AFTER", options.get("--down-after", "3s"),
                        "SHARDVIEW_REMOVAL_MARGIN", options.get("--removal-margin", "3s"),
                        "SHARDVIEW_DOWN_GONE_MEMBERS", options.get("--down-gone-members", "on")),
                dir.resolve("node-" + i + ".log"));
    }

    private void awaitMembers(int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (NodeUnderTest node : nodes) {
                JsonNode cluster =
                        JSON.readTree(Requests.get(node.url + "/v1/cluster").body());
                long up = 0;
                for (JsonNode m : cluster.path("members"))
                    if (m.path("status").asText().equals("Up")) up++;
                all &= up == count && cluster.path("members").size() == count;
            }
            if (all) return;
            Thread.sleep(250);
        }
        throw new IllegalStateException("the nodes did not form a cluster of " + count);
    }

    private void createTenants() throws Exception {
        for (int t = 0; t < tenants; t++) {
            Requests.expect(
                    200,
                    Requests.post(
                            nodes[t % 3].url + "/v1/tenants/f" + t + "/sql",
                            "application/sql",
                            "CREATE TABLE t (id BIGINT NOT NULL, v BIGINT, PRIMARY KEY (id));"
                                    + "CREATE VIEW s AS SELECT COUNT(*) AS n, SUM(v) AS total FROM t"));
        }
    }

    /** Batches at {@code rate} per second to random tenants through random nodes, answered or not. */
    private Thread background(int rate, AtomicBoolean running) {
        Thread thread = new Thread(
                () -> {
                    SplittableRandom random = new SplittableRandom(7);
                    long interval = 1_000_000_000L / rate;
                    long start = System.nanoTime();
                    for (long sent = 0; running.get(); sent++) {
                        long wait = start + sent * interval - System.nanoTime();
                        if (wait > 0) {
                            try {
                                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                        NodeUnderTest node = nodes[random.nextInt(3)];
                        if (node == null || !node.process.isAlive()) continue;
                        String body =
                                "{\"batch_id\": \"bg" + sent + "\", \"ops\": [{\"op\": \"upsert\", \"table\": \"t\", "
                                        + "\"row\": {\"id\": " + random.nextInt(1000) + ", \"v\": " + sent + "}}]}";
                        Requests.HTTP
                                .sendAsync(
                                        Requests.request(
                                                node.url + "/v1/tenants/f" + random.nextInt(tenants) + "/ingest",
                                                "application/json",
                                                body),
                                        HttpResponse.BodyHandlers.discarding())
                                .whenComplete((reply, error) -> loadStatuses
                                        .computeIfAbsent(
                                                error == null ? String.valueOf(reply.statusCode()) : "error",
                                                s -> new AtomicLong())
                                        .incrementAndGet());
                    }
                },
                "background");
        thread.start();
        return thread;
    }

    /** No kills: what the failure detector and the Split Brain Resolver do on their own under the load. */
    private void steady(int seconds) throws Exception {
        long[] before = logCounts();
        ClientCpu.Interval cpu = ClientCpu.begin(
                Arrays.stream(nodes).mapToLong(NodeUnderTest::pid).toArray());
        Thread.sleep(seconds * 1000L);
        ClientCpu used = cpu.end("3 nodes");
        long[] after = logCounts();
        int alive = 0;
        for (NodeUnderTest node : nodes) if (node.process.isAlive()) alive++;
        System.out.printf(
                "steady %d s at %s batches/s, no kills: members marked unreachable %d times, downing decisions %d, "
                        + "nodes alive %d of 3 (%s)%n",
                seconds, options.get("--rate", "200"), after[0] - before[0], after[1] - before[1], alive, settings());
        used.print();
    }

    private String settings() {
        return String.format(
                "down-after %s, failure detector pause %s, removal margin %s, down-gone-members %s",
                options.get("--down-after", "3s"),
                options.get("--fd-pause", "2s"),
                options.get("--removal-margin", "3s"),
                options.get("--down-gone-members", "on"));
    }

    /** Lines in the nodes' logs so far: members marked unreachable, downing decisions (resolver's or gone member's). */
    private long[] logCounts() throws Exception {
        long unreachable = 0;
        long decisions = 0;
        for (int i = 0; i < 3; i++) {
            Path log = dir.resolve("node-" + i + ".log");
            if (!Files.exists(log)) continue;
            for (String line : Files.readAllLines(log)) {
                if (line.contains("Marking node as UNREACHABLE")) unreachable++;
                if (line.contains("SBR took decision") || line.contains("its process is gone")) decisions++;
            }
        }
        return new long[] {unreachable, decisions};
    }

    private void kills(int kills) throws Exception {
        long[] recovered = new long[kills];
        ConcurrentLinkedQueue<Long> outageWrites = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> outageReads = new ConcurrentLinkedQueue<>();
        Map<String, AtomicLong> outageStatuses = new ConcurrentHashMap<>();
        for (int k = 0; k < kills; k++) {
            String tenant = "f" + (k % tenants);
            int host = host(tenant);
            int survivor = (host + 1) % 3;
            java.time.LocalTime killedAt = java.time.LocalTime.now();
            nodes[host].process.destroyForcibly();
            nodes[host].process.waitFor();
            long killed = System.nanoTime();
            AtomicBoolean down = new AtomicBoolean(true);
            Thread reader = new Thread(() -> {
                while (down.get()) {
                    probe(
                            HttpRequest.newBuilder(
                                            URI.create(nodes[survivor].url + "/v1/tenants/" + tenant + "/views/s"))
                                    .timeout(Duration.ofSeconds(30))
                                    .build(),
                            outageReads,
                            outageStatuses,
                            "read ");
                    sleep(100);
                }
            });
            reader.start();
            while (true) {
                int status = probe(
                        Requests.request(
                                nodes[survivor].url + "/v1/tenants/" + tenant + "/ingest",
                                "application/json",
                                "{\"batch_id\": \"probe" + k + "\", \"ops\": [{\"op\": \"upsert\", \"table\": \"t\", "
                                        + "\"row\": {\"id\": -1, \"v\": " + k + "}}]}"),
                        outageWrites,
                        outageStatuses,
                        "write ");
                if (status == 200) break;
                sleep(100);
            }
            recovered[k] = System.nanoTime() - killed;
            down.set(false);
            reader.join();
            System.out.printf(
                    "kill %d at %s (node logs: %s): node %d held %s; a write through node %d answered 200 after %.2f s%n",
                    k + 1, killedAt, dir, host, tenant, survivor, recovered[k] / 1e9);
            start(host);
            awaitMembers(3);
            Thread.sleep(8_000); // shards settle (rebalance) before the next kill
        }
        java.util.Arrays.sort(recovered);
        System.out.printf(
                "failover over %d kills -9 (%s): tenant answered again after %s%n",
                kills, settings(), TenantLoad.p50p99max(recovered));
        System.out.printf(
                "  requests to the tenant meanwhile (not 200): writes waited %s, reads waited %s; statuses %s%n",
                TenantLoad.p50p99max(sorted(outageWrites)), TenantLoad.p50p99max(sorted(outageReads)), outageStatuses);
    }

    /** Sends one request; records how long a reply other than 200 took, and every status. */
    private static int probe(
            HttpRequest request, ConcurrentLinkedQueue<Long> waited, Map<String, AtomicLong> statuses, String kind) {
        long t0 = System.nanoTime();
        int status;
        try {
            status = Requests.send(request).statusCode();
        } catch (Exception e) {
            status = -1;
        }
        if (status != 200) waited.add(System.nanoTime() - t0);
        statuses.computeIfAbsent(kind + status, s -> new AtomicLong()).incrementAndGet();
        return status;
    }

    private int host(String tenant) throws Exception {
        for (int attempt = 0; attempt < 100; attempt++) {
            for (NodeUnderTest via : nodes) {
                Requests.get(via.url + "/v1/tenants/" + tenant + "/views/s");
                String node = JSON.readTree(Requests.get(via.url + "/v1/cluster/entities/tenant-circuit/" + tenant)
                                .body())
                        .path("node")
                        .asText("");
                for (int i = 0; i < 3; i++) if (node.equals("pekko://shardview@127.0.0.1:" + ports[i])) return i;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("no node holds " + tenant);
    }

    private static long[] sorted(ConcurrentLinkedQueue<Long> values) {
        return values.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
