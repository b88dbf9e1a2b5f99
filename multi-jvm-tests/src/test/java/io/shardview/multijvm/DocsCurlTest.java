package io.shardview.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every curl command of docs/*.md runs against packaged nodes. docs/api.md's, in the order it shows them (its examples
 * continue one another, with {@code S} the demo tenant's URL and the node's address where the doc writes
 * localhost:8080; a file a command reads, {@code @rules.yml}, is the YAML block the doc shows after it; a change
 * stream is read for 3 seconds), then docs/regions.md's (with {@code NODE} a node's URL): each block exits 0 and
 * answers no error of the error model. The nodes are two regions, eu and us, since some commands need another region
 * (sync replication, a query of region us, declaring a region lost, the diverged batches of a lost region's journal).
 * The {@code ./shardview} commands of every doc are parsed by DocsCommandsTest.
 */
class DocsCurlTest {
    private static final Path API = NodeProcess.ROOT.resolve("docs/api.md");
    private static final Path REGIONS = NodeProcess.ROOT.resolve("docs/regions.md");
    private static final Pattern BLOCK = Pattern.compile("```(\\w*)\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern ADDRESS = Pattern.compile("http://(localhost|127\\.0\\.0\\.1):8080|localhost:8080");
    private static final String FAST_DETECTOR = "pekko.cluster.multi-data-center.failure-detector {\n"
            + "  heartbeat-interval = 1s\n  acceptable-heartbeat-pause = 4s\n}\n";

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path tmp;

    /** A fenced block of a doc: its language and text. */
    record Block(String language, String text) {}

    static List<Block> blocks(Path doc) throws Exception {
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(Files.readString(doc));
        while (m.find()) blocks.add(new Block(m.group(1), m.group(2)));
        return blocks;
    }

    private static List<Block> curlBlocks(Path doc) throws Exception {
        return blocks(doc).stream().filter(b -> b.text().contains("curl ")).toList();
    }

    @Test
    void everyCurlCommandOfTheDocsRunsAgainstNodes() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        try (RegionNodes cluster = new RegionNodes(tmp, List.of("eu", "us"), 1, FAST_DETECTOR)) {
            cluster.startAll();
            String eu = cluster.url(0);
            Map<String, String> env = Map.of("S", eu + "/v1/tenants/demo", "NODE", eu);

            List<Block> api = blocks(API);
            int ran = 0;
            for (int i = 0; i < api.size(); i++) {
                String text = api.get(i).text();
                if (!text.contains("curl ")) continue;
                if (text.contains("@rules.yml")) {
                    Block yaml = api.get(i + 1);
                    assertEquals("yaml", yaml.language(), "the rules file follows the command that puts it");
                    Files.writeString(work.resolve("rules.yml"), yaml.text());
                }
                boolean stream = text.contains("curl -s -N");
                String script = ADDRESS.matcher(text).replaceAll(eu).replace("curl -s -N", "curl -s -N --max-time 3");
                String out = bash(script, work, env, stream ? 28 : 0);
                assertNoError(API, text, out);
                if (stream) assertTrue(out.contains("data: {\"version\":3"), "the stream's changes:\n" + out);
                ran++;
            }
            assertTrue(ran >= 9, "docs/api.md's curl blocks were found: " + ran);

            List<Block> regions = curlBlocks(REGIONS);
            assertEquals(4, regions.size(), "docs/regions.md's curl blocks: a test below runs each");
            for (Block query : regions.stream()
                    .filter(b -> b.text().contains("/prom/api/v1/query"))
                    .toList()) {
                String out = bash(query.text(), work, env, 0);
                assertNoError(REGIONS, query.text(), out);
                assertTrue(out.contains("\"status\":\"success\""), out);
            }

            // us is lost: its node killed, then declared lost as the doc shows (409 while eu still reaches it).
            assertEquals(137, cluster.node(1).kill9(Duration.ofSeconds(30)));
            Block lost = only(regions, "/lost");
            String out;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            do {
                out = bash(lost.text(), work, env, 0);
                if (!out.contains("\"conflict\"")) break;
                Thread.sleep(500);
            } while (System.nanoTime() < deadline);
            assertNoError(REGIONS, lost.text(), out);
            assertTrue(out.contains("\"lost\":true"), out);

            // The diverged batches of the lost region's journal, listed, exported and sent again (none here).
            String usJournal = cluster.environment("us").get("SHARDVIEW_JOURNAL_URL");
            String diverged = only(regions, "diverged.ndjson")
                    .text()
                    .replace("jdbc:postgresql://pg.us.internal/shardview", usJournal)
                    .replace("SHARDVIEW_JOURNAL_URL=...", "SHARDVIEW_JOURNAL_URL=" + usJournal)
                    .replace(
                            "./shardview", NodeProcess.ROOT.resolve("shardview").toString());
            Map<String, String> operator = new java.util.HashMap<>(cluster.environment("us"));
            operator.putAll(env);
            out = bash(diverged, work, operator, 0);
            assertNoError(REGIONS, diverged, out);
            assertTrue(Files.exists(work.resolve("diverged.ndjson")), out);
        }
    }

    private static Block only(List<Block> blocks, String containing) {
        List<Block> found =
                blocks.stream().filter(b -> b.text().contains(containing)).toList();
        assertEquals(1, found.size(), "blocks with " + containing);
        return found.get(0);
    }

    private static void assertNoError(Path doc, String block, String out) {
        assertFalse(
                out.contains("\"error\":"),
                "a command of " + doc.getFileName() + " answered an error:\n" + block + out);
    }

    /** Runs the script with bash in {@code dir}; it must exit {@code status} (28: curl read a stream until its time). */
    private static String bash(String script, Path dir, Map<String, String> env, int status) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", "-e", "-o", "pipefail", "-c", script)
                .directory(dir.toFile())
                .redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "still running:\n" + script);
        assertEquals(status, process.exitValue(), "block:\n" + script + "\nprinted:\n" + out);
        return out;
    }
}
