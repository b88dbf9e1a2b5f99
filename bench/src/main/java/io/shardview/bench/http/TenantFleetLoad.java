package io.shardview.bench.http;

import static io.shardview.bench.http.Requests.expect;
import static io.shardview.bench.http.Requests.get;
import static io.shardview.bench.http.Requests.post;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ten thousand tenants on a cluster of packaged nodes (issue "Tenants that cannot hurt each other", item 4). Starts
 * {@code --nodes} nodes in the cluster profile on this machine (the PostgreSQL journal named by
 * SHARDVIEW_JOURNAL_URL / SHARDVIEW_JOURNAL_USER, its schema already created), creates the tenants (2 tables and 5
 * views each, one batch of rows), and measures in turn:
 *
 * <ol>
 *   <li>heap per active tenant: the nodes' heaps after a full GC, summed, against the same after warm-up tenants;
 *   <li>sustained row updates: open-loop steps at increasing rates, each batch of {@code --batch-rows} upserts to a
 *       tenant drawn Zipf-like (the tenant of rank k with weight 1/k^s) and sent to the nodes round-robin, with the
 *       p50/p99/max ack latency of each step and the CPU seconds the nodes, PostgreSQL and this client spent per
 *       thousand row updates (the batches sent over kept-alive connections by {@link OpenLoopClient}) (every batch has a batch id; one answered 429, 503 or 504 is sent again after its
 *       Retry-After, as a careful client does, and both its first and its last reply are counted);
 *   <li>heap per passivated tenant, once every tenant has been idle past {@code passivate-idle-after};
 *   <li>the first request to a passivated tenant (a view read through a round-robin node), one tenant after another;
 *   <li>a node joining under load: the time from the new node being Up until sharding stops moving tenant shards,
 *       and every reply during it.
 * </ol>
 *
 * <p>Options: {@code --nodes 3}, {@code --tenants 10000}, {@code --senders 6} (creating tenants), {@code --rates
 * 1000,2000,4000,6000} (row updates per second, one step each), {@code --step-seconds 30}, {@code --batch-rows 20},
 * {@code --zipf 1.0}, {@code --idle 120} (seconds; the nodes' passivate-idle-after, 2 minutes as shipped), {@code --sample 300} (first
 * requests timed), {@code --join-rate 1000} (row updates per second while the extra node joins; 0 skips the join),
 * {@code --java-opts "-Xmx3g -XX:MaxGCPauseMillis=50"}, {@code --jar cluster/target/shardview.jar}, {@code --route
 * round-robin} (or {@code tenant-node}: a tenant's batches go to the node its last answer named in Shardview-Tenant-Node,
 * as a client that follows the hint does; round-robin until it has one).
 */
public final class TenantFleetLoad {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WARMUP_TENANTS = 30;
    private static final int USERS = 50;
    private static final int EVENTS = 200;
    private static final int RETRIES = 5;

    private final List<NodeUnderTest> nodes = new ArrayList<>();
    private final Path jar;
    private final Path work;
    private final Path config;
    private final String javaOpts;
    private final List<Integer> clusterPorts = new ArrayList<>();
    private final int tenants;
    private final int batchRows;
    private final double[] zipfCumulative;
    /** {@code --route tenant-node}: each tenant's batches go to the node its last answer named (docs/api.md). */
    private final boolean toTenantNode;
    /** The node (index into {@link #nodes}) each tenant's last answer named, by tenant number. */
    private final Map<Integer, Integer> tenantNodes = new java.util.concurrent.ConcurrentHashMap<>();

    private TenantFleetLoad(Options options, Path work) throws IOException {
        this.jar = Path.of(options.get("--jar", "cluster/target/shardview.jar"));
        this.work = work;
        this.javaOpts = options.get("--java-opts", "-Xmx3g -XX:MaxGCPauseMillis=50");
        this.tenants = options.getInt("--tenants", 10_000);
        this.batchRows = options.getInt("--batch-rows", 20);
        this.config = work.resolve("node.conf");
        Files.writeString(config, "shardview.tenant.passivate-idle-after = " + options.getInt("--idle", 120) + "s\n");
        this.zipfCumulative = zipf(tenants, Double.parseDouble(options.get("--zipf", "1.0")));
        String route = options.get("--route", "round-robin");
        if (!route.equals("round-robin") && !route.equals("tenant-node"))
            throw new IllegalArgumentException("--route is round-robin or tenant-node, not " + route);
        this.toTenantNode = route.equals("tenant-node");
    }

    public static void main(String[] args) throws Exception {
        Options options = new Options(args);
        Path work = Files.createTempDirectory("shardview-tenant-fleet");
        System.err.println("node data in " + work);
        TenantFleetLoad load = new TenantFleetLoad(options, work);
        int nodeCount = options.getInt("--nodes", 3);
        for (int i = 0; i <= nodeCount; i++) load.clusterPorts.add(freePort()); // the last for the joining node
        try {
            load.run(options, nodeCount);
        } finally {
            for (OpenLoopClient client : load.clients.values()) client.close();
            for (NodeUnderTest node : load.nodes) node.close();
        }
    }

    private void run(Options options, int nodeCount) throws Exception {
        for (int i = 0; i < nodeCount; i++) nodes.add(startNode(i, nodeCount));
        awaitMembers(nodeCount);
        System.out.printf(
                "%d nodes (cluster profile, PostgreSQL journal, %s), %d tenants of 2 tables and 5 views; batches sent"
                        + " %s%n",
                nodeCount,
                javaOpts,
                tenants,
                toTenantNode
                        ? "to the node each tenant's last answer named (Shardview-Tenant-Node), else round-robin"
                        : "round-robin");

        for (int w = 0; w < WARMUP_TENANTS; w++) createTenant("warmup" + w, w);
        long baseline = heapOfNodes();
        int runningBefore = runningTenants();
        create(options.getInt("--senders", 6));
        long active = heapOfNodes();
        int running = runningTenants();
        // Tenants created first may have been passivated by now: divide by those running.
        System.out.printf(
                "heap after a full GC, all nodes: %.0f MB with %d tenants running (the warm-up ones), %.0f MB with %d"
                        + " running: %.1f KB per active tenant%n",
                baseline / 1e6,
                runningBefore,
                active / 1e6,
                running,
                (active - baseline) / 1e3 / (running - runningBefore));

        double[] idleBefore = cpu();
        Thread.sleep(10_000);
        double[] idleAfter = cpu();
        System.out.printf(
                "idle for 10 s: the nodes used %.2f cores, PostgreSQL %.2f%n",
                (idleAfter[0] - idleBefore[0]) / 10, (idleAfter[1] - idleBefore[1]) / 10);
        int stepSeconds = options.getInt("--step-seconds", 30);
        for (String rate : options.get("--rates", "1000,2000,4000,6000").split(",")) {
            Step step = sustain(Integer.parseInt(rate), stepSeconds, null);
            System.out.println(step.describe());
        }

        int idle = options.getInt("--idle", 120);
        // Sharding looks for idle entities every half passivate-idle-after: wait until none runs (the warm-up
        // tenants' too), and past the group-commit queues' idle-after (60 s) on the nodes that sent.
        long waitStarted = System.nanoTime();
        Thread.sleep((Math.max(idle, 60) + 20) * 1000L);
        while (runningTenants() > 0 && NodeUnderTest.since(waitStarted).toSeconds() < 2L * idle + 60) {
            Thread.sleep(2000);
        }
        long passivated = heapOfNodes();
        System.out.printf(
                "heap after every tenant passivated (idle %d s, %d running): %.0f MB: %.2f KB per passivated tenant%n",
                idle, runningTenants(), passivated / 1e6, (passivated - baseline) / 1e3 / tenants);

        firstRequests(Math.min(tenants, options.getInt("--sample", 300)));

        int joinRate = options.getInt("--join-rate", 1000);
        if (joinRate > 0) join(nodeCount, joinRate);
    }

    private NodeUnderTest startNode(int index, int seeds) throws Exception {
        List<String> seedList = new ArrayList<>();
        for (int i = 0; i < seeds; i++) seedList.add("pekko://shardview@127.0.0.1:" + clusterPorts.get(i));
        List<String> args = List.of(
                "--profile",
                "cluster",
                "--cluster-port",
                String.valueOf(clusterPorts.get(index)),
                "--seed-nodes",
                String.join(",", seedList),
                "--config",
                config.toString());
        Path data = Files.createDirectories(work.resolve("node-" + index));
        return NodeUnderTest.start(jar, data, javaOpts, args, Map.of());
    }

    private void awaitMembers(int count) throws Exception {
        for (int i = 0; i < 1200; i++) {
            JsonNode members = cluster().path("members");
            int up = 0;
            for (JsonNode m : members) if (m.path("status").asText().equals("Up")) up++;
            if (members.size() == count && up == count) return;
            Thread.sleep(100);
        }
        throw new IllegalStateException("the cluster did not reach " + count + " members Up");
    }

    private JsonNode cluster() throws Exception {
        return JSON.readTree(get(nodes.get(0).url + "/v1/cluster").body());
    }

    private String node(long i) {
        return nodes.get((int) (i % nodes.size())).url;
    }

    private void createTenant(String tenant, long i) throws Exception {
        expect(200, post(node(i) + "/v1/tenants/" + tenant + "/sql", "application/sql", ManyTenantsLoad.DDL));
        expect(
                200,
                post(
                        node(i + 1) + "/v1/tenants/" + tenant + "/ingest",
                        "application/json",
                        batch(new SplittableRandom(i), 0)));
    }

    private void create(int senders) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        long started = System.nanoTime();
        AtomicInteger done = new AtomicInteger();
        List<Future<?>> created = new ArrayList<>();
        for (int t = 0; t < tenants; t++) {
            int index = t;
            created.add(pool.submit(() -> {
                createTenant("t" + index, index);
                int n = done.incrementAndGet();
                if (n % 1000 == 0) {
                    System.err.printf(
                            "created %d tenants in %.0f s%n",
                            n, NodeUnderTest.since(started).toMillis() / 1e3);
                }
                return null;
            }));
        }
        for (Future<?> f : created) f.get();
        pool.shutdown();
        double seconds = NodeUnderTest.since(started).toMillis() / 1e3;
        System.out.printf(
                "created %d tenants (one SQL request and one %d-row batch each, %d senders, nodes round-robin) in %.0f s:"
                        + " %.1f tenants/s%n",
                tenants, batchRows, senders, seconds, tenants / seconds);
    }

    /** Tenants running (not passivated) on all nodes, from each node's shardview_tenants_running. */
    private int runningTenants() throws Exception {
        int sum = 0;
        for (NodeUnderTest node : nodes) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^shardview_tenants_running (\\S+)$")
                    .matcher(get(node.url + "/metrics").body());
            if (!m.find()) throw new IllegalStateException("no shardview_tenants_running on " + node.url);
            sum += (int) Double.parseDouble(m.group(1));
        }
        return sum;
    }

    /** Sum over the nodes of the heap in use right after a full GC. */
    private long heapOfNodes() throws Exception {
        long sum = 0;
        for (NodeUnderTest node : nodes) sum += ProcessResources.heapAfterFullGc(node.pid());
        return sum;
    }

    /** One open-loop step at {@code rowsPerSecond}: every batch sent when due, its latency counted from then. */
    private Step sustain(int rowsPerSecond, int seconds, AtomicBoolean until) throws Exception {
        int batchesPerSecond = Math.max(1, rowsPerSecond / batchRows);
        int planned = until == null ? batchesPerSecond * seconds : Integer.MAX_VALUE;
        Step step = new Step(rowsPerSecond, batchRows);
        double[] cpuBefore = cpu();
        SplittableRandom random = new SplittableRandom(rowsPerSecond);
        long interval = 1_000_000_000L / batchesPerSecond;
        long start = System.nanoTime();
        for (int sent = 0; sent < planned && (until == null || until.get()); sent++) {
            long due = start + sent * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            int tenant = zipfRank(random.nextDouble());
            String path = "/v1/tenants/t" + tenant + "/ingest";
            Integer named = toTenantNode ? tenantNodes.get(tenant) : null;
            send(
                    named != null ? clientOf(named) : client(sent),
                    path,
                    batch(random, sent),
                    due,
                    0,
                    step,
                    toTenantNode ? url -> learned(tenant, url) : url -> {});
        }
        step.awaitAnswered();
        step.seconds = NodeUnderTest.since(start).toMillis() / 1e3;
        double[] cpuAfter = cpu();
        for (int i = 0; i < cpuAfter.length; i++) step.cpu[i] = cpuAfter[i] - cpuBefore[i];
        return step;
    }

    /** Kept-alive connections to each node, opened when first needed (a joining node once it is there). */
    private final Map<Integer, OpenLoopClient> clients = new java.util.concurrent.ConcurrentHashMap<>();

    /** Connections per node: at most this many of its batches in flight (sending more counts as not sent). */
    private static final int CONNECTIONS_PER_NODE = 64;

    /** Request {@code i}'s node, round-robin, as {@link #node}. */
    private OpenLoopClient client(long i) {
        return clientOf((int) (i % nodes.size()));
    }

    /** Notes the node an answer for tenant {@code tenant} named, when it is one of the nodes. */
    private void learned(int tenant, String url) {
        if (url == null) return;
        for (int n = 0; n < nodes.size(); n++) {
            if (nodes.get(n).url.equals(url)) {
                tenantNodes.put(tenant, n);
                return;
            }
        }
    }

    private OpenLoopClient clientOf(int index) {
        return clients.computeIfAbsent(index, n -> {
            try {
                URI url = URI.create(nodes.get(n).url);
                return new OpenLoopClient(new InetSocketAddress(url.getHost(), url.getPort()), CONNECTIONS_PER_NODE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Retries wait their Retry-After here (the node asks for 1 s). */
    private static final ScheduledExecutorService RETRIES_CLOCK = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "retries");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * Sends a batch over our own open-loop client ({@link OpenLoopClient}: the JDK's HttpClient took as much CPU as a
     * node's to send these batches); a reply that asks the client to come back (429, 503, 504), or no reply at all, is
     * sent again a second later (Retry-After as the node words it), up to {@link #RETRIES} times, as a careful client
     * does: the batch id makes that safe. The step records the first reply, and the last with the latency from when
     * the batch was due; a batch with every connection to its node busy counts as not sent (status 0).
     */
    private static void send(
            OpenLoopClient client,
            String path,
            String body,
            long due,
            int attempt,
            Step step,
            java.util.function.Consumer<String> tenantNode) {
        if (attempt == 0) step.sending();
        byte[] head = client.postHead(path, "application/json");
        boolean sent = client.send(
                () -> new OpenLoopClient.Post(head, body.length()).append(body).request(),
                (status, retryAfter, node, error) -> {
                    int answer = error == null ? status : -1;
                    if (node != null) tenantNode.accept(node);
                    if (attempt == 0) step.first(answer);
                    boolean again = answer == 429 || answer == 503 || answer == 504 || answer == -1;
                    if (!again || attempt == RETRIES) {
                        step.record(System.nanoTime() - due, answer);
                        return;
                    }
                    RETRIES_CLOCK.schedule(
                            () -> send(client, path, body, due, attempt + 1, step, tenantNode), 1, TimeUnit.SECONDS);
                });
        if (!sent) {
            if (attempt == 0) step.first(0);
            step.record(System.nanoTime() - due, 0);
        }
    }

    /** CPU seconds so far of the nodes, of PostgreSQL's processes, and of this client. */
    private double[] cpu() throws Exception {
        double nodesCpu = 0;
        for (NodeUnderTest node : nodes) nodesCpu += ProcessResources.cpuSeconds(node.pid());
        double postgres = ProcessResources.postgresCpuSeconds();
        return new double[] {
            nodesCpu,
            postgres,
            ProcessResources.cpuSeconds(ProcessHandle.current().pid())
        };
    }

    private void firstRequests(int sample) throws Exception {
        long[] first = new long[sample];
        for (int i = 0; i < sample; i++) {
            String tenant = "t" + ((long) i * tenants / sample);
            long t0 = System.nanoTime();
            expect(200, get(node(i) + "/v1/tenants/" + tenant + "/views/v5"));
            first[i] = System.nanoTime() - t0;
        }
        System.out.printf(
                "first request (GET a view through a round-robin node) to a passivated tenant, %d tenants one after"
                        + " another: %s%n",
                sample, TenantLoad.p50p99max(first));
    }

    /**
     * A node joins while batches arrive at {@code rowsPerSecond}: the rebalance time runs from the node being Up
     * until the last change of the tenant shards' placement, seen by polling /v1/cluster every second until it has
     * not changed for 40 s (four rebalance intervals).
     */
    private void join(int nodeCount, int rowsPerSecond) throws Exception {
        AtomicBoolean loading = new AtomicBoolean(true);
        CompletableFuture<Step> load = CompletableFuture.supplyAsync(() -> {
            try {
                return sustain(rowsPerSecond, 0, loading);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(10_000);
        System.out.println("before the join: tenant shards per node " + shardsPerNode());
        long joinStarted = System.nanoTime();
        NodeUnderTest joining = startNode(nodeCount, nodeCount);
        nodes.add(joining);
        awaitMembers(nodeCount + 1);
        long up = System.nanoTime();
        String placement = shardsPerNode();
        long lastChange = up;
        while (NodeUnderTest.since(lastChange).toSeconds() < 40) {
            Thread.sleep(1000);
            String now = shardsPerNode();
            if (!now.equals(placement)) {
                placement = now;
                lastChange = System.nanoTime();
            }
        }
        loading.set(false);
        Step during = load.get();
        System.out.printf(
                "node %d joined: started to Up %.1f s; Up to the last shard moved %.1f s; tenant shards per node then"
                        + " %s%n",
                nodeCount + 1, (up - joinStarted) / 1e9, (lastChange - up) / 1e9, placement);
        System.out.println("load while joining: " + during.describe());
    }

    private String shardsPerNode() throws Exception {
        return new TreeMap<>(JSON.convertValue(cluster().path("shards").path("tenant-circuit"), Map.class)).toString();
    }

    /**
     * A batch of {@code batchRows} upserts: half to users (50 keys), half to events (200 keys), with a batch id as a
     * careful client sends (the node sends a batch with an id again when a node on its way is lost or a shard moves).
     */
    private String batch(SplittableRandom random, long seq) {
        StringBuilder ops = new StringBuilder("{\"batch_id\": \"")
                .append(Long.toHexString(random.nextLong()))
                .append("\", \"ops\": [");
        for (int i = 0; i < batchRows; i++) {
            if (i > 0) ops.append(',');
            if (i % 2 == 0) {
                int id = random.nextInt(USERS);
                ops.append("{\"op\": \"upsert\", \"table\": \"users\", \"row\": {\"id\": ")
                        .append(id)
                        .append(", \"name\": \"user")
                        .append(id)
                        .append("\", \"team\": ")
                        .append(random.nextInt(5))
                        .append("}}");
            } else {
                ops.append("{\"op\": \"upsert\", \"table\": \"events\", \"row\": {\"id\": ")
                        .append(random.nextInt(EVENTS))
                        .append(", \"user_id\": ")
                        .append(random.nextInt(USERS))
                        .append(", \"kind\": \"k")
                        .append(random.nextInt(4))
                        .append("\", \"amount\": ")
                        .append(seq % 1000)
                        .append("}}");
            }
        }
        return ops.append("]}").toString();
    }

    /** Cumulative weights of ranks 1..n under Zipf's law with exponent s, normalised to end at 1. */
    private static double[] zipf(int n, double s) {
        double[] cumulative = new double[n];
        double sum = 0;
        for (int k = 0; k < n; k++) cumulative[k] = sum += 1 / Math.pow(k + 1, s);
        for (int k = 0; k < n; k++) cumulative[k] /= sum;
        return cumulative;
    }

    /** The tenant index (0 the hottest) for a uniform draw u in [0, 1). */
    private int zipfRank(double u) {
        int at = Arrays.binarySearch(zipfCumulative, u);
        return Math.min(tenants - 1, at >= 0 ? at : -at - 1);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The replies of one load step. */
    private static final class Step {
        final int rowsPerSecond;
        final int batchRows;
        final double[] cpu = new double[3];
        final Map<Integer, Integer> firstReplies = new TreeMap<>();
        final Map<Integer, Integer> statuses = new TreeMap<>();
        long[] latencies = new long[1024];
        int count;
        double seconds;

        Step(int rowsPerSecond, int batchRows) {
            this.rowsPerSecond = rowsPerSecond;
            this.batchRows = batchRows;
        }

        private int sending;

        /** A batch is sent for the first time: {@link #awaitAnswered} waits for its last reply. */
        synchronized void sending() {
            sending++;
        }

        synchronized void first(int status) {
            firstReplies.merge(status, 1, Integer::sum);
        }

        synchronized void record(long nanos, int status) {
            if (count == latencies.length) latencies = Arrays.copyOf(latencies, count * 2);
            latencies[count++] = nanos;
            statuses.merge(status, 1, Integer::sum);
            notifyAll();
        }

        /** Waits until every batch sent has had its last reply (retries included). */
        synchronized void awaitAnswered() throws InterruptedException {
            while (count < sending) wait();
        }

        synchronized String describe() {
            long[] sorted = Arrays.copyOf(latencies, count);
            Arrays.sort(sorted);
            int ok = statuses.getOrDefault(200, 0);
            double thousands = ok * (double) batchRows / 1000;
            return String.format(
                    "offered %d row updates/s (%d-row batches) for %.0f s: %.0f row updates/s acknowledged; ack p50"
                            + " %.1f ms, p99 %.1f ms, max %.1f ms; first replies %s, last (after retries as Retry-After asks) %s; cores busy: nodes %.2f, PostgreSQL %.2f,"
                            + " client %.2f; CPU s per 1000 row updates: nodes %.3f, PostgreSQL %.3f, client %.3f",
                    rowsPerSecond,
                    batchRows,
                    seconds,
                    ok * (double) batchRows / seconds,
                    TenantLoad.percentile(sorted, 0.50) / 1e6,
                    TenantLoad.percentile(sorted, 0.99) / 1e6,
                    count == 0 ? 0 : sorted[count - 1] / 1e6,
                    firstReplies,
                    statuses,
                    cpu[0] / seconds,
                    cpu[1] / seconds,
                    cpu[2] / seconds,
                    cpu[0] / thousands,
                    cpu[1] / thousands,
                    cpu[2] / thousands);
        }
    }
}
