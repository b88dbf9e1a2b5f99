package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every {@code ./shardview ...} command in the shell blocks of docs/*.md and the README is one the launcher's command
 * line takes: its subcommand and options exist and its values parse (picocli parses it as the launcher would, without
 * running it). The README's blocks also run (multi-jvm ReadmeTest); the docs' commands name machines of their own
 * (pg.eu.internal, a cluster), so here they are parsed, which is what an unknown option (`--host` for `--http-host`)
 * fails at.
 */
class DocsCommandsTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Pattern SHELL_BLOCK = Pattern.compile("```(?:sh|bash|shell)\\n(.*?)```", Pattern.DOTALL);

    @Test
    void everyShardviewCommandInTheDocsParses() throws Exception {
        List<Path> files = new ArrayList<>();
        files.add(ROOT.resolve("README.md"));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        int parsed = 0;
        List<String> refused = new ArrayList<>();
        for (Path file : files) {
            for (String command : commands(Files.readString(file))) {
                List<String> args = words(command);
                try {
                    new CommandLine(new Main())
                            .setCaseInsensitiveEnumValuesAllowed(true)
                            .parseArgs(args.toArray(String[]::new));
                    parsed++;
                } catch (CommandLine.ParameterException e) {
                    refused.add(ROOT.relativize(file) + ": ./shardview " + String.join(" ", args) + " -> "
                            + e.getMessage());
                }
            }
        }
        if (!refused.isEmpty()) fail("commands the launcher refuses:\n" + String.join("\n", refused));
        assertTrue(parsed >= 20, "the docs' commands were found: " + parsed);
    }

    @Test
    void aCommandWithAnOptionTheLauncherLacksIsFound() {
        List<String> found = commands(
                "```sh\nSHARDVIEW_REGION=eu \\\n  ./shardview serve --host 0.0.0.0   # listen everywhere\n```\n");
        assertTrue(found.equals(List.of("serve --host 0.0.0.0")), found.toString());
        org.junit.jupiter.api.Assertions.assertThrows(
                CommandLine.UnmatchedArgumentException.class,
                () -> new CommandLine(new Main()).parseArgs(words(found.get(0)).toArray(String[]::new)));
    }

    /** The {@code ./shardview} commands of a markdown text's shell blocks, continuation lines joined. */
    static List<String> commands(String markdown) {
        List<String> commands = new ArrayList<>();
        Matcher block = SHELL_BLOCK.matcher(markdown);
        while (block.find()) {
            String joined = block.group(1).replace("\\\n", " ");
            for (String line : joined.split("\n")) {
                int at = line.indexOf("./shardview ");
                if (at < 0 || line.strip().startsWith("#")) continue;
                String command = line.substring(at + "./shardview ".length());
                command = command.replaceAll("\\s+#.*$", ""); // a trailing comment
                command = command.split("\\s*(\\|\\||&&|;|\\||&)\\s*")[0]; // the command alone, not what follows
                commands.add(command.strip());
            }
        }
        return commands;
    }

    /** Shell words: blanks split, single and double quotes group (no expansion: $VARS stay as written). */
    static List<String> words(String command) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        char quote = 0;
        boolean inWord = false;
        for (char c : command.toCharArray()) {
            if (quote != 0) {
                if (c == quote) quote = 0;
                else word.append(c);
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) words.add(word.toString());
                word.setLength(0);
                inWord = false;
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) words.add(word.toString());
        return words;
    }
}
