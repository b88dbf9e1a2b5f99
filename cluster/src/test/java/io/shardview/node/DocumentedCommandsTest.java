package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every {@code ./shardview} command in a shell block of the README and docs/*.md is one the launcher accepts: its
 * subcommand, options and arguments parse as the node's command line parses them (not run: the walkthroughs that run
 * are ReadmeTest's and ThreeNodeClusterTest's). A renamed or mistyped flag in the docs (docs/regions.md had
 * {@code --host}, refused with exit 2) fails here.
 */
class DocumentedCommandsTest {

    @Test
    void everyDocumentedCommandParses() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        List<Path> files = new ArrayList<>(List.of(root.resolve("README.md")));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        int checked = 0;
        for (Path file : files) {
            for (String command : commands(Files.readAllLines(file))) {
                String[] args = command.trim().split("\\s+");
                try {
                    new CommandLine(new Main())
                            .setCaseInsensitiveEnumValuesAllowed(true)
                            .parseArgs(args);
                } catch (CommandLine.ParameterException e) {
                    fail(root.relativize(file) + ": `./shardview " + command.trim() + "`: " + e.getMessage());
                }
                checked++;
            }
        }
        assertTrue(checked >= 20, "found only " + checked + " documented commands");
    }

    /** What follows {@code ./shardview} on each line of a sh or bash block, continuation lines joined, comments cut. */
    private static List<String> commands(List<String> lines) {
        List<String> out = new ArrayList<>();
        boolean fenced = false; // inside a block of shell commands
        boolean inBlock = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.trim().startsWith("```")) {
                inBlock = !inBlock;
                String language = line.trim().substring(3).trim();
                fenced = inBlock && (language.equals("sh") || language.equals("bash") || language.equals("shell"));
                continue;
            }
            int at = line.indexOf("./shardview");
            if (!fenced || at < 0 || (at > 0 && !Character.isWhitespace(line.charAt(at - 1)))) continue;
            StringBuilder command = new StringBuilder(line.substring(at + "./shardview".length()));
            while (command.toString().trim().endsWith("\\") && i + 1 < lines.size()) {
                command.setLength(command.lastIndexOf("\\"));
                command.append(' ').append(lines.get(++i));
            }
            int comment = command.indexOf(" #");
            out.add(comment < 0 ? command.toString() : command.substring(0, comment));
        }
        return out;
    }
}
