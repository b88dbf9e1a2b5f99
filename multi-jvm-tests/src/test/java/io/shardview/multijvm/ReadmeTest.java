package io.shardview.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every shell command the README shows runs in a test. Each {@code sh} block carries a marker saying how:
 * {@code walkthrough} (run against a fresh packaged node, its output compared with the {@code walkthrough output}
 * block), {@code runs} (run against that node: exit status 0, no error in the error model on stdout),
 * {@code launcher} (./shardview serve, run by LauncherTest and every suite here; mvn -B verify, run by .ci/run) and
 * {@code cluster} (run by ThreeNodes with other ports: the same commands and environment variables). A block without
 * a marker fails, so no command can reach the README untested.
 */
class ReadmeTest {
    private static final Path README = NodeProcess.ROOT.resolve("README.md");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BLOCK =
            Pattern.compile("(?:<!-- readme: ([a-z ]+) -->\\s*\\n)?```(\\w*)\\n(.*?)```", Pattern.DOTALL);

    @TempDir
    Path tmp;

    record Block(String marker, String language, String text) {}

    static List<Block> blocks() throws Exception {
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(Files.readString(README));
        while (m.find()) blocks.add(new Block(m.group(1), m.group(2), m.group(3)));
        return blocks;
    }

    private static List<Block> marked(String marker) throws Exception {
        return blocks().stream().filter(b -> marker.equals(b.marker())).toList();
    }

    @Test
    void everyShellBlockSaysWhichTestRunsIt() throws Exception {
        Set<String> known = Set.of("walkthrough", "runs", "launcher", "cluster", "auth launcher", "auth");
        for (Block block : blocks()) {
            if (!block.language().equals("sh")) continue;
            assertTrue(
                    block.marker() != null && known.contains(block.marker()),
                    "a README shell block without a known <!-- readme: ... --> marker:\n" + block.text());
        }
    }

    @Test
    void theQuickStartIsTheLauncherAndTheCommandCiRuns() throws Exception {
        List<Block> launcher = marked("launcher");
        assertEquals(1, launcher.size());
        List<String> commands = commands(launcher.get(0).text());
        assertEquals(List.of("./shardview serve", "mvn -B verify"), commands);
        // LauncherTest and every suite in this module start the node as `./shardview serve`; CI runs the test command.
        String ci = Files.readString(NodeProcess.ROOT.resolve(".ci/run"));
        assertTrue(
                ci.lines().anyMatch(line -> line.strip().equals("mvn -B verify")),
                ".ci/run calls the README's command");
    }

    @Test
    void theClusterCommandsAreTheOnesThreeNodeClusterTestRuns() throws Exception {
        List<Block> cluster = marked("cluster");
        assertEquals(1, cluster.size());
        Set<String> exported = new TreeSet<>();
        List<String> shardview = new ArrayList<>();
        for (String command : commands(cluster.get(0).text())) {
            if (command.startsWith("export ")) exported.add(command.substring(7, command.indexOf('=')));
            else if (command.startsWith("./shardview ")) shardview.add(command.replaceAll("\\d+", "N"));
        }
        // ThreeNodes: the same variables through the environment, journal init, then serve with these flags.
        assertEquals(
                Set.of("SHARDVIEW_JAVA_OPTS", "SHARDVIEW_JOURNAL_URL", "SHARDVIEW_PROFILE", "SHARDVIEW_SEED_NODES"),
                exported);
        assertEquals(
                List.of(
                        "./shardview journal init",
                        "./shardview serve --http-port N --cluster-port N --data-dir dataN",
                        "./shardview serve --http-port N --cluster-port N --data-dir dataN",
                        "./shardview serve --http-port N --cluster-port N --data-dir dataN"),
                shardview);
    }

    @Test
    void theWalkthroughPrintsWhatTheReadmeSaysAndEveryOtherCommandRuns() throws Exception {
        List<Block> walkthrough = marked("walkthrough");
        List<Block> output = marked("walkthrough output");
        assertEquals(1, walkthrough.size());
        assertEquals(1, output.size());
        try (NodeProcess node =
                NodeProcess.serve(tmp, "--data-dir", tmp.resolve("data").toString())) {
            assertEquals(200, node.awaitStatus("/ready", 200, Duration.ofSeconds(90)), "the node did not start");
            String url = node.url(Duration.ofSeconds(5));
            String printed = bash(walkthrough.get(0).text(), url, 0);
            List<String> expected = lines(output.get(0).text());
            List<String> actual = lines(printed);
            assertEquals(expected.size(), actual.size(), "output:\n" + printed);
            for (int i = 0; i < expected.size(); i++) assertSameLine(expected.get(i), actual.get(i));

            for (Block block : marked("runs")) {
                String out = bash(block.text(), url, 0);
                assertFalse(
                        out.contains("{\"error\":"),
                        "a README command answered an error:\n" + block.text() + "\n" + out);
            }
        }
    }

    /**
     * The auth section: a node started as its launcher block says (the admin token in SHARDVIEW_ADMIN_TOKEN, any
     * address), then its commands with the same environment; they print the statuses the comments say.
     */
    @Test
    void theAuthCommandsRunAgainstANodeStartedAsTheReadmeSays() throws Exception {
        List<Block> launcher = marked("auth launcher");
        assertEquals(1, launcher.size());
        List<String> commands = commands(launcher.get(0).text());
        assertEquals(2, commands.size(), commands.toString());
        assertTrue(commands.get(0).startsWith("export SHARDVIEW_ADMIN_TOKEN="), commands.get(0));
        assertEquals("./shardview serve --http-host 0.0.0.0", commands.get(1));
        String admin = "readme-admin-" + java.util.UUID.randomUUID();
        try (NodeProcess node = NodeProcess.serve(
                tmp,
                java.util.Map.of("SHARDVIEW_ADMIN_TOKEN", admin),
                "--http-host",
                "0.0.0.0",
                "--data-dir",
                tmp.resolve("auth-data").toString())) {
            assertEquals(200, node.awaitStatus("/ready", 200, Duration.ofSeconds(90)), "the node did not start");
            String url = node.url(Duration.ofSeconds(5)).replace("0.0.0.0", "127.0.0.1");
            for (Block block : marked("auth")) {
                String out = bash(block.text(), url, 0, java.util.Map.of("SHARDVIEW_ADMIN_TOKEN", admin));
                assertFalse(out.contains("{\"error\":"), "a README command answered an error:\n" + out);
                List<String> printed = lines(out);
                assertTrue(printed.contains("403") && printed.contains("401"), out);
                assertTrue(out.contains("\"name\":\"grafana\"") && !out.contains("svt_"), out);
            }
        }
    }

    /** Runs {@code script} with bash against the node at {@code url}; fails unless it exits {@code status}. */
    private String bash(String script, String url, int status) throws Exception {
        return bash(script, url, status, java.util.Map.of());
    }

    private String bash(String script, String url, int status, java.util.Map<String, String> environment)
            throws Exception {
        ProcessBuilder bash = new ProcessBuilder("bash", "-e", "-o", "pipefail", "-c", script)
                .directory(NodeProcess.ROOT.toFile())
                .redirectErrorStream(true);
        bash.environment().put("SHARDVIEW", url);
        bash.environment().putAll(environment);
        Process process = bash.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "README block still running:\n" + script);
        assertEquals(status, process.exitValue(), "README block:\n" + script + "\nprinted:\n" + out);
        return out;
    }

    /** The commands of a shell block: comments and blank lines dropped, continuation lines joined. */
    private static List<String> commands(String block) {
        List<String> commands = new ArrayList<>();
        for (String line : block.replace("\\\n", " ").split("\n")) {
            int comment = line.indexOf(" #");
            String command = (line.startsWith("#") ? "" : comment >= 0 ? line.substring(0, comment) : line).strip();
            if (!command.isEmpty()) commands.add(command.replaceAll("\\s+", " "));
        }
        return commands;
    }

    private static void assertSameLine(String expected, String actual) throws Exception {
        String prefix = expected.startsWith("data: ") ? "data: " : "";
        if (expected.substring(prefix.length()).startsWith("{")) {
            assertEquals(prefix, actual.substring(0, Math.min(prefix.length(), actual.length())), actual);
            assertEquals(
                    JSON.readTree(expected.substring(prefix.length())),
                    JSON.readTree(actual.substring(prefix.length())));
        } else {
            assertEquals(expected, actual);
        }
    }

    private static List<String> lines(String text) {
        return Arrays.stream(text.split("\n"))
                .map(String::strip)
                .filter(line -> !line.isEmpty())
                .toList();
    }
}
