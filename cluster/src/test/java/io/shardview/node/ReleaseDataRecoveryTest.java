package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import io.shardview.testsupport.TestPostgres;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresql.PGConnection;
import picocli.CommandLine;

/**
 * Data written by an earlier release recovers: each directory under src/test/release-data holds a LevelDB data
 * directory and a PostgreSQL journal that a packaged release wrote (record.py there; tenant SQL and batch events,
 * tenant snapshots with remembered batch ids, SQL keys and change histories, metrics point batches and shard
 * snapshots), and what that node served from them. A node of this build started on them serves the same, answers a
 * retried batch id and SQL key with their original results, and goes on ingesting. Class names and packages may
 * move; what is on disk may not stop reading.
 */
class ReleaseDataRecoveryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path RELEASES = Path.of("src/test/release-data");
    private static final String TENANT = "/v1/tenants/fixture";

    @TempDir
    Path dir;

    static Stream<Path> releases() throws IOException {
        return Files.list(RELEASES).filter(Files::isDirectory).sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("releases")
    void aLevelDbDataDirectoryRecovers(Path release) throws Exception {
        Process tar = new ProcessBuilder(
                        "tar",
                        "xzf",
                        release.resolve("leveldb.tar.gz").toAbsolutePath().toString(),
                        "-C",
                        dir.toString())
                .inheritIO()
                .start();
        assertEquals(0, tar.waitFor());
        ShardviewNode node = start(TestNodes.config(dir.resolve("data"), settings(release)));
        try {
            assertServesWhatTheReleaseServed(node, expected(release).get("leveldb"));
            assertKeepsGoing(node);
        } finally {
            node.stop();
        }
        assertSnapshotsNameNoClass(dir.resolve("data/snapshots"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("releases")
    void aPostgresJournalRecovers(Path release) throws Exception {
        try (JournalDatabase db = new JournalDatabase()) {
            Path file = dir.resolve("journal.conf");
            Files.writeString(file, "shardview.journal.url = \"" + db.url() + "\"\n");
            assertEquals(0, new CommandLine(new Main()).execute("journal", "init", "--config", file.toString()));
            load(db, release.resolve("postgres"));
            Map<String, Object> settings = new HashMap<>(settings(release));
            settings.putAll(db.settings());
            ShardviewNode node = start(TestNodes.config("cluster", dir.resolve("data"), settings));
            try {
                assertServesWhatTheReleaseServed(node, expected(release).get("postgres"));
                assertKeepsGoing(node);
            } finally {
                node.stop();
            }
        }
    }

    private static void assertServesWhatTheReleaseServed(ShardviewNode node, JsonNode served) throws Exception {
        for (Iterator<Map.Entry<String, JsonNode>> it = served.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String path = entry.getKey();
            if (path.endsWith("/prom/api/v1/export")) {
                String body = get(
                        node, path + "?match%5B%5D=" + URLEncoder.encode("{__name__=~\".+\"}", StandardCharsets.UTF_8));
                assertEquals(
                        parsedLines(entry.getValue()),
                        parsedLines(JSON.valueToTree(
                                body.lines().filter(l -> !l.isBlank()).toList())),
                        "every point the release stored");
            } else {
                assertEquals(entry.getValue(), servedFields(JSON.readTree(get(node, path)), entry.getValue()), path);
            }
        }
    }

    /**
     * The reply as far as the release's reply went: a field added since (a tenant's budgets) is not compared, every
     * field the release served is.
     */
    private static JsonNode servedFields(JsonNode now, JsonNode released) {
        if (!now.isObject() || !released.isObject()) return now;
        com.fasterxml.jackson.databind.node.ObjectNode kept = JSON.createObjectNode();
        now.fields().forEachRemaining(field -> {
            if (released.has(field.getKey())) kept.set(field.getKey(), field.getValue());
        });
        return kept;
    }

    /** A retried batch id and SQL key get their original results; a new batch applies on top. */
    private static void assertKeepsGoing(ShardviewNode node) throws Exception {
        JsonNode describe = JSON.readTree(get(node, TENANT));
        long version = describe.get("version").asLong();
        JsonNode duplicate = post(
                node,
                TENANT + "/ingest",
                "application/json",
                Map.of(),
                "{\"batch_id\": \"o7\", \"ops\": [{\"op\": \"delete\", \"table\": \"orders\", \"key\": {\"id\": 1}}]}");
        assertTrue(duplicate.path("duplicate").asBoolean(), "batch o7 is remembered: " + duplicate);
        JsonNode sql =
                post(node, TENANT + "/sql", "application/sql", Map.of("Idempotency-Key", "k1"), "DROP VIEW totals");
        assertTrue(sql.path("duplicate").asBoolean(), "SQL key k1 is remembered: " + sql);
        JsonNode applied = post(
                node,
                TENANT + "/ingest",
                "application/json",
                Map.of(),
                "{\"batch_id\": \"after-recovery\", \"ops\": [{\"op\": \"delete\", \"table\": \"orders\", \"key\": {\"id\": 1}}]}");
        assertEquals(version + 1, applied.get("version").asLong(), applied.toString());
        JsonNode orders = JSON.readTree(get(node, TENANT + "/tables/orders?limit=1000"));
        assertEquals(
                describe.at("/tables/0/rows").asLong() - 1, orders.get("count").asLong(), orders.toString());
    }

    /** Snapshots this build wrote (the batch after recovery asked for one) hold no Java class name. */
    private static void assertSnapshotsNameNoClass(Path snapshots) throws IOException {
        List<Path> tenantSnapshots;
        try (Stream<Path> files = Files.list(snapshots)) {
            tenantSnapshots = files.filter(f -> f.getFileName().toString().startsWith("snapshot-tenant"))
                    .toList();
        }
        long fromThisBuild = 0;
        for (Path file : tenantSnapshots) {
            String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            if (!content.contains("io.shardview.")) fromThisBuild++;
        }
        assertTrue(fromThisBuild >= 1, "a snapshot written after recovery names no class: " + tenantSnapshots);
    }

    private static List<JsonNode> parsedLines(JsonNode lines) throws IOException {
        List<JsonNode> parsed = new ArrayList<>();
        for (JsonNode line : lines) parsed.add(JSON.readTree(line.asText()));
        parsed.sort(
                (a, b) -> a.get("metric").toString().compareTo(b.get("metric").toString()));
        return parsed;
    }

    /** The settings the release ran with, and retentions that keep its points however old they are by now. */
    private static Map<String, Object> settings(Path release) {
        Map<String, Object> settings = new HashMap<>();
        for (Map.Entry<String, ConfigValue> e : ConfigFactory.parseFile(
                        release.resolve("overlay.conf").toFile())
                .entrySet()) {
            settings.put(e.getKey(), e.getValue().unwrapped());
        }
        settings.put("shardview.metrics.raw-retention", "36500d");
        settings.put("shardview.metrics.rollup-retention", "36500d");
        return settings;
    }

    private static JsonNode expected(Path release) throws IOException {
        return JSON.readTree(release.resolve("expected.json").toFile());
    }

    /** Copies each table's rows back (CSV with a header naming the columns) and moves the ordering sequence past them. */
    private static void load(JournalDatabase db, Path tables) throws Exception {
        try (Connection c = TestPostgres.connect(db.name);
                Stream<Path> files = Files.list(tables)) {
            for (Path csv : files.sorted().toList()) {
                String table = csv.getFileName().toString().replace(".csv", "");
                String columns = Files.readAllLines(csv).get(0);
                try (Reader in = Files.newBufferedReader(csv)) {
                    c.unwrap(PGConnection.class)
                            .getCopyAPI()
                            .copyIn("COPY " + table + " (" + columns + ") FROM STDIN WITH (FORMAT csv, HEADER)", in);
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("SELECT setval(pg_get_serial_sequence('event_journal', 'ordering'), "
                        + "(SELECT coalesce(max(ordering), 0) + 1 FROM event_journal), false)");
            }
        }
    }

    private static ShardviewNode start(com.typesafe.config.Config config) throws InterruptedException {
        ShardviewNode node = ShardviewNode.start(config, List.of(new TenantModule(), new MetricsModule()));
        int ready = TestNodes.awaitStatus(node, "/ready", 200, Duration.ofSeconds(30))
                .statusCode();
        if (ready != 200) {
            node.stop();
            throw new IllegalStateException("node not ready: " + ready);
        }
        return node;
    }

    private static String get(ShardviewNode node, String path) {
        HttpResponse<String> response = TestNodes.get(node, path);
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return response.body();
    }

    private static JsonNode post(
            ShardviewNode node, String path, String contentType, Map<String, String> headers, String body)
            throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.url() + path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        HttpResponse<String> response = TestNodes.send(node, request);
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return JSON.readTree(response.body());
    }
}
