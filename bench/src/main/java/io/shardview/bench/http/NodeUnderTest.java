package io.shardview.bench.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged node in its own JVM, as the load generators (and the HTTP fuzzer) drive it. */
public final class NodeUnderTest implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile("serving (http://\\S+)");

    public final Process process;
    public final String url;

    private NodeUnderTest(Process process, String url) {
        this.process = process;
        this.url = url;
    }

    /** Starts {@code java -jar jar serve} on a free port and waits until /ready answers 200. */
    private static final Pattern SEALED_POINTS = Pattern.compile("(?m)^shardview_metrics_sealed_points (\\S+)$");

    private static final Pattern EVENTS_SINCE_SNAPSHOT =
            Pattern.compile("(?m)^shardview_metrics_events_since_snapshot (\\S+)$");

    /** The node's metrics shards' sealed points and events since their snapshots (0 where a gauge is not built yet). */
    public record Sealing(double sealedPoints, double eventsSinceSnapshot) {}

    /** Reads {@link Sealing} from the node's /metrics. */
    public Sealing sealing(HttpClient client) throws IOException, InterruptedException {
        String page = client.send(
                        HttpRequest.newBuilder(URI.create(url + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        Matcher sealed = SEALED_POINTS.matcher(page);
        Matcher events = EVENTS_SINCE_SNAPSHOT.matcher(page);
        return new Sealing(
                sealed.find() ? Double.parseDouble(sealed.group(1)) : 0,
                events.find() ? Double.parseDouble(events.group(1)) : 0);
    }

    public static NodeUnderTest start(Path jar, Path dataDir, String javaOpts) throws Exception {
        return start(jar, dataDir, javaOpts, List.of());
    }

    /** As above, with more arguments for {@code serve} (e.g. {@code --config FILE}). */
    public static NodeUnderTest start(Path jar, Path dataDir, String javaOpts, List<String> serveArgs)
            throws Exception {
        return start(jar, dataDir, javaOpts, serveArgs, java.util.Map.of());
    }

    /** {@code -XX:NewSize} as the launcher (./shardview) sets it: a quarter of -Xmx, unless the options size it. */
    static List<String> youngGeneration(String javaOpts) {
        Matcher xmx = Pattern.compile("(?:^|\\s)-Xmx(\\d+)([kKmMgG]?)(?=\\s|$)").matcher(javaOpts);
        if (!xmx.find() || javaOpts.contains("-XX:NewSize=") || javaOpts.contains("-Xmn")) return List.of();
        long n = Long.parseLong(xmx.group(1));
        long mb =
                switch (xmx.group(2).toLowerCase(java.util.Locale.ROOT)) {
                    case "k" -> n / 1024;
                    case "m" -> n;
                    case "g" -> n * 1024;
                    default -> n / (1024 * 1024);
                };
        return List.of("-XX:NewSize=" + mb / 4 + "m");
    }

    /** As above, with variables added to the node's environment (e.g. {@code SHARDVIEW_JOURNAL_URL}). */
    public static NodeUnderTest start(
            Path jar, Path dataDir, String javaOpts, List<String> serveArgs, java.util.Map<String, String> env)
            throws Exception {
        return start(jar, dataDir, javaOpts, serveArgs, env, null);
    }

    /** As above, with the node's stderr (its log) appended to {@code log} rather than this process's stderr. */
    public static NodeUnderTest start(
            Path jar,
            Path dataDir,
            String javaOpts,
            List<String> serveArgs,
            java.util.Map<String, String> env,
            Path log)
            throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("java"));
        command.addAll(youngGeneration(javaOpts));
        if (!javaOpts.isBlank()) command.addAll(List.of(javaOpts.trim().split("\\s+")));
        command.addAll(List.of("-jar", jar.toString(), "serve", "--http-port", "0", "--data-dir", dataDir.toString()));
        command.addAll(serveArgs);
        return start(command, env, log);
    }

    /**
     * Starts the node as a user does, through the launcher ({@code ./shardview serve}) with no JVM options of ours
     * ({@code SHARDVIEW_JAVA_OPTS} unset): the heap and collector are the launcher's defaults.
     */
    public static NodeUnderTest startWithLauncher(Path launcher, Path dataDir) throws Exception {
        return start(
                List.of(
                        "env",
                        "-u",
                        "SHARDVIEW_JAVA_OPTS", // env and the launcher exec: the process is the JVM
                        launcher.toString(),
                        "serve",
                        "--http-port",
                        "0",
                        "--data-dir",
                        dataDir.toString()),
                java.util.Map.of(),
                null);
    }

    private static NodeUnderTest start(List<String> command, java.util.Map<String, String> env, Path log)
            throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectError(
                        log == null ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        Process process = builder.start();
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        // The node prints one line once it serves; JVM options such as a flight recording may print before it.
        String line;
        Matcher m = null;
        while ((line = out.readLine()) != null && !(m = SERVING.matcher(line)).find()) {
            System.err.println("node: " + line);
        }
        if (line == null) throw new IllegalStateException("node exited before serving");
        // Whatever the node prints later goes on to stderr: an unread pipe would stop the node once full.
        Thread drain = new Thread(() -> out.lines().forEach(more -> System.err.println("node: " + more)));
        drain.setDaemon(true);
        drain.start();
        NodeUnderTest node = new NodeUnderTest(process, m.group(1));
        node.awaitReady();
        return node;
    }

    private void awaitReady() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                if (client.send(
                                        HttpRequest.newBuilder(URI.create(url + "/ready"))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200) return;
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("node not ready within 60 s");
    }

    /** The node's process id (for jcmd). */
    long pid() {
        return process.pid();
    }

    /** SIGTERM and wait (long enough for a tenant to finish writing a large snapshot first). */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(120, TimeUnit.SECONDS)) process.destroyForcibly();
    }

    static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
