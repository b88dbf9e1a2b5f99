package io.shardview.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardview.testsupport.TestPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * Three nodes of the packaged node, each in its own JVM on loopback, in the cluster profile: a
 * PostgreSQL journal database created for the test on the tests' server ({@link TestPostgres}; dropped at
 * close), its schema made by {@code shardview journal init}, the same three seed nodes on every node, and a
 * short downing delay.
 */
final class ThreeNodes implements AutoCloseable {
    static final Duration START = Duration.ofSeconds(120);
    static final Duration REQUEST = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    final Path dir;
    final String database =
            "shardview_mj_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final int[] remotePorts = new int[3];
    private final NodeProcess[] nodes = new NodeProcess[3];
    private final String[] urls = new String[3];
    private final Path config;
    /** The admin token every node gets (auth on), or null. */
    private final String adminToken;
    /** Environment variables of the test's own, over those {@link #environment} sets. */
    private final Map<String, String> settings;

    ThreeNodes(Path dir) throws Exception {
        this(dir, null, Map.of());
    }

    /**
     * Three nodes with auth on when {@code adminToken} is not null (SHARDVIEW_ADMIN_TOKEN, as a user sets it), and
     * {@code settings} as further environment variables.
     */
    ThreeNodes(Path dir, String adminToken, Map<String, String> settings) throws Exception {
        this.dir = dir;
        this.adminToken = adminToken;
        this.settings = settings;
        TestPostgres.createDatabase(database);
        for (int i = 0; i < 3; i++) remotePorts[i] = freePort();
        config = dir.resolve("node.conf");
        // Shards move every 2 s instead of 10 s, so a joining node fills up within the test's patience.
        Files.writeString(config, "pekko.cluster.sharding.rebalance-interval = 2s\n");
        ProcessBuilder journalInit = new ProcessBuilder(
                        NodeProcess.ROOT.resolve("shardview").toString(), "journal", "init")
                .directory(NodeProcess.ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("journal-init.log").toFile());
        journalInit.environment().putAll(environment());
        Process init = journalInit.start();
        if (!init.waitFor(120, TimeUnit.SECONDS)) throw new IllegalStateException("journal init hung");
        assertEquals(0, init.exitValue(), () -> "journal init failed: " + read(dir.resolve("journal-init.log")));
    }

    String journalUrl() {
        return TestPostgres.url(database);
    }

    String address(int i) {
        return "pekko://shardview@127.0.0.1:" + remotePorts[i];
    }

    /** The settings every node gets, through the environment variables a user would set. */
    Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("SHARDVIEW_PROFILE", "cluster");
        // The tests' server (TestPostgres): the nodes' JVMs reach an embedded one this JVM started over TCP as well.
        env.put("SHARDVIEW_JOURNAL_URL", journalUrl());
        env.put("SHARDVIEW_JOURNAL_USER", TestPostgres.USER);
        env.put(
                "SHARDVIEW_SEED_NODES",
                String.join(",", IntStream.range(0, 3).mapToObj(this::address).toList()));
        env.put("SHARDVIEW_DOWN_AFTER", "4s");
        // C1 only: the JVMs start in about half the time on a busy 2-core machine.
        env.put("SHARDVIEW_JAVA_OPTS", "-XX:TieredStopAtLevel=1 -Xmx768m");
        if (adminToken != null) env.put("SHARDVIEW_ADMIN_TOKEN", adminToken);
        env.putAll(settings);
        return env;
    }

    /** Starts node {@code i} (again, after a kill), with {@code extraArgs} for {@code serve}, and returns at once. */
    void start(int i, String... extraArgs) throws IOException {
        urls[i] = null;
        List<String> args = new ArrayList<>(List.of(
                "--cluster-port",
                String.valueOf(remotePorts[i]),
                "--data-dir",
                dir.resolve("data-" + i).toString(),
                "--config",
                config.toString()));
        args.addAll(List.of(extraArgs));
        nodes[i] = NodeProcess.serve(dir.resolve("logs"), environment(), args.toArray(String[]::new));
    }

    /** Waits for node {@code i}'s /ready and returns its URL. */
    String awaitReady(int i) throws Exception {
        int status = nodes[i].awaitStatus("/ready", 200, START);
        assertEquals(200, status, () -> "node " + i + " not ready; stderr: " + tail(i));
        urls[i] = nodes[i].url(START);
        return urls[i];
    }

    String url(int i) {
        return urls[i];
    }

    NodeProcess node(int i) {
        return nodes[i];
    }

    /** Waits until node {@code via} sees exactly the given nodes as Up members. */
    void awaitMembers(int via, List<Integer> up) throws Exception {
        List<String> expected = up.stream().map(this::address).sorted().toList();
        long deadline = System.nanoTime() + START.toNanos();
        List<String> seen = List.of();
        while (System.nanoTime() < deadline) {
            seen = new ArrayList<>();
            for (JsonNode member : cluster(via).path("members")) {
                if (member.path("status").asText().equals("Up"))
                    seen.add(member.path("address").asText());
            }
            seen.sort(null);
            if (seen.equals(expected) && cluster(via).path("members").size() == expected.size()) return;
            Thread.sleep(250);
        }
        assertEquals(expected, seen, "Up members seen by node " + via);
    }

    JsonNode cluster(int via) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(urls[via] + "/v1/cluster")).timeout(REQUEST);
        if (adminToken != null) request.header("Authorization", "Bearer " + adminToken);
        return JSON.readTree(
                HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    /**
     * Index of the node hosting tenant {@code tenant}'s circuit, asking node {@code via}. A shard whose
     * node left is allocated again only when a message arrives for it, so this reads the tenant (which
     * starts its entity) until some node hosts it.
     */
    int hostOfTenant(int via, String tenant) throws Exception {
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline) {
            int host = hostNow(via, "tenant-circuit", tenant);
            if (host >= 0) return host;
            try {
                get(urls[via] + "/v1/tenants/" + tenant);
            } catch (IOException e) {
                // timed out while the shard moves: ask again
            }
            Thread.sleep(250);
        }
        throw new AssertionError("tenant " + tenant + " has no host");
    }

    /** Index of the node hosting the entity now, or -1 while its shard is not allocated (no message reached it yet). */
    int hostNow(int via, String type, String entity) throws Exception {
        HttpResponse<String> response = get(urls[via] + "/v1/cluster/entities/" + type + "/" + entity);
        assertEquals(200, response.statusCode(), response.body());
        String node = JSON.readTree(response.body()).path("node").asText(null);
        for (int i = 0; node != null && i < 3; i++) if (address(i).equals(node)) return i;
        return -1;
    }

    String tail(int i) {
        try {
            String text = nodes[i].stderr();
            return text.length() > 4000 ? "..." + text.substring(text.length() - 4000) : text;
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String url, String type, String body) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(REQUEST)
                        .header("Content-Type", type)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws Exception {
        for (NodeProcess node : nodes) if (node != null) node.close();
        for (NodeProcess node : nodes) if (node != null) node.process.waitFor(10, TimeUnit.SECONDS);
        TestPostgres.dropDatabase(database);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
