package io.shardview.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardview.testsupport.TestPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
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

/**
 * A cluster of regions on loopback, each region some nodes of the packaged node in JVMs of their own, and each region
 * with a journal database of its own on the tests' PostgreSQL server ({@link TestPostgres}; dropped at close), made by
 * {@code shardview journal init}. Every node gets the same seed list (the first node of each region) and a short
 * downing delay. Node {@code i} is in region {@code regions[i / perRegion]}.
 */
final class RegionNodes implements AutoCloseable {
    static final Duration START = Duration.ofSeconds(120);
    static final Duration REQUEST = Duration.ofSeconds(15);
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    final Path dir;
    private final List<String> regions;
    private final int perRegion;
    private final Map<String, String> databases = new HashMap<>();
    private final int[] remotePorts;
    private final NodeProcess[] nodes;
    private final String[] urls;
    private final Path config;

    RegionNodes(Path dir, List<String> regions, int perRegion) throws Exception {
        this(dir, regions, perRegion, "");
    }

    /** As above, with {@code extraConfig} (HOCON) in every node's configuration file. */
    RegionNodes(Path dir, List<String> regions, int perRegion, String extraConfig) throws Exception {
        this.dir = dir;
        this.regions = List.copyOf(regions);
        this.perRegion = perRegion;
        int size = regions.size() * perRegion;
        remotePorts = new int[size];
        nodes = new NodeProcess[size];
        urls = new String[size];
        for (int i = 0; i < size; i++) remotePorts[i] = freePort();
        config = dir.resolve("node.conf");
        Files.writeString(config, "pekko.cluster.sharding.rebalance-interval = 2s\n" + extraConfig + "\n");
        for (String region : regions) {
            String database = "shardview_rg_" + region + "_"
                    + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
            TestPostgres.createDatabase(database);
            databases.put(region, database);
            Path log = dir.resolve("journal-init-" + region + ".log");
            ProcessBuilder init = new ProcessBuilder(
                            NodeProcess.ROOT.resolve("shardview").toString(), "journal", "init")
                    .directory(NodeProcess.ROOT.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            init.environment().putAll(environment(region));
            Process process = init.start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) throw new IllegalStateException("journal init hung");
            assertEquals(0, process.exitValue(), () -> "journal init failed: " + read(log));
        }
    }

    int size() {
        return nodes.length;
    }

    String region(int i) {
        return regions.get(i / perRegion);
    }

    /** The nodes of {@code region}. */
    List<Integer> nodesOf(String region) {
        int r = regions.indexOf(region);
        List<Integer> in = new ArrayList<>();
        for (int i = r * perRegion; i < (r + 1) * perRegion; i++) in.add(i);
        return in;
    }

    String address(int i) {
        return "pekko://shardview@127.0.0.1:" + remotePorts[i];
    }

    /** What a user would set for a node of {@code region}: its own region's journal database. */
    Map<String, String> environment(String region) {
        Map<String, String> env = new HashMap<>();
        env.put("SHARDVIEW_PROFILE", "cluster");
        env.put("SHARDVIEW_REGION", region);
        env.put("SHARDVIEW_JOURNAL_URL", TestPostgres.url(databases.get(region)));
        env.put("SHARDVIEW_JOURNAL_USER", TestPostgres.USER);
        List<String> seeds = new ArrayList<>();
        for (String r : regions) seeds.add(address(regions.indexOf(r) * perRegion));
        env.put("SHARDVIEW_SEED_NODES", String.join(",", seeds));
        env.put("SHARDVIEW_DOWN_AFTER", "4s");
        env.put("SHARDVIEW_JAVA_OPTS", "-XX:TieredStopAtLevel=1 -Xmx512m");
        return env;
    }

    /**
     * Runs {@code shardview journal ARGS} as an operator of {@code region} would (that region's journal database);
     * returns its exit status and output (stdout, then stderr).
     */
    String[] journal(String region, String... args) throws Exception {
        List<String> command =
                new ArrayList<>(List.of(NodeProcess.ROOT.resolve("shardview").toString(), "journal"));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "journal", ".out");
        Path err = Files.createTempFile(dir, "journal", ".err");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(NodeProcess.ROOT.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().putAll(environment(region));
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("journal " + String.join(" ", args) + " hung");
        }
        return new String[] {String.valueOf(process.exitValue()), read(out), read(err)};
    }

    /** Starts node {@code i} and returns at once. */
    void start(int i) throws IOException {
        urls[i] = null;
        nodes[i] = NodeProcess.serve(
                dir.resolve("logs"),
                environment(region(i)),
                "--cluster-port",
                String.valueOf(remotePorts[i]),
                "--data-dir",
                dir.resolve("data-" + i).toString(),
                "--config",
                config.toString());
    }

    /** Starts every node and waits until each is ready and every one sees all of them Up. */
    void startAll() throws Exception {
        for (int i = 0; i < size(); i++) start(i);
        for (int i = 0; i < size(); i++) awaitReady(i);
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < size(); i++) all.add(i);
        for (int i = 0; i < size(); i++) awaitMembers(i, all);
    }

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
            JsonNode cluster = cluster(via);
            for (JsonNode member : cluster.path("members")) {
                if (member.path("status").asText().equals("Up"))
                    seen.add(member.path("address").asText());
            }
            seen.sort(null);
            if (seen.equals(expected) && cluster.path("members").size() == expected.size()) return;
            Thread.sleep(250);
        }
        assertEquals(expected, seen, "Up members seen by node " + via);
    }

    JsonNode cluster(int via) throws Exception {
        return JSON.readTree(get(urls[via] + "/v1/cluster").body());
    }

    /** Sends SIGSTOP (pause) or SIGCONT (resume) to node {@code i}'s JVM. */
    void signal(int i, String signal) throws Exception {
        nodes[i].signal(signal);
    }

    String tail(int i) {
        try {
            String text = nodes[i].stderr();
            return text.length() > 4000 ? "..." + text.substring(text.length() - 4000) : text;
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /**
     * Declares {@code region} lost through node {@code via} as an operator would ({@code POST
     * /v1/cluster/regions/{r}/lost}), asking again while it is refused 409 (the node still reaches the region), for up
     * to 60 s; returns the last answer.
     */
    HttpResponse<String> declareLost(int via, String region) throws Exception {
        HttpResponse<String> answer;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        do {
            answer = post(urls[via] + "/v1/cluster/regions/" + region + "/lost", "application/json", "");
            if (answer.statusCode() != 409) break;
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        return answer;
    }

    static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return ThreeNodes.get(url);
    }

    static HttpResponse<String> post(String url, String type, String body) throws IOException, InterruptedException {
        return ThreeNodes.post(url, type, body);
    }

    @Override
    public void close() throws Exception {
        for (NodeProcess node : nodes) if (node != null) node.close();
        for (NodeProcess node : nodes) if (node != null) node.process.waitFor(10, TimeUnit.SECONDS);
        for (String database : databases.values()) TestPostgres.dropDatabase(database);
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
