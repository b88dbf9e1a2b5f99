package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.shardview.entity.tenant.TenantCircuit;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The acceptance check: while tenants run their heaviest batches, the node's own work is not
 * starved. Every {@code /health} polled each 50 ms answers within 200 ms (one in fifty within 1 s, below), and the
 * cluster heartbeat keeps its schedule (Pekko warns "Scheduled sending of heartbeat was delayed" once a tick comes
 * two intervals late; in a cluster that marks a healthy node unreachable). The circuits' steps run only on the tenant
 * circuits' pool and their snapshots are encoded only on the snapshots' pool.
 *
 * <p>Ten tenants batch at once: more than the default dispatcher has threads (8 on up to 8 cores),
 * which is what starved HTTP while tenants ran there; one tenant's batch alone held one of its threads.
 * Each batch renames groups that the views join with a large table and aggregate, so every op moves
 * hundreds of joined rows between groups: seconds of work for the node, little of it kept.
 *
 * <p>A timing assertion, allowed here because it is the issue's. The margin is honest: 200 ms is
 * four poll intervals, starvation shows as seconds. Latencies are measured from a dedicated thread,
 * each poll over a new connection (so HTTP accept counts). What delays every thread of the JVM alike
 * is not starvation and no dispatcher can change it: stop-the-world GC (on a loaded 2-core machine a
 * young pause takes hundreds of milliseconds) and the OS scheduler when other processes load the
 * cores. A thread waiting on a timer measures those stalls ({@link TimerStalls}); they are taken out of
 * the latency they overlap (and out of a late heartbeat), and the raw figures are printed. A poll's way through
 * the node crosses several threads, each of which the OS may leave waiting behind the tenants' threads and another
 * test JVM's for a time slice or two that no timer sees: on a 2-core machine at a load of 1.5 a core, one poll in 108
 * took 298 ms with no stall measured. So one poll in fifty may take up to {@link #HEALTH_OUTLIER_MS}; starvation
 * still fails, since it delays every poll for seconds. Beyond a load average of 8 per core the timings are not
 * judged (the OS run queue decides them), the placement of the work still is.
 */
class HeavyBatchResponsivenessTest {
    private static final int TENANTS = 10;
    private static final int ROWS = 50_000;
    private static final int GROUPS = 100;
    /** Batches each tenant sends at least; more, up to {@link #MAX_BATCHES}, until they have run {@link #RUN_MS}. */
    private static final int BATCHES = 3;

    private static final int MAX_BATCHES = 40;
    /** How long the batches must keep the node busy to show starvation: sized by time, not by a count of batches. */
    private static final long RUN_MS = 3_000;

    private static final long HEALTH_WITHIN_MS = 200;
    /** What the few polls allowed past {@link #HEALTH_WITHIN_MS} (one in fifty) may take, beyond timer stalls. */
    private static final long HEALTH_OUTLIER_MS = 1_000;

    private static final long HEARTBEAT_LATE_MS = 2_000; // Pekko warns at twice the 1 s heartbeat interval
    private static final double MAX_LOAD_PER_CORE = 8;
    private static final String SNAPSHOT_POOL = "shardview.dispatchers.snapshots";
    private static final Pattern HEARTBEAT_DELAY = Pattern.compile(
            "Scheduled sending of heartbeat was delayed\\. Previous heartbeat was sent \\[(\\d+)\\] ms ago");

    @TempDir
    Path dataDir;

    @Test
    void healthAnswersAndHeartbeatsKeepTimeWhileTenantsRunTheirHeaviestBatches() throws Exception {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        log.start();
        root.addAppender(log);
        ShardviewNode node = TenantNodes.start(
                dataDir,
                Map.of(
                        "pekko.actor.serialize-messages", "off", // as in production: local messages stay objects
                        "shardview.tenant.snapshot-every-events", 2, // snapshots are encoded while batches run
                        "shardview.tenant.snapshot-ops-per-state-row", 0,
                        // Ten tenants' batches queue for the node's cores; each waits its turn, however long.
                        "shardview.tenant.ask-timeout", "120s",
                        "shardview.http.request-timeout", "150s"));
        try {
            List<TenantClient> tenants = new ArrayList<>();
            for (int t = 0; t < TENANTS; t++) tenants.add(filled(new TenantClient(node, "heavy" + t)));
            Observed run = batchAllAtOnce(node, tenants, log);
            System.out.println(run);

            List<Executable> checks = new ArrayList<>(List.of(
                    () -> assertEquals(
                            Collections.nCopies(run.outcomes().size(), "200"), run.outcomes(), "every batch applied"),
                    () -> assertTrue(run.outcomes().size() >= TENANTS * BATCHES, "every tenant sent its batches"),
                    () -> assertTrue(run.batchesMillis() >= RUN_MS, "the batches ran long enough to show starvation"),
                    () -> assertTrue(
                            !run.steps().isEmpty()
                                    && run.steps().stream().allMatch(t -> t.contains(TenantCircuit.DISPATCHER)),
                            "circuit steps ran only on " + TenantCircuit.DISPATCHER + ": " + run.steps()),
                    () -> assertTrue(
                            run.encodings().stream().allMatch(t -> t.contains(SNAPSHOT_POOL)),
                            "snapshots were encoded only on " + SNAPSHOT_POOL + ": " + run.encodings())));
            boolean timingsMeaningful = run.loadPerCore() <= MAX_LOAD_PER_CORE;
            if (timingsMeaningful) {
                checks.add(() -> assertTrue(
                        run.slowPolls(HEALTH_WITHIN_MS).size()
                                <= Math.max(1, run.polls().size() / 50),
                        "/health answered within " + HEALTH_WITHIN_MS + " ms (beyond timer stalls) but for one poll in"
                                + " fifty: " + run.slowPolls(HEALTH_WITHIN_MS)));
                checks.add(() -> assertEquals(
                        List.of(),
                        run.slowPolls(HEALTH_OUTLIER_MS),
                        "/health answered within " + HEALTH_OUTLIER_MS + " ms (beyond timer stalls) every time"));
                checks.add(() ->
                        assertEquals(List.of(), run.lateHeartbeats(), "no heartbeat was delayed beyond timer stalls"));
            }
            assertAll(checks);
            assumeTrue(
                    timingsMeaningful,
                    "the machine's load average was " + run.loadPerCore() + " per core: beyond " + MAX_LOAD_PER_CORE
                            + " the OS run queue, not the node, decides response times");
        } finally {
            node.stop();
            root.detachAppender(log);
        }
    }

    /** What one run of the batches showed: the node's answers, and what ran where. */
    private record Observed(
            List<String> outcomes,
            long batchesMillis,
            double loadPerCore,
            List<HealthPoller.Poll> polls,
            TimerStalls stalls,
            List<String> heartbeatWarnings,
            List<String> lateHeartbeats,
            Set<String> steps,
            Set<String> encodings) {

        /** Polls slower than {@code limitMs} once the stalls during them are taken out. */
        List<String> slowPolls(long limitMs) {
            return polls.stream()
                    .filter(p -> beyondStalls(p) > limitMs)
                    .map(p -> p.millis() + " ms (stalled " + stalls.stalledMillis(p.startMs(), p.endMs()) + " ms)")
                    .toList();
        }

        private long beyondStalls(HealthPoller.Poll poll) {
            return poll.millis() - stalls.stalledMillis(poll.startMs(), poll.endMs());
        }

        @Override
        public String toString() {
            return String.format(
                    "load average per core %.1f; %d tenants, %d batches in all: %d ms; %d polls of /health, worst %d ms, "
                            + "largest beyond stalls %s ms, slow: %s; timer stalls of 100 ms or more: %d, longest %d ms; "
                            + "heartbeat warnings: %s; circuit steps ran on %s; snapshots encoded on %s",
                    loadPerCore,
                    TENANTS,
                    outcomes.size(),
                    batchesMillis,
                    polls.size(),
                    polls.stream().mapToLong(HealthPoller.Poll::millis).max().orElse(0),
                    polls.stream()
                            .map(this::beyondStalls)
                            .sorted(Collections.reverseOrder())
                            .limit(5)
                            .toList(),
                    slowPolls(HEALTH_WITHIN_MS),
                    stalls.countAtLeast(100),
                    stalls.longestMillis(),
                    heartbeatWarnings,
                    steps,
                    encodings);
        }
    }

    /** Every tenant sends its batches one after another, all tenants at once, while the node is watched. */
    private static Observed batchAllAtOnce(
            ShardviewNode node, List<TenantClient> tenants, ListAppender<ILoggingEvent> log) throws Exception {
        double loadAtStart = loadPerCore();
        TimerStalls stalls = TimerStalls.start();
        EngineThreads engine = EngineThreads.start();
        HealthPoller health = HealthPoller.start(node);
        synchronized (log) { // the appender appends under its own lock
            log.list.clear();
        }
        long started = System.nanoTime();
        List<String> outcomes = Collections.synchronizedList(new ArrayList<>());
        List<Thread> senders = new ArrayList<>();
        for (TenantClient tenant : tenants) {
            Thread sender = new Thread(() -> {
                // A faster machine gets more rounds, so that the batches run long enough whatever the machine.
                for (int round = 1;
                        round <= BATCHES
                                || (round <= MAX_BATCHES && (System.nanoTime() - started) / 1_000_000 < RUN_MS);
                        round++) {
                    outcomes.add(send(tenant, renamedGroups(round)));
                }
            });
            sender.start();
            senders.add(sender);
        }
        for (Thread sender : senders) sender.join();
        long batchesMillis = (System.nanoTime() - started) / 1_000_000;
        List<HealthPoller.Poll> polls = health.stop();
        engine.stop();
        drainPekkoLog(node, log);
        stalls.stop();
        List<String> warnings = messages(log).stream()
                .filter(m -> m.contains("Scheduled sending of heartbeat"))
                .toList();
        return new Observed(
                List.copyOf(outcomes),
                batchesMillis,
                Math.max(loadAtStart, loadPerCore()),
                polls,
                stalls,
                warnings,
                lateHeartbeats(log, stalls),
                engine.steps(),
                engine.encodings());
    }

    /** The batch's status, or the error that kept it from one. */
    private static String send(TenantClient tenant, String ndjson) {
        HttpRequest batch = HttpRequest.newBuilder(URI.create(tenant.base + "/ingest"))
                .timeout(Duration.ofSeconds(150))
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(ndjson))
                .build();
        try {
            return String.valueOf(TestNodes.HTTP
                    .send(batch, HttpResponse.BodyHandlers.discarding())
                    .statusCode());
        } catch (IOException | InterruptedException e) {
            return e.toString();
        }
    }

    private static double loadPerCore() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()
                / Runtime.getRuntime().availableProcessors();
    }

    /** A tenant whose views join a large table with a small one, and aggregate the join. */
    private static TenantClient filled(TenantClient tenant) throws Exception {
        tenant.sql(
                """
        CREATE TABLE grps (grp INT NOT NULL, name VARCHAR, PRIMARY KEY (grp));
        CREATE TABLE items (id BIGINT NOT NULL, grp INT, v BIGINT, PRIMARY KEY (id));
        CREATE VIEW by_name AS SELECT g.name, COUNT(*) AS n, SUM(i.v) AS s FROM items i JOIN grps g ON i.grp = g.grp GROUP BY g.name;
        CREATE VIEW by_name_bucket AS SELECT g.name, i.v % 10 AS b, COUNT(*) AS n, SUM(i.v) AS s
          FROM items i JOIN grps g ON i.grp = g.grp GROUP BY g.name, i.v % 10;
        CREATE VIEW joined AS SELECT i.id, i.v, g.name FROM items i JOIN grps g ON i.grp = g.grp;
        CREATE VIEW by_grp AS SELECT grp, COUNT(*) AS n, SUM(v) AS s, AVG(v) AS a FROM items GROUP BY grp;
        CREATE VIEW hot AS SELECT i.id, g.name FROM items i JOIN grps g ON i.grp = g.grp WHERE i.v % 1000 = 7
        """,
                200);
        assertEquals(
                200,
                tenant.post("ingest", "application/x-ndjson", renamedGroups(0)).statusCode());
        for (int start = 0; start < ROWS; start += 25_000) {
            StringBuilder items = new StringBuilder();
            for (long id = start; id < start + 25_000; id++) {
                items.append("{\"op\":\"insert\",\"table\":\"items\",\"row\":{\"id\":")
                        .append(id)
                        .append(",\"grp\":")
                        .append(id % GROUPS)
                        .append(",\"v\":")
                        .append(id * 7919L % 1_000_003)
                        .append("}}\n");
            }
            assertEquals(
                    200,
                    tenant.post("ingest", "application/x-ndjson", items.toString())
                            .statusCode());
        }
        return tenant;
    }

    /** Every group under a new name: each moves its 500 items, and their joined rows, to other groups. */
    private static String renamedGroups(int round) {
        StringBuilder groups = new StringBuilder();
        for (int g = 0; g < GROUPS; g++) {
            groups.append("{\"op\":\"upsert\",\"table\":\"grps\",\"row\":{\"grp\":")
                    .append(g)
                    .append(",\"name\":\"g")
                    .append((g + round * 7) % 30)
                    .append("\"}}\n");
        }
        return groups.toString();
    }

    /**
     * Heartbeat warnings whose delay is still two intervals once the timer stalls in it are taken out.
     * Pekko stamps each log event when it is raised (MDC pekkoTimestamp, UTC time of day).
     */
    private static List<String> lateHeartbeats(ListAppender<ILoggingEvent> log, TimerStalls stalls) {
        List<ILoggingEvent> events;
        synchronized (log) {
            events = List.copyOf(log.list);
        }
        List<String> late = new ArrayList<>();
        for (ILoggingEvent event : events) {
            Matcher delay = HEARTBEAT_DELAY.matcher(event.getFormattedMessage());
            if (!delay.find()) continue;
            long delayMs = Long.parseLong(delay.group(1));
            long raisedMs = raisedAt(event);
            long stalled = stalls.stalledMillis(raisedMs - delayMs, raisedMs);
            if (delayMs - stalled >= HEARTBEAT_LATE_MS) late.add(delayMs + " ms (stalled " + stalled + " ms)");
        }
        return late;
    }

    private static long raisedAt(ILoggingEvent event) {
        String stamp = event.getMDCPropertyMap().get("pekkoTimestamp"); // e.g. 22:18:26.142UTC
        if (stamp == null) return event.getTimeStamp();
        long dayStart = event.getTimeStamp() - event.getTimeStamp() % 86_400_000L;
        long raised = dayStart + LocalTime.parse(stamp.replace("UTC", "")).toNanoOfDay() / 1_000_000;
        return raised > event.getTimeStamp() ? raised - 86_400_000L : raised; // raised just before midnight
    }

    /**
     * Pekko logs through its event bus to the SLF4J logger actor; a warning of ours logged the same
     * way, once seen, tells that every warning raised before it has reached the appender.
     */
    private static void drainPekkoLog(ShardviewNode node, ListAppender<ILoggingEvent> log) throws Exception {
        String marker = "responsiveness check: log drained " + System.nanoTime();
        Adapter.toClassic(node.system()).log().warning(marker);
        TestNodes.awaitTrue(() -> messages(log).contains(marker), "the log marker arrives");
    }

    private static List<String> messages(ListAppender<ILoggingEvent> log) {
        synchronized (log) {
            return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }
}
