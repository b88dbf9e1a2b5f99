package io.shardview.node.journal;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardview.http.Json;
import io.shardview.node.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Runs {@code shardview journal ...} in this process, through the node's command line, and keeps what it printed. */
public final class JournalCli {
    private JournalCli() {}

    /** What a tool printed and its exit code. */
    public record Run(int exit, String out, String err) {
        public JsonNode json() throws Exception {
            return Json.MAPPER.readTree(out);
        }

        List<JsonNode> lines() throws Exception {
            List<JsonNode> lines = new ArrayList<>();
            for (String line : out.split("\n")) if (!line.isBlank()) lines.add(Json.MAPPER.readTree(line));
            return lines;
        }
    }

    /** {@code shardview journal} with {@code args}. */
    public static Run journal(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new Main());
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("journal"));
        all.addAll(List.of(args));
        int exit = command.execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }
}
