package io.shardview.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarFile;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged node's class path is complete: every jar its manifest names is shipped in lib/, and
 * every class our own modules reference is found on that class path (JDK's jdeps, as the JVM would
 * resolve it). A dependency a module needs at run time but that only reached a test class path
 * (a test-scoped declaration in the app module wins over a module's compile dependency) fails here,
 * at build time, instead of stopping the node at the first request that loads it.
 */
class PackagedClasspathTest {
    private static final Path TARGET = NodeProcess.ROOT.resolve("cluster/target");
    private static final Path JAR = TARGET.resolve("shardview.jar");
    /** Our modules: their classes must resolve; third-party jars may have optional dependencies missing. */
    private static final List<String> OUR_MODULES =
            List.of("circuit-engine", "metrics-engine", "entities", "persistence", "http-api");

    @BeforeAll
    static void packaged() throws Exception {
        // The launcher builds the jar when it is missing or stale; --version runs nothing else.
        Process launcher = new ProcessBuilder(
                        NodeProcess.ROOT.resolve("shardview").toString(), "--version")
                .redirectErrorStream(true)
                .start();
        String output = new String(launcher.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, launcher.waitFor(), output);
    }

    @Test
    void everyJarTheManifestNamesIsShipped() throws IOException {
        List<Path> missing =
                classPath().stream().filter(jar -> !Files.isRegularFile(jar)).toList();
        assertEquals(List.of(), missing, "manifest Class-Path entries absent from " + TARGET.resolve("lib"));
    }

    @Test
    void everyClassOurModulesReferenceIsOnThePackagedClassPath() throws IOException {
        List<Path> classPath = classPath();
        List<String> args = new ArrayList<>(List.of(
                "--missing-deps",
                "--multi-release",
                "17",
                "--class-path",
                String.join(":", classPath.stream().map(Path::toString).toList()),
                JAR.toString()));
        for (String module : OUR_MODULES) {
            Path jar = classPath.stream()
                    .filter(p -> p.getFileName().toString().startsWith(module + "-"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("module " + module + " is not on the manifest Class-Path"));
            args.add(jar.toString());
        }
        ToolProvider jdeps =
                ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError("no jdeps in this JDK"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = jdeps.run(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                args.toArray(String[]::new));
        String report = out.toString(StandardCharsets.UTF_8).strip();
        assertEquals(0, exit, "jdeps failed: " + err.toString(StandardCharsets.UTF_8));
        assertTrue(report.isEmpty(), "classes our modules use are missing from the packaged node:\n" + report);
    }

    /** The manifest's Class-Path, resolved against the jar's directory. */
    private static List<Path> classPath() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            String entries = jar.getManifest().getMainAttributes().getValue("Class-Path");
            assertTrue(entries != null && !entries.isBlank(), "the jar's manifest has no Class-Path");
            return Arrays.stream(entries.trim().split("\\s+"))
                    .map(TARGET::resolve)
                    .toList();
        }
    }
}
