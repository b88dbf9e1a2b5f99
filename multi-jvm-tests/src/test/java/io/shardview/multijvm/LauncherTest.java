package io.shardview.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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
        try (NodeProcess first = NodeProcess.serve(tmp, "--data-dir", data.toString())) {
            assertEquals(200, first.awaitStatus("/ready", 200, Duration.ofSeconds(60)), "stderr: " + first.stderr());
            try (NodeProcess second = NodeProcess.serve(tmp, "--data-dir", data.toString())) {
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
}
