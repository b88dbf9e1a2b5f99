package io.shardview.multijvm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node in its own JVM, started through the repository's {@code ./shardview} launcher exactly as
 * a user would, with stdout and stderr captured.
 */
final class NodeProcess implements AutoCloseable {
    static final Path ROOT =
            Path.of(System.getProperty("shardview.root", "..")).toAbsolutePath().normalize();
    private static final Pattern SERVING = Pattern.compile("serving (https?://\\S+)");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final Process process;
    private final List<String> stdout = new ArrayList<>();
    private final CompletableFuture<String> url = new CompletableFuture<>();
    private final Path stderr;

    private NodeProcess(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        Thread reader = new Thread(this::readStdout, "node-stdout-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Runs {@code ./shardview serve ARGS} with a free HTTP port. */
    static NodeProcess serve(Path logDir, String... args) throws IOException {
        return serve(logDir, java.util.Map.of(), args);
    }

    /** Runs {@code ./shardview serve ARGS} with a free HTTP port and extra environment variables. */
    static NodeProcess serve(Path logDir, java.util.Map<String, String> environment, String... args)
            throws IOException {
        List<String> command =
                new ArrayList<>(List.of(ROOT.resolve("shardview").toString(), "serve", "--http-port", "0"));
        command.addAll(List.of(args));
        Files.createDirectories(logDir);
        Path stderr = Files.createTempFile(logDir, "node-", ".stderr");
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(ROOT.toFile()).redirectError(stderr.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        return new NodeProcess(process, stderr);
    }

    private void readStdout() {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                synchronized (stdout) {
                    stdout.add(line);
                }
                Matcher m = SERVING.matcher(line);
                if (m.find()) url.complete(m.group(1));
            }
        } catch (IOException e) {
            url.completeExceptionally(e);
        }
        url.completeExceptionally(new IllegalStateException("node stopped before printing its URL"));
    }

    /** The URL from the start-up line, waiting for it. */
    String url(Duration timeout) throws Exception {
        return url.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    List<String> stdout() {
        synchronized (stdout) {
            return List.copyOf(stdout);
        }
    }

    String stderr() throws IOException {
        return Files.readString(stderr);
    }

    /** Polls {@code path} until it answers {@code status} or the timeout passes; returns the last status. */
    int awaitStatus(String path, int status, Duration timeout) throws Exception {
        String base = url(timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                last = HTTP.send(
                                HttpRequest.newBuilder(URI.create(base + path))
                                        .timeout(Duration.ofSeconds(2))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode();
                if (last == status) return last;
            } catch (IOException notYetListening) {
                last = -1;
            }
            Thread.sleep(100);
        }
        return last;
    }

    /**
     * Sends SIGKILL to the node's JVM and waits for it to die; returns the exit status (137, that is
     * 128 + 9, when SIGKILL ended it). Fails if the launched process is not the JVM itself (the
     * launcher {@code exec}s java, so the pid must be the JVM's and it must have no children).
     */
    int kill9(Duration timeout) throws Exception {
        ProcessHandle handle = process.toHandle();
        String command = handle.info().command().orElse("");
        if (!command.endsWith("/java") || handle.children().findAny().isPresent()) {
            throw new IllegalStateException("pid " + handle.pid() + " is not the node's JVM: " + command);
        }
        process.destroyForcibly(); // SIGKILL on Linux (ProcessHandleImpl.destroy0 with force = true)
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("pid " + handle.pid() + " still alive " + timeout + " after SIGKILL");
        }
        return process.exitValue();
    }

    /** Sends SIGSTOP (pause) or SIGCONT (resume) to the node's JVM. */
    void signal(String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid()))
                .inheritIO()
                .start();
        if (kill.waitFor() != 0) throw new IllegalStateException("kill -" + signal + " failed");
    }

    /** Sends SIGTERM and waits for the node to stop; returns its exit status, or -1 if it did not stop in time. */
    int terminate(Duration timeout) throws Exception {
        process.destroy();
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
