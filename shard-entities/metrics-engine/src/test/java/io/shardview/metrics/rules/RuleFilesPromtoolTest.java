package io.shardview.metrics.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RuleFiles against the real {@code promtool check rules} of Prometheus 2.42: each file of the corpus
 * (rules/check/valid-*.yaml and invalid-*.yaml) is accepted by RuleFiles exactly when promtool accepts it.
 */
class RuleFilesPromtoolTest {
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    @TempDir
    Path temp;

    static List<Path> corpus() throws IOException, URISyntaxException {
        return files("/rules/check");
    }

    /** Valid for promtool, but calling functions this server does not evaluate: refused, saying so. */
    static List<Path> unsupported() throws IOException, URISyntaxException {
        return files("/rules/unsupported");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void acceptsAFileExactlyWhenPromtoolDoes(Path file) throws Exception {
        Verdict promtool = promtool(file);
        String ours = ourErrors(Files.readString(file));
        assertEquals(
                promtool.accepted(),
                ours == null,
                () -> file.getFileName() + ": promtool " + promtool.output() + "; RuleFiles: " + ours);
        // The name says what the file is, so that a reader of the corpus need not run promtool.
        assertEquals(file.getFileName().toString().startsWith("valid-"), promtool.accepted(), file::toString);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void whatItWritesPromtoolAcceptsAndItReadsBackEqual(Path file) throws Exception {
        List<RuleGroup> groups;
        try {
            groups = RuleFiles.parse(Files.readString(file));
        } catch (RuleFileException invalid) {
            return;
        }
        String written = RuleFiles.write(groups);
        Path copy = Files.writeString(temp.resolve(file.getFileName()), written);
        Verdict promtool = promtool(copy);
        assertTrue(promtool.accepted(), () -> written + "\n" + promtool.output());
        assertEquals(groups, RuleFiles.parse(written), written);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unsupported")
    void refusesFunctionsItCannotEvaluateThatPromtoolAccepts(Path file) throws Exception {
        assertTrue(promtool(file).accepted());
        String ours = ourErrors(Files.readString(file));
        assertTrue(ours != null && ours.contains("is not supported"), ours);
    }

    @Test
    void theCorpusHasValidAndInvalidFilesOfEveryKind() throws Exception {
        List<String> names =
                corpus().stream().map(f -> f.getFileName().toString()).toList();
        long valid = names.stream().filter(n -> n.startsWith("valid-")).count();
        assertTrue(names.size() >= 40, "corpus of " + names.size());
        assertTrue(valid >= 15 && names.size() - valid >= 25, valid + " valid of " + names.size());
    }

    private static String ourErrors(String yaml) {
        try {
            RuleFiles.parse(yaml);
            return null;
        } catch (RuleFileException e) {
            return e.getMessage();
        }
    }

    private record Verdict(boolean accepted, String output) {}

    private static Verdict promtool(Path file) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(PROMTOOL), "promtool (Prometheus 2.42) is not installed at " + PROMTOOL);
        Process process = new ProcessBuilder(PROMTOOL.toString(), "check", "rules", file.toString())
                .redirectErrorStream(true)
                .start();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
        return new Verdict(process.exitValue() == 0, new String(output, StandardCharsets.UTF_8));
    }

    private static List<Path> files(String resource) throws IOException, URISyntaxException {
        Path dir = Path.of(RuleFilesPromtoolTest.class.getResource(resource).toURI());
        try (Stream<Path> listing = Files.list(dir)) {
            return listing.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }
}
