package io.shardview.metrics.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Prometheus rule files: parsed and checked. */
public final class RuleFiles {
    /** The largest rule file accepted, in bytes of UTF-8 (1 MiB). */
    public static final int MAX_BYTES = 1 << 20;

    // Strings are quoted only where YAML needs it, multi-line expressions are written as literal blocks, and no line is
    // folded: the file reads as one written by hand.
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
            .build();

    private RuleFiles() {}

    /**
     * The groups of one rule file's text, checked as {@code promtool check rules} (Prometheus 2.42) checks it, but for
     * alerts' templates; a {@link RuleFileException} with every error found when it is not a valid rule file.
     */
    public static List<RuleGroup> parse(String yaml) {
        long bytes = utf8Length(yaml);
        if (bytes > MAX_BYTES) {
            throw new RuleFileException(
                    List.of("a rule file may have at most " + MAX_BYTES + " bytes (1 MiB); this one has " + bytes));
        }
        return RuleChecks.checked(RuleFileReader.read(yaml));
    }

    /** The file's YAML for these groups (what GET answers): a round trip of parse gives equal groups. */
    public static String write(List<RuleGroup> groups) {
        List<Map<String, Object>> file = new ArrayList<>();
        for (RuleGroup group : groups) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("name", group.name());
            if (group.intervalMillis() != 0) {
                out.put("interval", formatDuration(group.intervalMillis()));
            }
            if (group.limit() != 0) {
                out.put("limit", group.limit());
            }
            out.put("rules", group.rules().stream().map(RuleFiles::rule).toList());
            file.add(out);
        }
        try {
            return YAML.writeValueAsString(Map.of("groups", file));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // maps of strings and numbers always serialize
        }
    }

    private static Map<String, Object> rule(Rule rule) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (rule instanceof Rule.Alerting alerting) {
            out.put("alert", alerting.name());
            out.put("expr", alerting.exprText());
            if (alerting.forMillis() != 0) {
                out.put("for", formatDuration(alerting.forMillis()));
            }
            if (alerting.keepFiringForMillis() != 0) {
                out.put("keep_firing_for", formatDuration(alerting.keepFiringForMillis()));
            }
        } else {
            out.put("record", rule.name());
            out.put("expr", rule.exprText());
        }
        if (!rule.labels().isEmpty()) {
            out.put("labels", rule.labels());
        }
        if (rule instanceof Rule.Alerting alerting && !alerting.annotations().isEmpty()) {
            out.put("annotations", alerting.annotations());
        }
        return out;
    }

    /**
     * model.Duration's String: the biggest units first ({@code 1h30m}); years and weeks only when they divide the
     * duration, as {@code 90d} reads better than {@code 12w6d}.
     */
    static String formatDuration(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("a rule file's durations are not negative: " + millis + " ms");
        }
        if (millis == 0) {
            return "0s";
        }
        long[] unitMillis = {
            365L * 24 * 3600 * 1000, 7L * 24 * 3600 * 1000, 24L * 3600 * 1000, 3600_000, 60_000, 1000, 1
        };
        String[] units = {"y", "w", "d", "h", "m", "s", "ms"};
        StringBuilder out = new StringBuilder();
        long rest = millis;
        for (int i = 0; i < units.length; i++) {
            boolean exactOnly = i < 2;
            if (exactOnly && rest % unitMillis[i] != 0) {
                continue;
            }
            long count = rest / unitMillis[i];
            if (count > 0) {
                out.append(count).append(units[i]);
                rest -= count * unitMillis[i];
            }
        }
        return out.toString();
    }

    private static long utf8Length(String text) {
        if (text.length() > MAX_BYTES) {
            return (long) text.length(); // at least this many bytes: enough to refuse it
        }
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3; // a surrogate pair is 4
        }
        return bytes;
    }
}
