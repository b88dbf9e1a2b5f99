package io.shardview.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal tools as an operator runs them, through the launcher on a packaged node's data directory: verify,
 * export, import into a new directory, a node started on that directory serving the same hash, and replay at an
 * older version.
 */
class JournalToolsPackagedTest {
    @TempDir
    Path tmp;

    /** What a tool printed and its exit code. */
    record Run(int exit, String out) {}

    private Run journal(String... args) throws Exception {
        List<String> command =
                new ArrayList<>(List.of(NodeProcess.ROOT.resolve("shardview").toString(), "journal"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .directory(NodeProcess.ROOT.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "journal " + String.join(" ", args) + " ends");
        return new Run(process.exitValue(), out);
    }

    @Test
    void aBackupOfAPackagedNodeRestoresIntoANewDataDirectoryWithTheSameHash() throws Exception {
        Path data = tmp.resolve("data");
        String hash;
        try (NodeProcess node = NodeProcess.serve(tmp, "--data-dir", data.toString())) {
            assertEquals(200, node.awaitStatus("/ready", 200, Duration.ofSeconds(60)), node.stderr());
            NodeClient client = new NodeClient(node.url(Duration.ofSeconds(5)));
            assertEquals(
                    200,
                    client.sql(
                                    "demo",
                                    "CREATE TABLE t (id BIGINT NOT NULL, v INT, PRIMARY KEY (id));"
                                            + "CREATE VIEW s AS SELECT v, COUNT(*) AS n FROM t GROUP BY v")
                            .status());
            for (int b = 0; b < 3; b++) {
                assertEquals(
                        200,
                        client.ingest(
                                        "demo",
                                        "{\"ops\": [{\"op\": \"upsert\", \"table\": \"t\", \"row\": {\"id\": " + b
                                                + ", \"v\": " + (b % 2) + "}}]}")
                                .status());
            }
            hash = client.get("/v1/tenants/demo/views/s").json().get("hash").asText();
            node.process.destroy(); // SIGTERM: the node stops cleanly and unlocks its data directory
            assertTrue(node.process.waitFor(30, TimeUnit.SECONDS));
        }

        Run verify = journal("verify", "--all", "--data-dir", data.toString());
        assertEquals(0, verify.exit(), verify.out());
        assertTrue(verify.out().contains("verified: everything matches"), verify.out());
        Path backup = tmp.resolve("demo.svj");
        assertEquals(
                0,
                journal("export", "demo", "--to", backup.toString(), "--data-dir", data.toString())
                        .exit());
        Path restored = tmp.resolve("restored");
        Run imported = journal("import", backup.toString(), "--data-dir", restored.toString());
        assertEquals(0, imported.exit(), imported.out());

        Run replay = journal("replay", "demo", "--to-version", "2", "--json", "--data-dir", restored.toString());
        assertEquals(0, replay.exit(), replay.out());
        JsonNode atTwo = NodeClient.JSON.readTree(replay.out());
        assertEquals(2, atTwo.get("version").asLong());

        try (NodeProcess node = NodeProcess.serve(tmp, "--data-dir", restored.toString())) {
            assertEquals(200, node.awaitStatus("/ready", 200, Duration.ofSeconds(60)), node.stderr());
            NodeClient client = new NodeClient(node.url(Duration.ofSeconds(5)));
            JsonNode view = client.get("/v1/tenants/demo/views/s").json();
            assertEquals(4, view.get("version").asLong());
            assertEquals(hash, view.get("hash").asText());
        }
    }
}
