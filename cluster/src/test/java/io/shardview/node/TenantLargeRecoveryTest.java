package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardview.entity.tenant.TenantSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.pekko.persistence.serialization.Snapshot;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tenant holding 1M rows and 10 views restarts from its snapshot with the same content; the snapshot, which the
 * store streams to its file in pieces, is byte for byte the file Pekko's own snapshot serializer makes.
 */
class TenantLargeRecoveryTest {
    private static final int ROWS = 1_000_000;
    private static final int BATCH = 10_000;
    private static final Pattern SNAPSHOT = Pattern.compile("snapshot-tenant%7Cbig-(\\d+)-\\d+");

    @TempDir
    Path dataDir;

    @Test
    void aMillionRowTenantWithTenViewsRecoversFromItsSnapshot() throws Exception {
        Map<String, JsonNode> before = new HashMap<>();
        long version;
        // Cross-node serialization is covered elsewhere; here it would only slow the million-row ingest down.
        Map<String, Object> settings = Map.of("pekko.actor.serialize-messages", "off");
        ShardviewNode first = TenantNodes.start(dataDir, settings);
        try {
            TenantClient t = new TenantClient(first, "big");
            StringBuilder sql =
                    new StringBuilder("CREATE TABLE ev (id BIGINT NOT NULL, k INT, v DOUBLE, PRIMARY KEY (id))");
            for (int i = 0; i < 8; i++) {
                sql.append("; CREATE VIEW f")
                        .append(i)
                        .append(" AS SELECT id, v FROM ev WHERE k % 10 = ")
                        .append(i);
            }
            sql.append("; CREATE VIEW by_k AS SELECT k, COUNT(*) AS n, SUM(v) AS s, MIN(id) AS lo FROM ev GROUP BY k");
            sql.append("; CREATE VIEW top AS SELECT id, v FROM ev ORDER BY v DESC, id LIMIT 10");
            t.sql(sql.toString(), 200);
            for (int start = 0; start < ROWS; start += BATCH) {
                StringBuilder body = new StringBuilder(BATCH * 60);
                for (int id = start; id < start + BATCH; id++) {
                    body.append("{\"op\":\"insert\",\"table\":\"ev\",\"row\":{\"id\":")
                            .append(id)
                            .append(",\"k\":")
                            .append(id % 97)
                            .append(",\"v\":")
                            .append((id * 7919L) % 100_003)
                            .append("}}\n");
                }
                assertEquals(
                        200,
                        t.post("ingest", "application/x-ndjson", body.toString())
                                .statusCode());
            }
            version = t.version();
            for (String view : views()) before.put(view, t.json(t.get("views/" + view + "?limit=1"), 200));
        } finally {
            first.stop();
        }
        long snapshotSeq = latestSnapshotSequenceNr();
        assertTrue(
                snapshotSeq >= version - 25,
                "a snapshot covers all but the last few events: snapshot at " + snapshotSeq + ", last event "
                        + version);

        ShardviewNode second = TenantNodes.start(dataDir, settings);
        try {
            assertStreamedAsPekkoWritesIt(second, latestSnapshotFile());
            TenantClient t = new TenantClient(second, "big");
            assertEquals(version, t.version());
            JsonNode info = t.json(t.get(""), 200);
            assertEquals(ROWS, info.at("/tables/0/rows").asLong());
            for (String view : views()) {
                JsonNode after = t.json(t.get("views/" + view + "?limit=1"), 200);
                assertEquals(before.get(view).get("hash"), after.get("hash"), view);
                assertEquals(before.get(view).get("count"), after.get("count"), view);
                assertEquals(before.get(view).get("rows"), after.get("rows"), view);
            }
        } finally {
            second.stop();
        }
    }

    /** The file read back through Pekko's path, then serialized whole by Pekko's snapshot serializer: equal bytes. */
    private static void assertStreamedAsPekkoWritesIt(ShardviewNode node, Path file) throws Exception {
        byte[] streamed = Files.readAllBytes(file);
        assertTrue(streamed.length > 4 * 256 * 1024, "a snapshot of many chunks: " + streamed.length + " bytes");
        Serialization serialization = SerializationExtension.get(node.system());
        Snapshot read = serialization.deserialize(streamed, Snapshot.class).get();
        assertTrue(read.data() instanceof TenantSnapshot, read.data().getClass().getName());
        assertArrayEquals(serialization.serialize(read).get(), streamed, file.toString());
    }

    private Path latestSnapshotFile() throws Exception {
        long latest = latestSnapshotSequenceNr();
        try (Stream<Path> files = Files.list(dataDir.resolve("snapshots"))) {
            return files.filter(p -> {
                        Matcher m = SNAPSHOT.matcher(p.getFileName().toString());
                        return m.matches() && Long.parseLong(m.group(1)) == latest;
                    })
                    .findFirst()
                    .orElseThrow();
        }
    }

    private long latestSnapshotSequenceNr() throws Exception {
        try (Stream<Path> files = Files.list(dataDir.resolve("snapshots"))) {
            return files.map(p -> SNAPSHOT.matcher(p.getFileName().toString()))
                    .filter(Matcher::matches)
                    .mapToLong(m -> Long.parseLong(m.group(1)))
                    .max()
                    .orElse(0);
        }
    }

    private static java.util.List<String> views() {
        java.util.List<String> views = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) views.add("f" + i);
        views.add("by_k");
        views.add("top");
        return views;
    }
}
