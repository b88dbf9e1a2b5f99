package io.shardview.metrics.ingest.parse;

/**
 * Prometheus text exposition format 0.0.4: {@code name{label="value",...} value [timestamp_ms]}.
 * Comment lines and blank lines carry no sample; {@code # TYPE}, {@code # HELP} and {@code # UNIT} (OpenMetrics)
 * lines give the metadata of their family (a malformed one is ignored, as any comment: it never refuses points).
 * Label values unescape {@code \\}, {@code \"} and {@code \n}; values take NaN and +-Inf; a
 * sample without a timestamp takes {@code now}.
 */
public final class PrometheusTextParser {
    private final LabelSetBuilder labels;
    private final StringBuilder token = new StringBuilder();
    private final SampleBatchBuilder out;
    private final long nowMillis;
    private String line;
    private int pos;

    private PrometheusTextParser(SampleBatchBuilder out, long nowMillis) {
        this.out = out;
        this.nowMillis = nowMillis;
        this.labels = new LabelSetBuilder(out.limits());
    }

    /** {@code TYPE name type}, {@code HELP name text} or {@code UNIT name unit}, after the '#'. */
    private void metadataComment(String comment) {
        String[] parts = comment.strip().split("[ \t]+", 3);
        if (parts.length < 3 || !io.shardview.metrics.ingest.MetricMetadata.isFamilyName(parts[1])) return;
        switch (parts[0]) {
            case "TYPE" -> {
                String type = io.shardview.metrics.ingest.MetricMetadata.type(parts[2].strip());
                if (type != null) out.metadata(parts[1], type, null, null);
            }
            case "HELP" -> out.metadata(parts[1], null, unescapeHelp(parts[2]), null);
            case "UNIT" -> out.metadata(parts[1], null, null, parts[2].strip());
            default -> {}
        }
    }

    /** Help text unescapes a backslash and a newline ({@code \\}, {@code \n}), as the text format writes them. */
    private static String unescapeHelp(String text) {
        if (text.indexOf('\\') < 0) return text;
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char next = text.charAt(++i);
                if (next == 'n') out.append('\n');
                else if (next == '\\') out.append('\\');
                else out.append(c).append(next); // not an escape: kept as written
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Parses the whole UTF-8 body into {@code out}, or throws naming the first bad line. */
    public static void parse(byte[] body, long nowMillis, SampleBatchBuilder out) {
        parse(TextLines.decode(body), nowMillis, out);
    }

    /** Parses the whole body into {@code out}, or throws naming the first bad line. */
    public static void parse(String body, long nowMillis, SampleBatchBuilder out) {
        TextLines.forEach(body, new PrometheusTextParser(out, nowMillis)::parseLine);
    }

    private void parseLine(String text) {
        line = text;
        pos = 0;
        skipBlanks();
        if (pos == line.length()) return;
        if (line.charAt(pos) == '#') {
            metadataComment(line.substring(pos + 1));
            return;
        }

        labels.reset();
        String name = readName(true);
        if (name.isEmpty()) throw new IllegalArgumentException("expected a metric name");
        labels.add(LabelSetBuilder.METRIC_NAME, name);
        int beforeBlanks = pos;
        skipBlanks();
        if (peek() == '{') {
            readLabels();
            beforeBlanks = pos;
            skipBlanks();
        }
        if (pos == beforeBlanks || pos == line.length())
            throw new IllegalArgumentException("expected a value after " + name);
        String valueText = readUntilBlank();
        double value;
        try {
            value = FloatLiteral.parseWithSpecials(valueText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid value " + valueText);
        }
        skipBlanks();
        long timestamp = nowMillis;
        if (pos < line.length()) {
            String ts = readUntilBlank();
            try {
                timestamp = Long.parseLong(ts);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid timestamp " + ts);
            }
            skipBlanks();
            if (pos != line.length()) throw new IllegalArgumentException("unexpected text after the timestamp");
        }
        out.add(out.series(labels.build()), timestamp, value);
    }

    private void readLabels() {
        pos++; // '{'
        while (true) {
            skipBlanks();
            if (peek() == '}') {
                pos++;
                return;
            }
            String name = readName(false);
            if (name.isEmpty()) throw new IllegalArgumentException("expected a label name");
            if (name.equals(LabelSetBuilder.METRIC_NAME))
                throw new IllegalArgumentException("label __name__ is reserved");
            skipBlanks();
            if (peek() != '=') throw new IllegalArgumentException("expected = after label " + name);
            pos++;
            skipBlanks();
            labels.add(name, readQuoted(name));
            skipBlanks();
            if (peek() == ',') {
                pos++;
            } else if (peek() != '}') {
                throw new IllegalArgumentException("expected , or } after label " + name);
            }
        }
    }

    private String readQuoted(String label) {
        if (peek() != '"') throw new IllegalArgumentException("value of label " + label + " must be quoted");
        pos++;
        token.setLength(0);
        while (pos < line.length()) {
            char c = line.charAt(pos++);
            if (c == '"') return token.toString();
            if (c == '\\' && pos < line.length()) {
                char escaped = line.charAt(pos++);
                token.append(
                        switch (escaped) {
                            case 'n' -> '\n';
                            case '\\' -> '\\';
                            case '"' -> '"';
                            default -> throw new IllegalArgumentException(
                                    "invalid escape \\" + escaped + " in label " + label);
                        });
            } else {
                token.append(c);
            }
        }
        throw new IllegalArgumentException("unterminated value of label " + label);
    }

    private String readName(boolean metric) {
        int start = pos;
        while (pos < line.length()) {
            char c = line.charAt(pos);
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (metric && c == ':');
            if (!(letter || (pos > start && c >= '0' && c <= '9'))) break;
            pos++;
        }
        return line.substring(start, pos);
    }

    private String readUntilBlank() {
        int start = pos;
        while (pos < line.length() && line.charAt(pos) != ' ' && line.charAt(pos) != '\t') pos++;
        return line.substring(start, pos);
    }

    private char peek() {
        return pos < line.length() ? line.charAt(pos) : '\n';
    }

    private void skipBlanks() {
        while (pos < line.length() && (line.charAt(pos) == ' ' || line.charAt(pos) == '\t')) pos++;
    }
}
