package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the README's tenant walkthrough as written, against a fresh node, and checks its output. */
class ReadmeWalkthroughTest {
  private static final Path README = Path.of("..", "README.md");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dataDir;

  @Test
  void theReadmeWalkthroughPrintsWhatTheReadmeSays() throws Exception {
    String readme = Files.readString(README);
    String commands = block(readme, "<!-- walkthrough:commands -->");
    List<String> expected = lines(block(readme, "<!-- walkthrough:output -->"));

    ShardviewNode node = TenantNodes.start(dataDir, Map.of());
    try {
      ProcessBuilder bash = new ProcessBuilder("bash", "-c", commands).redirectErrorStream(true);
      bash.environment().put("SHARDVIEW", node.url());
      Process process = bash.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor(30, TimeUnit.SECONDS);
      List<String> actual = lines(output);
      assertEquals(expected.size(), actual.size(), "output:\n" + output);
      for (int i = 0; i < expected.size(); i++) assertSameLine(expected.get(i), actual.get(i));
    } finally {
      node.stop();
    }
  }

  private static void assertSameLine(String expected, String actual) throws Exception {
    String prefix = expected.startsWith("data: ") ? "data: " : "";
    if (expected.substring(prefix.length()).startsWith("{")) {
      assertEquals(prefix, actual.substring(0, prefix.length()), actual);
      assertEquals(JSON.readTree(expected.substring(prefix.length())), JSON.readTree(actual.substring(prefix.length())));
    } else {
      assertEquals(expected, actual);
    }
  }

  /** The fenced block that follows {@code marker}. */
  private static String block(String text, String marker) {
    int at = text.indexOf(marker);
    if (at < 0) throw new AssertionError("README lacks " + marker);
    int open = text.indexOf("```", at);
    int start = text.indexOf('\n', open) + 1;
    int end = text.indexOf("```", start);
    return text.substring(start, end);
  }

  private static List<String> lines(String text) {
    return Arrays.stream(text.split("\n")).map(String::strip).filter(line -> !line.isEmpty()).toList();
  }
}
