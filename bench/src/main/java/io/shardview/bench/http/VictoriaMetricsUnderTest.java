package io.shardview.bench.http;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A single-node VictoriaMetrics (Debian's {@code victoria-metrics}) as the peer of a metrics load
 * run: on loopback, a free port, its own data directory, logging to a file in the directory's
 * parent; stopped by its process (SIGTERM, which makes it flush what it buffers in memory).
 */
final class VictoriaMetricsUnderTest implements AutoCloseable {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    final Process process;
    final String url;

    private VictoriaMetricsUnderTest(Process process, String url) {
        this.process = process;
        this.url = url;
    }

    /** Starts {@code binary} with its storage in {@code dataDir} and waits until /health answers 200. */
    static VictoriaMetricsUnderTest start(Path binary, Path dataDir) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port;
        Process process = new ProcessBuilder(List.of(
                        binary.toString(),
                        "-httpListenAddr",
                        "127.0.0.1:" + port,
                        "-storageDataPath",
                        dataDir.toString(),
                        "-loggerLevel",
                        "WARN"))
                .redirectErrorStream(true)
                .redirectOutput(
                        dataDir.resolveSibling(dataDir.getFileName() + ".log").toFile())
                .start();
        VictoriaMetricsUnderTest vm = new VictoriaMetricsUnderTest(process, url);
        vm.awaitHealthy();
        return vm;
    }

    private void awaitHealthy() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive())
                throw new IllegalStateException("victoria-metrics exited with " + process.exitValue());
            try {
                if (HTTP.send(
                                        HttpRequest.newBuilder(URI.create(url + "/health"))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200) return;
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("victoria-metrics not healthy within 60 s");
    }

    long pid() {
        return process.pid();
    }

    /** GET {@code path} (with its query) and return the body; fails on a non-200 answer. */
    String get(String pathAndQuery) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(url + pathAndQuery)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200)
            throw new IllegalStateException(pathAndQuery + ": " + response.statusCode() + " " + response.body());
        return response.body();
    }

    /** The value of a plain (label-free) metric on its /metrics page. */
    double metric(String name) throws Exception {
        for (String line : get("/metrics").split("\n")) {
            if (line.startsWith(name + " "))
                return Double.parseDouble(line.substring(name.length() + 1).trim());
        }
        throw new IllegalStateException("victoria-metrics has no metric " + name);
    }

    /** SIGTERM and wait. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) process.destroyForcibly();
    }
}
