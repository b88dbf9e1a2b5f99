package io.shardview.metrics.ingest.parse;

/**
 * Prometheus text exposition format 0.0.4: {@code name{label="value",...} value [timestamp_ms]}.
 * Comment lines ({@code # HELP}, {@code # TYPE}, any {@code #}) and blank lines carry no sample.
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
        if (pos == line.length() || line.charAt(pos) == '#') return;

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
