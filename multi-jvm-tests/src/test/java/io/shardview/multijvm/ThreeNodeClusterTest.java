package io.shardview.multijvm;

import static io.shardview.multijvm.DurabilityWorkload.TENANT;
import static io.shardview.multijvm.DurabilityWorkload.batchId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real JVMs of the packaged node on a shared PostgreSQL journal, driven over HTTP only:
 * nodes joining a node that holds data, SIGKILL of the node hosting a busy tenant, SIGKILL of a
 * node hosting metrics shards, and a graceful leave. The steps run in order on one cluster (each
 * JVM start costs tens of seconds on a 2-core machine); each asserts that no acknowledged write
 * was lost or applied twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ThreeNodeClusterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TENANTS =
            IntStream.range(0, 8).mapToObj(i -> "t" + i).toList();
    /** Acknowledged batches before a kill or leave, and after it: enough to show the tenant serves again. */
    private static final int ACKS_BEFORE = 30;

    private static final int ACKS_AFTER = 30;
    private static final Duration TAKEOVER = Duration.ofSeconds(90);

    @TempDir
    static Path tmp;

    private ThreeNodes cluster;
    private final DurabilityWorkload work = new DurabilityWorkload();
    private int batchesSent; // batches 1..batchesSent of the workload are acknowledged, each exactly once
    private final List<Integer> alive = new ArrayList<>(List.of(0, 1, 2));

    @AfterAll
    void stop() throws Exception {
        if (cluster != null) cluster.close();
    }

    @Test
    @Order(1)
    void nodesTwoAndThreeJoinANodeHoldingTenantsAndMetricsAndEveryViewKeepsItsHash() throws Exception {
        cluster = new ThreeNodes(tmp);
        cluster.start(0);
        String first = cluster.awaitReady(0);
        cluster.awaitMembers(0, List.of(0));

        Map<String, String> hashes = new TreeMap<>();
        for (String tenant : TENANTS) {
            ok(
                    ThreeNodes.post(
                            first + "/v1/tenants/" + tenant + "/sql",
                            "application/sql",
                            "CREATE TABLE o (id BIGINT NOT NULL, c VARCHAR, amt DECIMAL(10,2), PRIMARY KEY (id)); "
                                    + "CREATE VIEW totals AS SELECT c, COUNT(*) AS n, SUM(amt) AS s FROM o GROUP BY c; "
                                    + "CREATE VIEW big AS SELECT id, amt FROM o WHERE amt > 5"),
                    tenant);
            for (int b = 0; b < 3; b++) {
                ok(
                        ThreeNodes.post(
                                first + "/v1/tenants/" + tenant + "/ingest",
                                "application/json",
                                "{\"batch_id\": \"j" + b
                                        + "\", \"ops\": [{\"op\": \"upsert\", \"table\": \"o\", \"row\": {\"id\": " + b
                                        + ", \"c\": \"c" + (b % 2) + "\", \"amt\": \"" + (b * 3 + 1) + ".25\"}}]}"),
                        tenant);
            }
            for (String view : List.of("totals", "big")) hashes.put(tenant + "/" + view, viewHash(first, tenant, view));
        }
        MetricsLoad metrics = new MetricsLoad("joined", 1);
        for (int n = 1; n <= 5; n++)
            assertEquals(
                    204,
                    ThreeNodes.post(first + metrics.path(), "text/plain", metrics.body(n))
                            .statusCode());
        List<String> exported = export(first, "joined");
        assertEquals(
                5 * MetricsLoad.SERIES,
                exported.stream().mapToInt(line -> points(line).size()).sum());

        // Reads through the first node while the others join and shards move to them, each sent once: sharding drops
        // the messages it held for a shard that starts moving, and the node asks again within the read's deadline,
        // so a read is slower, never refused.
        java.util.concurrent.atomic.AtomicBoolean joining = new java.util.concurrent.atomic.AtomicBoolean(true);
        Map<Integer, Integer> readStatuses = new java.util.concurrent.ConcurrentHashMap<>();
        Thread reader = new Thread(() -> {
            for (int i = 0; joining.get(); i++) {
                int status;
                try {
                    status = ThreeNodes.get(first + "/v1/tenants/" + TENANTS.get(i % TENANTS.size()) + "/views/totals")
                            .statusCode();
                } catch (Exception e) {
                    status = -1;
                }
                readStatuses.merge(status, 1, Integer::sum);
            }
        });
        reader.start();
        cluster.start(1);
        cluster.start(2);
        cluster.awaitReady(1);
        cluster.awaitReady(2);
        cluster.awaitMembers(0, List.of(0, 1, 2));

        // Least-shard rebalancing spreads the tenants' shards over all three nodes.
        long deadline = System.nanoTime() + TAKEOVER.toNanos();
        JsonNode shards = null;
        while (System.nanoTime() < deadline) {
            JsonNode now = cluster.cluster(0).path("shards").path("tenant-circuit");
            shards = now;
            if (Stream.of(0, 1, 2).allMatch(i -> now.path(cluster.address(i)).asInt() > 0)) break;
            Thread.sleep(500);
        }
        // Reads go on through the last hand-offs: until the shards stay where they are for 3 s.
        JsonNode settled = shards;
        for (int same = 0; same < 3 && System.nanoTime() < deadline; ) {
            Thread.sleep(1000);
            JsonNode now = cluster.cluster(0).path("shards").path("tenant-circuit");
            same = now.equals(settled) ? same + 1 : 0;
            settled = now;
        }
        shards = settled;
        joining.set(false);
        reader.join();
        System.out.println("[cluster] reads during the join, by status: " + readStatuses);
        assertEquals(Set.of(200), readStatuses.keySet(), "reads during the join, by status: " + readStatuses);
        JsonNode spread = shards;
        for (int i = 0; i < 3; i++) {
            assertTrue(spread.path(cluster.address(i)).asInt() > 0, "no tenant shard on node " + i + ": " + spread);
        }
        System.out.println("[cluster] tenant shards after the join: " + spread + "; metrics shards: "
                + cluster.cluster(0).path("shards").path("metrics-shard"));

        for (int via = 0; via < 3; via++) {
            for (Map.Entry<String, String> view : hashes.entrySet()) {
                String[] parts = view.getKey().split("/");
                assertEquals(
                        view.getValue(),
                        viewHash(cluster.url(via), parts[0], parts[1]),
                        view.getKey() + " read on node " + via);
            }
            assertEquals(exported, export(cluster.url(via), "joined"), "metrics exported by node " + via);
        }

        // Each tenant's last batch sent again through every node (a duplicate: nothing changes): every answer names
        // the same node for the tenant in Shardview-Tenant-Node, the one that runs it, which names itself; the
        // tenants run on all three.
        Set<String> named = new TreeSet<>();
        for (String tenant : TENANTS) {
            Set<String> answers = new TreeSet<>();
            for (int via = 0; via < 3; via++) {
                HttpResponse<String> again = ThreeNodes.post(
                        cluster.url(via) + "/v1/tenants/" + tenant + "/ingest",
                        "application/json",
                        "{\"batch_id\": \"j2\", \"ops\": [{\"op\": \"upsert\", \"table\": \"o\", \"row\": {\"id\": 2,"
                                + " \"c\": \"c0\", \"amt\": \"7.25\"}}]}");
                assertEquals(200, again.statusCode(), again.body());
                assertTrue(JSON.readTree(again.body()).path("duplicate").asBoolean(), again.body());
                answers.add(again.headers().firstValue("Shardview-Tenant-Node").orElse("none"));
            }
            assertEquals(1, answers.size(), tenant + " named by the three nodes: " + answers);
            named.addAll(answers);
        }
        assertEquals(
                new TreeSet<>(List.of(cluster.url(0), cluster.url(1), cluster.url(2))),
                named,
                "the nodes named for the tenants");
    }

    @Test
    @Order(2)
    void killingTheNodeOfABusyTenantLosesNoAcknowledgedBatchAndSubscribersMissNothing() throws Exception {
        ok(
                ThreeNodes.post(
                        cluster.url(0) + "/v1/tenants/" + TENANT + "/sql",
                        "application/sql",
                        DurabilityWorkload.TABLES_SQL + "; " + TenantDurabilityTest.viewsSql()),
                "schema");
        int victim = cluster.hostOfTenant(0, TENANT);
        int client = next(victim);
        int watcher = next(client);
        Subscriber changes =
                Subscriber.start(cluster.url(watcher) + "/v1/tenants/" + TENANT + "/views/applied/changes?from=1");
        TenantLoad load = TenantLoad.start(cluster.url(client), work, 1);

        load.awaitAcks(ACKS_BEFORE, TAKEOVER);
        long killedAt = killDuring(victim, load);
        report("SIGKILL of node " + victim + " hosting tenant " + TENANT, load, killedAt);

        batchesSent = load.checkAcknowledgements(1);
        String url = cluster.url(client);
        assertEquals(
                expectedOnce(batchesSent),
                new TreeMap<>(TenantDurabilityTest.logCounts(url)),
                "every batch exactly once");
        assertEquals(work.stateAfter(batchesSent), TenantDurabilityTest.accRows(url));
        JsonNode views = TenantDurabilityTest.checkViews(url, batchesSent, work.stateAfter(batchesSent));
        TenantDurabilityTest.compareWithFreshTenant(url, views);

        List<Long> expectedVersions = LongStreamRange.of(2, batchesSent + 1);
        changes.awaitVersion(batchesSent + 1, Duration.ofSeconds(30));
        assertEquals(expectedVersions, changes.versions(), "versions seen by the subscriber on node " + watcher);
        assertEquals(1, changes.connections(), "the stream on a surviving node went on by itself, never reconnecting");
        cluster.awaitMembers(client, alive);
    }

    @Test
    @Order(3)
    void killingANodeHostingMetricsShardsLosesNoAcknowledgedPoint() throws Exception {
        int restarted =
                Stream.of(0, 1, 2).filter(i -> !alive.contains(i)).findFirst().orElseThrow();
        cluster.start(restarted);
        cluster.awaitReady(restarted);
        alive.add(restarted);
        alive.sort(null);
        int client = alive.get(0);
        cluster.awaitMembers(client, alive);

        MetricsLoad load = new MetricsLoad("mk", 1);
        load.start(cluster.url(client));
        load.awaitAcks(ACKS_BEFORE, TAKEOVER);
        Map<Integer, Integer> hosted = new HashMap<>();
        for (int shard = 0; shard < 16; shard++)
            hosted.merge(cluster.hostNow(client, "metrics-shard", "mk." + shard), 1, Integer::sum);
        int victim = alive.stream()
                .filter(i -> i != client)
                .max((a, b) -> hosted.getOrDefault(a, 0) - hosted.getOrDefault(b, 0))
                .orElseThrow();
        assertTrue(hosted.getOrDefault(victim, 0) > 0, "the victim hosts metrics shards: " + hosted);
        long killedAt = killDuring(victim, load);
        report(
                "SIGKILL of node " + victim + " hosting " + hosted.get(victim) + " metrics shards of the tenant",
                load,
                killedAt);
        assertEquals(List.of(), load.unexpected, "failures other than 503, 504 or a refused connection");

        Map<String, Map<Long, Double>> series = new TreeMap<>();
        for (String line : export(cluster.url(client), "mk")) {
            JsonNode json = JSON.readTree(line);
            Map<Long, Double> points = new TreeMap<>();
            JsonNode timestamps = json.path("timestamps");
            for (int i = 0; i < timestamps.size(); i++) {
                Double previous = points.put(
                        timestamps.get(i).asLong(), json.path("values").get(i).asDouble());
                assertEquals(null, previous, "a timestamp twice in one series");
            }
            series.put(json.path("metric").path("host").asText(), points);
        }
        assertEquals(MetricsLoad.SERIES, series.size(), "series exported: " + series.keySet());
        for (int n : load.acks) {
            for (int s = 0; s < MetricsLoad.SERIES; s++) {
                assertEquals((double) n, series.get("h" + s).get(load.timestamp(n)), "point " + n + " of series h" + s);
            }
        }
    }

    @Test
    @Order(4)
    void aGracefulLeaveHandsOffWithoutAFailedRequest() throws Exception {
        int leaver = cluster.hostOfTenant(alive.get(0), TENANT);
        int client = alive.stream().filter(i -> i != leaver).findFirst().orElseThrow();
        TenantLoad load = TenantLoad.start(cluster.url(client), work, batchesSent + 1);
        load.awaitAcks(ACKS_BEFORE, TAKEOVER);
        int ackedAtLeave = load.acks.size();
        long leftAt = System.nanoTime();
        assertEquals(
                0,
                cluster.node(leaver).terminate(Duration.ofSeconds(60)),
                () -> "SIGTERM exit; " + cluster.tail(leaver));
        load.awaitAcks(ackedAtLeave + ACKS_AFTER, TAKEOVER);
        load.stop();
        report("SIGTERM (exit 0) of node " + leaver + " hosting tenant " + TENANT, load, leftAt);
        int last = load.checkAcknowledgements(batchesSent + 1);
        String url = cluster.url(client);
        assertEquals(
                expectedOnce(last), new TreeMap<>(TenantDurabilityTest.logCounts(url)), "every batch exactly once");
        TenantDurabilityTest.checkViews(url, last, work.stateAfter(last));
    }

    // ---- helpers ----------------------------------------------------------------------------------

    /**
     * SIGKILLs node {@code victim} while the load runs, waits until ACKS_AFTER more requests are
     * acknowledged by the survivors and stops the load; returns when the node was killed.
     */
    private long killDuring(int victim, RetryingLoad load) throws Exception {
        int ackedAtKill = load.acks.size();
        long killedAt = System.nanoTime();
        assertEquals(137, cluster.node(victim).kill9(Duration.ofSeconds(10)));
        alive.remove(Integer.valueOf(victim));
        load.awaitAcks(ackedAtKill + ACKS_AFTER, TAKEOVER);
        load.stop();
        return killedAt;
    }

    /** The figures bench/RESULTS.md reports, printed to the test's output. */
    private static void report(String event, RetryingLoad load, long since) {
        System.out.printf(
                "[cluster] %s: longest time without an acknowledgement after it %d ms "
                        + "(%d requests acknowledged, %d client retries of 503s, 504s or refused connections)%n",
                event,
                TimeUnit.NANOSECONDS.toMillis(load.longestGapAfter(since)),
                load.acks.size(),
                load.retries.get());
    }

    private int next(int node) {
        return alive.get((alive.indexOf(node) + 1) % alive.size());
    }

    private static Map<String, Integer> expectedOnce(int batches) {
        Map<String, Integer> expected = new TreeMap<>();
        IntStream.rangeClosed(1, batches).forEach(n -> expected.put(batchId(n), 1));
        return expected;
    }

    /**
     * A read as the contract asks clients to make it: a 503 promises nothing happened and asks for a retry, and a
     * read may meet a tenant or a metrics shard while it moves to another node (after a kill, once the dead node is
     * downed and its shards recover elsewhere).
     */
    private static HttpResponse<String> read(String url) throws Exception {
        HttpResponse<String> response = ThreeNodes.get(url);
        for (int attempt = 0; attempt < 5 && response.statusCode() == 503; attempt++) {
            Thread.sleep(1000);
            response = ThreeNodes.get(url);
        }
        return response;
    }

    private static String viewHash(String url, String tenant, String view) throws Exception {
        return ok(read(url + "/v1/tenants/" + tenant + "/views/" + view), view)
                .path("hash")
                .asText();
    }

    private static List<String> export(String url, String tenant) throws Exception {
        HttpResponse<String> response =
                read(url + "/v1/tenants/" + tenant + "/prom/api/v1/export?match%5B%5D=%7B__name__%3D~%22.%2B%22%7D");
        assertEquals(200, response.statusCode(), response.body());
        return response.body().lines().filter(l -> !l.isBlank()).sorted().toList();
    }

    private static List<Long> points(String line) {
        try {
            List<Long> out = new ArrayList<>();
            JSON.readTree(line).path("timestamps").forEach(t -> out.add(t.asLong()));
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode ok(HttpResponse<String> response, String what) throws IOException {
        assertEquals(200, response.statusCode(), what + ": " + response.body());
        return JSON.readTree(response.body());
    }

    /** Closed ranges of versions. */
    private static final class LongStreamRange {
        static List<Long> of(long from, long to) {
            List<Long> out = new ArrayList<>();
            for (long v = from; v <= to; v++) out.add(v);
            return out;
        }
    }

    /** Sends requests one at a time, retrying each until it is acknowledged, as a careful client does. */
    abstract static class RetryingLoad implements Runnable {
        final List<Integer> acks = new CopyOnWriteArrayList<>();
        final List<Long> ackNanos = new CopyOnWriteArrayList<>();
        final List<String> unexpected = new CopyOnWriteArrayList<>();
        final AtomicInteger retries = new AtomicInteger();
        volatile String url;
        volatile boolean stopped;
        private final int first;
        private Thread thread;

        RetryingLoad(int first) {
            this.first = first;
        }

        abstract HttpResponse<String> send(String url, int n) throws IOException, InterruptedException;

        /** Whether the response acknowledges request {@code n}; may record what it says. */
        abstract boolean acknowledged(int n, HttpResponse<String> response) throws IOException;

        void start(String target) {
            url = target;
            thread = new Thread(this, getClass().getSimpleName());
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run() {
            for (int n = first; !stopped; n++) {
                long giveUp = System.nanoTime() + TAKEOVER.toNanos();
                while (true) {
                    try {
                        HttpResponse<String> response = send(url, n);
                        if (acknowledged(n, response)) break;
                        // 503: nothing applied; 504 outcome_unknown: maybe applied. Both are retried with the same id,
                        // which the
                        // node applies at most once.
                        int status = response.statusCode();
                        if (status != 503 && status != 504) unexpected.add(n + ": " + status + " " + response.body());
                    } catch (IOException refusedOrTimedOut) {
                        // a request to a node that stopped answering: retried like a 504
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (System.nanoTime() > giveUp) {
                        unexpected.add(n + ": not acknowledged within " + TAKEOVER);
                        stopped = true;
                        return;
                    }
                    retries.incrementAndGet();
                    sleep(200);
                }
                acks.add(n);
                ackNanos.add(System.nanoTime());
            }
        }

        void awaitAcks(int count, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (acks.size() < count && System.nanoTime() < deadline && !stopped) sleep(20);
            assertTrue(acks.size() >= count, "only " + acks.size() + " of " + count + " acknowledged: " + unexpected);
        }

        /** Stops after the request in flight is acknowledged. */
        void stop() throws InterruptedException {
            stopped = true;
            thread.join(TAKEOVER.toMillis());
            assertTrue(!thread.isAlive(), "the load did not stop");
        }

        /**
         * The longest time without an acknowledgement from {@code nanos} on: how long the client could
         * not write (its request in flight at the kill waits inside the node, then succeeds).
         */
        long longestGapAfter(long nanos) {
            long previous = nanos;
            long longest = 0;
            for (long t : ackNanos) {
                if (t <= nanos) continue;
                longest = Math.max(longest, t - previous);
                previous = t;
            }
            return longest;
        }

        private static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Batches of the durability workload for tenant {@value DurabilityWorkload#TENANT}, each with its batch id. */
    static final class TenantLoad extends RetryingLoad {
        private final DurabilityWorkload work;
        private final Map<Integer, JsonNode> answers = new java.util.concurrent.ConcurrentHashMap<>();

        private TenantLoad(DurabilityWorkload work, int first) {
            super(first);
            this.work = work;
        }

        static TenantLoad start(String url, DurabilityWorkload work, int first) {
            TenantLoad load = new TenantLoad(work, first);
            load.start(url);
            return load;
        }

        @Override
        HttpResponse<String> send(String url, int n) throws IOException, InterruptedException {
            return ThreeNodes.post(url + "/v1/tenants/" + TENANT + "/ingest", "application/json", work.body(n));
        }

        @Override
        boolean acknowledged(int n, HttpResponse<String> response) throws IOException {
            if (response.statusCode() != 200) return false;
            answers.put(n, JSON.readTree(response.body()));
            return true;
        }

        /**
         * Batch n's acknowledgement names version n + 1 (the schema is version 1), whether it came from
         * the first send or, as a duplicate, from a retry. Returns the last batch acknowledged.
         */
        int checkAcknowledgements(int first) {
            assertEquals(List.of(), unexpected, "failures other than 503, 504 or a refused connection");
            List<Integer> expected =
                    IntStream.range(first, first + acks.size()).boxed().toList();
            assertEquals(expected, acks, "acknowledged in send order");
            for (int n : acks)
                assertEquals(
                        n + 1,
                        answers.get(n).path("version").asLong(),
                        "version of " + batchId(n) + ": " + answers.get(n));
            return acks.get(acks.size() - 1);
        }
    }

    /** Influx line protocol requests: request n writes value n at its own timestamp into every series. */
    static final class MetricsLoad extends RetryingLoad {
        static final int SERIES = 20;
        private final String tenant;
        private final long base = (System.currentTimeMillis() / 1000 - 1800) * 1000; // within the out-of-order window

        MetricsLoad(String tenant, int first) {
            super(first);
            this.tenant = tenant;
        }

        String path() {
            return "/v1/tenants/" + tenant + "/influx/write?precision=ms";
        }

        long timestamp(int n) {
            return base + n * 1000L;
        }

        String body(int n) {
            IntFunction<String> line = s -> "load,host=h" + s + " v=" + n + " " + timestamp(n);
            return IntStream.range(0, SERIES).mapToObj(line).collect(Collectors.joining("\n"));
        }

        @Override
        HttpResponse<String> send(String url, int n) throws IOException, InterruptedException {
            return ThreeNodes.post(url + path(), "text/plain", body(n));
        }

        @Override
        boolean acknowledged(int n, HttpResponse<String> response) {
            return response.statusCode() == 204;
        }
    }

    /** Follows a view's SSE change stream, resuming with Last-Event-ID whenever the stream ends. */
    static final class Subscriber implements Runnable {
        private static final HttpClient HTTP =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        private final String url;
        private final List<Long> versions = new CopyOnWriteArrayList<>();
        private final java.util.concurrent.atomic.AtomicInteger connections =
                new java.util.concurrent.atomic.AtomicInteger();

        private Subscriber(String url) {
            this.url = url;
        }

        static Subscriber start(String url) {
            Subscriber subscriber = new Subscriber(url);
            Thread thread = new Thread(subscriber, "sse-subscriber");
            thread.setDaemon(true);
            thread.start();
            return subscriber;
        }

        @Override
        public void run() {
            while (true) {
                HttpRequest.Builder request =
                        HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
                if (!versions.isEmpty())
                    request.header("Last-Event-ID", String.valueOf(versions.get(versions.size() - 1)));
                connections.incrementAndGet();
                try (Stream<String> lines = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofLines())
                        .body()) {
                    lines.filter(l -> l.startsWith("id:"))
                            .forEach(l ->
                                    versions.add(Long.parseLong(l.substring(3).trim())));
                } catch (IOException | RuntimeException ended) {
                    // resumed below
                } catch (InterruptedException e) {
                    return;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void awaitVersion(long version, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline
                    && (versions.isEmpty() || versions.get(versions.size() - 1) < version)) {
                Thread.sleep(50);
            }
        }

        List<Long> versions() {
            return List.copyOf(versions);
        }

        /** How many times it connected: 1 unless a stream ended and it resumed with Last-Event-ID. */
        int connections() {
            return connections.get();
        }
    }
}
