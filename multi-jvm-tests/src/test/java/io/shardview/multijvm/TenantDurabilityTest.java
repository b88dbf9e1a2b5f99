package io.shardview.multijvm;

import static io.shardview.multijvm.DurabilityWorkload.TENANT;
import static io.shardview.multijvm.DurabilityWorkload.batchId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Durability of tenant-circuit writes across SIGKILL: a node in its own JVM is killed with kill -9
 * while a client ingests and records acknowledgements. After a restart on the same data directory
 * every acknowledged batch is present exactly once, versions are contiguous, the batch in flight at
 * the kill is present at most once (and a retry of it applies it exactly once), the keyed table
 * equals a model of exactly the batches present, and every view equals a from-scratch evaluation,
 * hash included.
 *
 * <p>Run twice: with the shipped configuration (recovery replays the whole journal) and with a
 * snapshot every 25 events (recovery reads a snapshot, then replays the events after it).
 */
class TenantDurabilityTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration REQUEST = Duration.ofSeconds(15);
    /** A restarted node's tenant must answer within this (the node's ask timeout is 10 s). */
    private static final Duration RECOVERY = Duration.ofSeconds(20);
    /** Ingest at least this many acknowledged batches, for at least this long, before the kill. */
    private static final int MIN_ACKS = 40;

    private static final Duration MIN_INGEST = Duration.ofMillis(1500);
    private static final Duration MAX_INGEST = Duration.ofSeconds(45);

    /**
     * The node JVM with the C1 compiler only: it starts in about half the time on a busy 2-core
     * machine (four starts per run), and compilation tiers have no bearing on what is persisted.
     */
    private static final Map<String, String> NODE_ENV = Map.of("SHARDVIEW_JAVA_OPTS", "-XX:TieredStopAtLevel=1 -Xmx1g");

    private static final Map<String, String> VIEWS = new LinkedHashMap<>();

    static {
        VIEWS.put("total", "SELECT COUNT(*) AS n, SUM(bal) AS s FROM acc");
        VIEWS.put("rich", "SELECT id, bal FROM acc WHERE bal > 50");
        VIEWS.put("by_grp", "SELECT grp, COUNT(*) AS n, SUM(bal) AS s FROM acc GROUP BY grp");
        VIEWS.put("applied", "SELECT COUNT(*) AS n FROM log");
    }

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "snapshot every {0} events (0 = shipped default)")
    @ValueSource(ints = {0, 25})
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void acknowledgedBatchesSurviveSigkillExactlyOnce(int snapshotEvery) throws Exception {
        Path data = tmp.resolve("data");
        List<String> args = new ArrayList<>(List.of("--data-dir", data.toString()));
        if (snapshotEvery > 0) {
            Path conf = tmp.resolve("node.conf");
            Files.writeString(conf, "shardview.tenant.snapshot-every-events = " + snapshotEvery + "\n");
            args.addAll(List.of("--config", conf.toString()));
        }
        DurabilityWorkload work = new DurabilityWorkload();

        // ---- 1-3: schema, ingest with acknowledgements recorded, SIGKILL mid-stream -----------------
        Client client;
        try (NodeProcess first = NodeProcess.serve(tmp, NODE_ENV, args.toArray(String[]::new))) {
            String url = ready(first);
            JsonNode created = ok(
                    post(url, "/sql", "application/sql", DurabilityWorkload.TABLES_SQL + "; " + viewsSql()), "schema");
            assertEquals(1, created.path("version").asLong(), created.toString());

            client = new Client(url, work);
            Thread sender = new Thread(client, "durability-client");
            sender.setDaemon(true);
            sender.start();
            long deadline = System.nanoTime() + MAX_INGEST.toNanos();
            while (client.failure == null
                    && System.nanoTime() < deadline
                    && !(client.acks.size() >= MIN_ACKS && client.ingestingFor().compareTo(MIN_INGEST) >= 0)) {
                Thread.sleep(20); // polling the client's progress, not waiting for an outcome
            }
            assertNull(client.failure, () -> "the client failed before the kill; node stderr: " + stderr(first));
            assertTrue(
                    client.acks.size() >= MIN_ACKS,
                    "only " + client.acks.size() + " batches acknowledged in " + MAX_INGEST);

            client.killIssued = true;
            int ackedAtKill = client.acks.size();
            int exit = first.kill9(Duration.ofSeconds(10));
            assertEquals(137, exit, "exit status 128 + SIGKILL");
            sender.join(REQUEST.plusSeconds(5).toMillis());
            assertFalse(sender.isAlive(), "the client did not notice the dead node");
            assertNull(client.failure, client.failure);
            System.out.printf(
                    "[durability snapshot-every=%d] acked before kill signal: %d, acked in total: %d, "
                            + "version of last ack: %d, batch in flight at kill: %s%n",
                    snapshotEvery,
                    ackedAtKill,
                    client.acks.size(),
                    client.lastAckedVersion(),
                    batchId(client.inFlight));
        }

        int acked = client.acks.size();
        int inFlight = client.inFlight;
        assertEquals(acked + 1, inFlight, "the sequential client stops at the first batch without an answer");
        // Acknowledged versions: one per batch, in send order, right after the schema's version 1.
        for (int i = 0; i < acked; i++) {
            Ack ack = client.acks.get(i);
            assertEquals(i + 1, ack.batch(), "acks in send order");
            assertEquals(i + 2, ack.version(), "version of the acknowledgement of " + batchId(ack.batch()));
            assertFalse(ack.duplicate(), "a first send answered as a duplicate: " + batchId(ack.batch()));
        }

        // ---- 4-7: restart on the same data directory and check what was recovered ------------------
        try (NodeProcess second = NodeProcess.serve(tmp, NODE_ENV, args.toArray(String[]::new))) {
            String url = ready(second);
            long recovered = awaitRecovery(second, url).path("version").asLong();

            Map<String, Integer> log = logCounts(url);
            List<String> twice = log.entrySet().stream()
                    .filter(e -> e.getValue() != 1)
                    .map(e -> e.getKey() + " x" + e.getValue())
                    .toList();
            assertTrue(twice.isEmpty(), "batches applied more than once: " + twice);
            List<String> lost = IntStream.rangeClosed(1, acked)
                    .mapToObj(DurabilityWorkload::batchId)
                    .filter(id -> !log.containsKey(id))
                    .toList();
            assertTrue(lost.isEmpty(), "acknowledged batches lost: " + lost + " (" + acked + " acknowledged)");
            Set<String> unexpected = new TreeSet<>(log.keySet());
            IntStream.rangeClosed(1, inFlight)
                    .mapToObj(DurabilityWorkload::batchId)
                    .forEach(unexpected::remove);
            assertTrue(unexpected.isEmpty(), "batches present that were never sent: " + unexpected);
            int present = log.size(); // acked or acked + 1: the in-flight batch is present at most once
            boolean inFlightPersisted = present == inFlight;

            System.out.printf(
                    "[durability snapshot-every=%d] version after restart: %d, batches present: %d "
                            + "(in-flight batch %s %s)%n",
                    snapshotEvery,
                    recovered,
                    present,
                    batchId(inFlight),
                    inFlightPersisted ? "was persisted" : "was not persisted");
            assertEquals(1 + present, recovered, "version = 1 SQL request + one per batch present");
            assertTrue(recovered >= client.lastAckedVersion(), "recovered version behind the last acknowledgement");

            assertEquals(work.stateAfter(present), accRows(url), "acc after restart = model of batches 1.." + present);
            JsonNode views = checkViews(url, present, work.stateAfter(present));
            compareWithFreshTenant(url, views);
            if (snapshotEvery > 0) {
                try (Stream<Path> files = Files.list(data.resolve("snapshots"))) {
                    long snapshots = files.filter(
                                    f -> f.getFileName().toString().startsWith("snapshot-"))
                            .count();
                    assertTrue(snapshots > 0, "no snapshot was written, so the snapshot path was not exercised");
                }
            }

            // Retry the batch that was in flight: answered as a duplicate if it had been persisted,
            // applied now otherwise; either way it ends up exactly once, at version inFlight + 1.
            JsonNode retry =
                    ok(post(url, "/ingest", "application/json", work.body(inFlight)), "retry of " + batchId(inFlight));
            assertEquals(inFlightPersisted, retry.path("duplicate").asBoolean(false), "retry answer: " + retry);
            assertEquals(inFlight + 1, retry.path("version").asLong(), "retry answer: " + retry);
            JsonNode again = ok(post(url, "/ingest", "application/json", work.body(inFlight)), "second retry");
            assertTrue(again.path("duplicate").asBoolean(false), "a second retry must be a duplicate: " + again);
            assertEquals(inFlight + 1, again.path("version").asLong(), again.toString());
            // An acknowledged batch retried after the restart: its id was remembered across the crash.
            JsonNode old = ok(post(url, "/ingest", "application/json", work.body(acked)), "retry of " + batchId(acked));
            assertTrue(old.path("duplicate").asBoolean(false), "acknowledged batch re-applied after restart: " + old);
            assertEquals(acked + 1, old.path("version").asLong(), old.toString());

            Map<String, Integer> after = logCounts(url);
            Map<String, Integer> expected = new TreeMap<>();
            IntStream.rangeClosed(1, inFlight).forEach(n -> expected.put(batchId(n), 1));
            assertEquals(expected, new TreeMap<>(after), "log after the retries: every batch exactly once");
            assertEquals(inFlight + 1, describe(url).path("version").asLong(), "version after the retries");
            assertEquals(work.stateAfter(inFlight), accRows(url), "acc after the retries");
            checkViews(url, inFlight, work.stateAfter(inFlight));

            assertEquals(0, second.terminate(Duration.ofSeconds(15)), () -> "SIGTERM exit; stderr: " + stderr(second));
        }
    }

    // ---- the client -------------------------------------------------------------------------------

    record Ack(int batch, long version, boolean duplicate) {}

    /** Sends batches 1, 2, 3, ... one at a time until the first one without an answer. */
    static final class Client implements Runnable {
        final String url;
        final DurabilityWorkload work;
        final List<Ack> acks = new CopyOnWriteArrayList<>();
        volatile boolean killIssued;
        volatile int inFlight = -1;
        volatile String failure;
        private volatile long firstAckNanos;

        Client(String url, DurabilityWorkload work) {
            this.url = url;
            this.work = work;
        }

        @Override
        public void run() {
            for (int n = 1; ; n++) {
                HttpResponse<String> response;
                try {
                    response = post(url, "/ingest", "application/json", work.body(n));
                } catch (IOException e) {
                    inFlight = n;
                    if (!killIssued) failure = batchId(n) + " failed before the kill: " + e;
                    return;
                } catch (InterruptedException e) {
                    inFlight = n;
                    failure = "client interrupted";
                    return;
                }
                if (response.statusCode() != 200) {
                    inFlight = n;
                    failure = batchId(n) + " answered " + response.statusCode() + ": " + response.body();
                    return;
                }
                try {
                    JsonNode body = JSON.readTree(response.body());
                    acks.add(new Ack(
                            n,
                            body.path("version").asLong(-1),
                            body.path("duplicate").asBoolean(false)));
                } catch (IOException e) {
                    inFlight = n;
                    failure = batchId(n) + " answered a body that is not JSON: " + response.body();
                    return;
                }
                if (firstAckNanos == 0) firstAckNanos = System.nanoTime();
            }
        }

        Duration ingestingFor() {
            long first = firstAckNanos;
            return first == 0 ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - first);
        }

        long lastAckedVersion() {
            return acks.isEmpty() ? 1 : acks.get(acks.size() - 1).version();
        }
    }

    // ---- checks -----------------------------------------------------------------------------------

    /** How many rows of {@code log} name each batch. */
    static Map<String, Integer> logCounts(String url) throws Exception {
        Map<String, Integer> counts = new TreeMap<>();
        for (JsonNode row : read(url, "tables", "log").path("rows")) {
            String batch = row.path("batch").asText();
            assertEquals(batch, batchId(row.path("n").asInt()), "log row " + row);
            counts.merge(batch, 1, Integer::sum);
        }
        return counts;
    }

    static Map<Long, DurabilityWorkload.Acc> accRows(String url) throws Exception {
        Map<Long, DurabilityWorkload.Acc> rows = new TreeMap<>();
        for (JsonNode row : read(url, "tables", "acc").path("rows")) {
            JsonNode bal = row.path("bal");
            DurabilityWorkload.Acc previous = rows.put(
                    row.path("id").asLong(),
                    new DurabilityWorkload.Acc(row.path("grp").asLong(), bal.isNull() ? null : bal.asLong()));
            assertNull(previous, "primary key twice in acc: " + row);
        }
        return rows;
    }

    /**
     * Each view is recovered with its SQL; two reads give the same hash and rows; the rows equal a
     * one-off query of the same SELECT evaluated from scratch (as multisets); {@code total} and
     * {@code applied} equal the model. Returns the reads by view name.
     */
    static JsonNode checkViews(String url, int batches, Map<Long, DurabilityWorkload.Acc> model) throws Exception {
        Map<String, String> recoveredSql = new LinkedHashMap<>();
        describe(url)
                .path("views")
                .forEach(v ->
                        recoveredSql.put(v.path("name").asText(), v.path("sql").asText()));
        assertEquals(VIEWS, recoveredSql, "views after restart");
        ObjectNode reads = JSON.createObjectNode();
        for (Map.Entry<String, String> view : VIEWS.entrySet()) {
            JsonNode first = read(url, "views", view.getKey());
            JsonNode second = read(url, "views", view.getKey());
            assertEquals(first.path("hash"), second.path("hash"), view.getKey() + ": hash stable across reads");
            assertEquals(multiset(first.path("rows")), multiset(second.path("rows")), view.getKey() + ": rows stable");
            assertEquals(first.path("rows").size(), first.path("count").asInt(), view.getKey() + ": count");
            assertEquals(1 + batches, first.path("version").asLong(), view.getKey() + ": version of the read");
            JsonNode query = ok(
                    post(
                            url,
                            "/query",
                            "application/json",
                            JSON.createObjectNode().put("sql", view.getValue()).toString()),
                    "query of " + view.getKey());
            assertEquals(
                    multiset(query.path("rows")),
                    multiset(first.path("rows")),
                    view.getKey() + ": maintained content = from-scratch query");
            reads.set(view.getKey(), first);
        }
        JsonNode total = reads.path("total").path("rows").path(0);
        assertEquals(model.size(), total.path("n").asLong(), "total.n = model: " + total);
        List<Long> bals = model.values().stream()
                .map(DurabilityWorkload.Acc::bal)
                .filter(b -> b != null)
                .toList();
        if (bals.isEmpty()) {
            assertTrue(total.path("s").isNull(), "total.s = null: " + total);
        } else {
            assertEquals(
                    0,
                    BigDecimal.valueOf(bals.stream().mapToLong(Long::longValue).sum())
                            .compareTo(new BigDecimal(total.path("s").asText())),
                    "total.s = model: " + total);
        }
        assertEquals(
                batches, reads.path("applied").path("rows").path(0).path("n").asLong(), "applied = batches");
        return reads;
    }

    /**
     * The view hashes are maintained incrementally (and restored from snapshots); a fresh tenant
     * given the recovered table contents and then the same CREATE VIEWs computes each view, and so
     * its hash, from scratch. Both must agree, and so must the table hashes.
     */
    static void compareWithFreshTenant(String url, JsonNode recoveredViews) throws Exception {
        String fresh = TENANT + "-fresh";
        JsonNode acc = read(url, "tables", "acc");
        JsonNode log = read(url, "tables", "log");
        ok(post(url, fresh, "/sql", "application/sql", DurabilityWorkload.TABLES_SQL), "fresh tables");
        ObjectNode batch = JSON.createObjectNode();
        ArrayNode ops = batch.putArray("ops");
        acc.path("rows")
                .forEach(r ->
                        ops.addObject().put("op", "insert").put("table", "acc").set("row", r));
        log.path("rows")
                .forEach(r ->
                        ops.addObject().put("op", "insert").put("table", "log").set("row", r));
        ok(post(url, fresh, "/ingest", "application/json", batch.toString()), "fresh rows");
        ok(post(url, fresh, "/sql", "application/sql", viewsSql()), "fresh views");
        for (String table : List.of("acc", "log")) {
            assertEquals(
                    read(url, "tables", table).path("hash"),
                    read(url, fresh, "tables", table).path("hash"),
                    table + ": table hash of the recovered and the fresh tenant");
        }
        for (String view : VIEWS.keySet()) {
            JsonNode scratch = read(url, fresh, "views", view);
            JsonNode recovered = recoveredViews.path(view);
            assertEquals(multiset(scratch.path("rows")), multiset(recovered.path("rows")), view + ": rows");
            assertEquals(
                    scratch.path("hash"),
                    recovered.path("hash"),
                    view + ": recovered hash = hash of a from-scratch evaluation of the same content");
        }
    }

    /** Rows as a sorted list of canonical strings (columns by name, values as JSON). */
    private static List<String> multiset(JsonNode rows) {
        List<String> out = new ArrayList<>();
        for (JsonNode row : rows) {
            Map<String, String> canonical = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                canonical.put(field.getKey(), field.getValue().toString());
            }
            out.add(canonical.toString());
        }
        out.sort(null);
        return out;
    }

    // ---- HTTP -------------------------------------------------------------------------------------

    static String viewsSql() {
        return VIEWS.entrySet().stream()
                .map(v -> "CREATE VIEW " + v.getKey() + " AS " + v.getValue())
                .collect(Collectors.joining("; "));
    }

    private static String ready(NodeProcess node) throws Exception {
        assertEquals(200, node.awaitStatus("/ready", 200, START), () -> "not ready; stderr: " + stderr(node));
        return node.url(START);
    }

    /**
     * The tenant's description once its entity has recovered. A 503 means it did not answer within
     * the node's ask timeout; that is retried until RECOVERY passes, then fails with the node's errors.
     */
    private static JsonNode awaitRecovery(NodeProcess node, String url) throws Exception {
        long deadline = System.nanoTime() + RECOVERY.toNanos();
        HttpResponse<String> response;
        while (true) {
            response = get(url + "/v1/tenants/" + TENANT);
            if (response.statusCode() != 503 || System.nanoTime() >= deadline) break;
            Thread.sleep(100); // poll interval; a 503 itself comes after the node's ask timeout
        }
        HttpResponse<String> last = response;
        assertEquals(
                200,
                last.statusCode(),
                () -> "the tenant did not recover within " + RECOVERY + " of the restart: " + last.body()
                        + "\nnode errors:\n" + errors(node));
        return JSON.readTree(last.body());
    }

    /** The distinct ERROR and "Caused by" lines of the node's stderr (timestamps dropped). */
    static String errors(NodeProcess node) {
        try {
            return node.stderr()
                    .lines()
                    .filter(l -> l.contains(" ERROR ") || l.startsWith("Caused by"))
                    .map(l -> l.replaceFirst("^\\d\\d:\\d\\d:\\d\\d\\.\\d+ ", "")
                            .replaceAll("failure \\[\\d+\\]", "failure [n]"))
                    .distinct()
                    .limit(12)
                    .collect(Collectors.joining("\n"));
        } catch (IOException e) {
            return "(stderr unreadable: " + e + ")";
        }
    }

    static JsonNode describe(String url) throws Exception {
        return ok(get(url + "/v1/tenants/" + TENANT), "describe");
    }

    static JsonNode read(String url, String kind, String name) throws Exception {
        return read(url, TENANT, kind, name);
    }

    private static JsonNode read(String url, String tenant, String kind, String name) throws Exception {
        JsonNode page = ok(get(url + "/v1/tenants/" + tenant + "/" + kind + "/" + name + "?limit=100000"), name);
        assertTrue(page.path("next").isNull(), name + " fits one page");
        return page;
    }

    static HttpResponse<String> post(String url, String path, String type, String body)
            throws IOException, InterruptedException {
        return post(url, TENANT, path, type, body);
    }

    static HttpResponse<String> post(String url, String tenant, String path, String type, String body)
            throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url + "/v1/tenants/" + tenant + path))
                        .timeout(REQUEST)
                        .header("Content-Type", type)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode ok(HttpResponse<String> response, String what) throws IOException {
        assertEquals(200, response.statusCode(), what + ": " + response.body());
        JsonNode body = JSON.readTree(response.body());
        assertNotNull(body, what);
        return body;
    }

    static String stderr(NodeProcess node) {
        try {
            String text = node.stderr();
            return text.length() > 4000 ? "..." + text.substring(text.length() - 4000) : text;
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
