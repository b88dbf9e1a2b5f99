package io.shardview.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged node, started by ./shardview as a user would, in its own JVM. */
class LauncherTest {
    @TempDir
    Path tmp;

    @Test
    void packagedNodeBecomesReadyAndStopsOnSigtermWithinTenSecondsWithExitZero() throws Exception {
        Path data = tmp.resolve("data");
        try (NodeProcess node = NodeProcess.serve(tmp, "--data-dir", data.toString())) {
            assertEquals(200, node.awaitStatus("/ready", 200, Duration.ofSeconds(60)), "stderr: " + node.stderr());
            assertEquals(1, node.stdout().size(), "one start-up line: " + node.stdout());
            assertTrue(node.stdout().get(0).contains(data.toString()), "names the data directory: " + node.stdout());

            node.process.destroy(); // SIGTERM
            assertTrue(node.process.waitFor(10, TimeUnit.SECONDS), "stopped within 10 s");
            assertEquals(0, node.process.exitValue(), "stderr: " + node.stderr());
        }
    }

    @Test
    void secondNodeOnTheSameDataDirectoryFailsWithOneClearLine() throws Exception {
        Path data = tmp.resolve("data");
        // Small heaps: the launcher's default (a quarter of the machine, every page touched at start) took the second
        // JVM past 30 s on a loaded 2-core machine before it reached the lock, once, beside another test class.
        Map<String, String> small = Map.of("SHARDVIEW_JAVA_OPTS", "-Xmx512m");
        try (NodeProcess first = NodeProcess.serve(tmp, small, "--data-dir", data.toString())) {
            assertEquals(200, first.awaitStatus("/ready", 200, Duration.ofSeconds(60)), "stderr: " + first.stderr());
            try (NodeProcess second = NodeProcess.serve(tmp, small, "--data-dir", data.toString())) {
                assertTrue(second.process.waitFor(30, TimeUnit.SECONDS), "the second node gives up");
                assertEquals(1, second.process.exitValue());
                String stderr = second.stderr();
                assertTrue(stderr.contains("data directory " + data + " is in use"), stderr);
                assertFalse(stderr.contains("Exception") || stderr.contains("\tat "), "no stack trace: " + stderr);
            }
            first.process.destroy();
            assertTrue(first.process.waitFor(10, TimeUnit.SECONDS));
        }
    }

    /**
     * With no options the launcher gives the node a quarter of the machine's memory and the node takes all of it at
     * start, every page touched: its resident set is known from the first second and does not grow under load.
     */
    @Test
    void theLaunchersDefaultHeapIsAQuarterOfTheMachineTakenAtStart() throws Exception {
        long machine = firstNumber(Files.readString(Path.of("/proc/meminfo")), "MemTotal:\\s+(\\d+) kB") * 1024;
        long expected = Math.max(512L << 20, Math.min(31744L << 20, machine / 4));
        try (NodeProcess node =
                NodeProcess.serve(tmp, "--data-dir", tmp.resolve("data").toString())) {
            assertEquals(200, node.awaitStatus("/ready", 200, Duration.ofSeconds(60)), "stderr: " + node.stderr());
            String metrics = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(node.url(Duration.ofSeconds(5)) + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            double max = firstNumber(metrics, "jvm_memory_max_bytes\\{area=\"heap\"\\} (\\S+)");
            double committed = firstNumber(metrics, "jvm_memory_committed_bytes\\{area=\"heap\"\\} (\\S+)");
            assertEquals(expected, max, expected * 0.02, "max heap a quarter of " + machine + " bytes");
            assertEquals(max, committed, 0, "the whole heap committed at start");
            long resident = firstNumber(
                            Files.readString(Path.of("/proc/" + node.process.pid() + "/status")), "VmRSS:\\s+(\\d+) kB")
                    * 1024;
            assertTrue(resident > max, "every heap page touched at start: resident " + resident + " B, heap " + max);
        }
    }

    private static long firstNumber(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), regex + " in " + text);
        return (long) Double.parseDouble(m.group(1));
    }
}
