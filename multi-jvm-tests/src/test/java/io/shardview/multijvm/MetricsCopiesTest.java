package io.shardview.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A copy of each region's metrics in another region ({@code shardview.metrics.replicas = 2}; docs/regions.md, "A copy
 * of each region's metrics"), on packaged nodes with a journal database per region: a client writes points through
 * region eu until eu's node is killed (kill -9). Region us, which keeps eu's copy, refuses its own writes at once while
 * eu is silent (503, nothing stored: it could not copy them); once an operator declares eu lost, us writes alone, and
 * a read of eu from us (by name and as part of {@code region=*}) answers from the copy with every point eu
 * acknowledged.
 */
class MetricsCopiesTest {
    private static final String CONFIG = "shardview.metrics.replicas = 2\n"
            + "pekko.cluster.multi-data-center.failure-detector {\n"
            + "  heartbeat-interval = 1s\n  acceptable-heartbeat-pause = 4s\n}\n";

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) // the nodes' logs stay when it fails
    Path tmp;

    @Test
    void everyPointALostRegionAcknowledgedIsReadFromItsCopy() throws Exception {
        try (RegionNodes cluster = new RegionNodes(tmp, List.of("eu", "us"), 1, CONFIG)) {
            cluster.startAll();
            int eu = cluster.nodesOf("eu").get(0);
            int us = cluster.nodesOf("us").get(0);
            String atEu = cluster.url(eu) + "/v1/tenants/fleet/prom/api/v1/";
            String atUs = cluster.url(us) + "/v1/tenants/fleet/prom/api/v1/";
            long start = System.currentTimeMillis() - 600_000;

            // A writer at eu: request r writes 20 series (host r % 50), point at start + r tenths of a second, each
            // acknowledged point recorded, until eu is killed under it.
            Set<String> acknowledged = new ConcurrentSkipListSet<>();
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = new Thread(() -> {
                for (int r = 0; !stop.get(); r++) {
                    StringBuilder body = new StringBuilder();
                    long at = start + r * 100L;
                    for (int s = 0; s < 20; s++) {
                        body.append("{\"metric\":{\"__name__\":\"load\",\"host\":\"h")
                                .append(r % 50)
                                .append("\",\"cpu\":\"")
                                .append(s)
                                .append("\"},\"values\":[")
                                .append(r)
                                .append("],\"timestamps\":[")
                                .append(at)
                                .append("]}\n");
                    }
                    try {
                        if (RegionNodes.post(atEu + "import", "application/json", body.toString())
                                                .statusCode()
                                        / 100
                                == 2) {
                            for (int s = 0; s < 20; s++) acknowledged.add("h" + (r % 50) + "/" + s + "@" + at);
                        }
                    } catch (Exception killed) {
                        return;
                    }
                }
            });
            writer.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (acknowledged.size() < 2_000 && System.nanoTime() < deadline) Thread.sleep(50);
            assertTrue(acknowledged.size() >= 2_000, "eu acknowledged " + acknowledged.size() + " points in 60 s");
            assertEquals(137, cluster.node(eu).kill9(Duration.ofSeconds(30)));
            stop.set(true);
            writer.join(30_000);

            // us keeps eu's copy; with eu silent, a write at us cannot be copied there and is refused, nothing stored.
            String point = "{\"metric\":{\"__name__\":\"load\",\"host\":\"us\"},\"values\":[1],\"timestamps\":[" + start
                    + "]}";
            HttpResponse<String> refused = null;
            deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                refused = RegionNodes.post(atUs + "import", "application/json", point);
                if (refused.statusCode() == 503) break;
                Thread.sleep(500);
            }
            assertEquals(503, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("keeps the copy of this region's metrics"), refused.body());
            assertTrue(refused.body().contains("nothing was stored"), refused.body());

            // The operator declares eu lost on us (refused 409 until us sees eu unreachable).
            HttpResponse<String> lost = cluster.declareLost(us, "eu");
            assertEquals(200, lost.statusCode(), lost.body());
            HttpResponse<String> alone = RegionNodes.post(atUs + "import", "application/json", point);
            assertEquals(2, alone.statusCode() / 100, "us writes alone once eu is declared lost: " + alone.body());

            // eu's metrics, read from us: every point eu acknowledged, from the copy us keeps.
            Set<String> copied = points(RegionNodes.get(atUs + "export?region=eu&" + match("{__name__=\"load\"}")));
            Set<String> missing = new TreeSet<>(acknowledged);
            missing.removeAll(copied);
            assertEquals(Set.of(), missing, "acknowledged by eu, missing from its copy (" + acknowledged.size() + ")");

            // Every region at once: eu's series from its copy, labelled eu, and us's own.
            HttpResponse<String> every = RegionNodes.get(atUs + "query?region=*&time=" + (start / 1000 + 30) + "&query="
                    + URLEncoder.encode("count by (region) (load)", StandardCharsets.UTF_8));
            assertEquals(200, every.statusCode(), every.body());
            Map<String, Double> counts = new TreeMap<>();
            for (JsonNode sample : RegionNodes.JSON.readTree(every.body()).at("/data/result")) {
                counts.put(
                        sample.at("/metric/region").asText(),
                        sample.at("/value/1").asDouble());
            }
            assertTrue(counts.getOrDefault("eu", 0.0) >= 20, "eu's series from its copy: " + every.body());
            assertEquals(1.0, counts.get("us"), "us's own series: " + every.body());
            System.out.println(
                    "metrics copies: " + acknowledged.size() + " points acknowledged by eu, all in its copy");
        }
    }

    private static String match(String selector) {
        return "match%5B%5D=" + URLEncoder.encode(selector, StandardCharsets.UTF_8);
    }

    /** The points of an export, as {@code host/cpu@timestamp}. */
    private static Set<String> points(HttpResponse<String> export) throws Exception {
        assertEquals(200, export.statusCode(), export.body());
        Set<String> points = new TreeSet<>();
        for (String line : export.body().lines().filter(l -> !l.isBlank()).toList()) {
            JsonNode series = RegionNodes.JSON.readTree(line);
            String key = series.at("/metric/host").asText() + "/"
                    + series.at("/metric/cpu").asText() + "@";
            for (JsonNode at : series.get("timestamps")) points.add(key + at.asLong());
        }
        return points;
    }
}
