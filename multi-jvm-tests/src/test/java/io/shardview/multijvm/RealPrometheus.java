package io.shardview.multijvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Prometheus, started by a test with a configuration of its own (.ci/run installs the package; where it is
 * missing the test is skipped with that reason).
 */
final class RealPrometheus implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/bin/prometheus");

    private final Process process;
    private final Path log;
    private final int port;

    private RealPrometheus(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Its HTTP API's base URL. */
    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Skips the calling test unless Prometheus is installed. */
    static void assumeInstalled() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Files.isExecutable(BINARY),
                "Prometheus is not installed (apt-get install prometheus); .ci/run installs it");
    }

    /** Starts Prometheus with {@code yaml} as its configuration, its data and log in {@code dir}. */
    static RealPrometheus start(Path dir, String yaml) throws Exception {
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, yaml);
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = dir.resolve("prometheus.log");
        Process process = new ProcessBuilder(
                        BINARY.toString(),
                        "--config.file=" + config,
                        "--storage.tsdb.path=" + dir.resolve("prometheus-data"),
                        "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new RealPrometheus(process, log, port);
    }

    /**
     * Runs Debian's promtool (Prometheus's own API client, in the same package) with {@code args}; its output, or a
     * failure naming its exit code and output.
     */
    static String promtool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/promtool"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("promtool did not finish: " + command);
        }
        if (process.exitValue() != 0) {
            throw new AssertionError("promtool exited " + process.exitValue() + ": " + command + "\n" + output);
        }
        return output;
    }

    /** What Prometheus logged so far. */
    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
