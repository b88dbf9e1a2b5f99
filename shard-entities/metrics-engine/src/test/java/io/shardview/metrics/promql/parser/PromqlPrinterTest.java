package io.shardview.metrics.promql.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Printing a parsed query gives text that parses to the same tree: what a shard reads is what the node planned. */
class PromqlPrinterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Edge cases the public lists may lack: every modifier, sign, number form, quoting and grouping clause. */
    private static final List<String> EDGES = List.of(
            "x offset -5m",
            "x offset 90s @ 1700000000.123",
            "x @ -5",
            "x @ start() offset 1h",
            "rate(x[5m] offset 1d @ end())",
            "rate(x[1m30s500ms])",
            "max_over_time(rate(x[5m])[1h:])",
            "max_over_time(rate(x[5m])[1h:5m] offset 10m @ 1700000000)",
            "sum by (job, le) (rate(x[5m]))",
            "sum without () (x)",
            "sum by () (x)",
            "topk(3, x)",
            "quantile without (a) (0.99, x)",
            "count_values(\"value\", x)",
            "a + on (b) group_left (c) d",
            "a / ignoring (b) group_right d",
            "a > bool on () d",
            "a and on (x) b or c unless ignoring (y) d",
            "-x ^ 2",
            "x ^ -y",
            "-(1) * +x",
            "--x",
            "- - 1",
            "1 - -1",
            "2 ^ 3 ^ 2",
            "(2 ^ 3) ^ 2",
            "1e-7 + 1.5e300 + 0x1f + 123456789012345678 + 0.1 + -0.0",
            "NaN + -Inf + Inf",
            "x{a=`back\\slash`, b=\"quote\\\"\", c=\"tick`\", d=\"new\\nline\", e=~\"a\\\\.b|c\", f!~\"\"}",
            "{__name__=~\"x.*\", job=\"a\"}",
            "sum{job=\"a\"}",
            "by{job=\"a\"} + on",
            "x{__name__=\"x\"}",
            "label_replace(x, \"dst\", \"$1\", \"src\", \"(.*)\")",
            "time() - timestamp(x) > bool 5",
            "\"a string\"",
            "vector(1) atan2 vector(2)",
            "absent_over_time(nonexistent{job=\"x\"}[5m])");

    @Test
    void everyEdgeCaseReadsBackAsTheSameTree() {
        assertRoundTrips(EDGES);
    }

    @Test
    void everyQueryOfTheComplianceListReadsBackAsTheSameTree() throws IOException {
        List<String> queries = new ArrayList<>();
        for (String line : resourceLines("/promql/compliance-queries.txt")) {
            queries.add(line.startsWith("should_fail: ") ? line.substring("should_fail: ".length()) : line);
        }
        assertTrue(queries.size() > 500, "the expanded list");
        assertRoundTrips(queries);
    }

    @Test
    void everyQueryRecordedFromARealPrometheusReadsBackAsTheSameTree() throws IOException {
        List<String> queries = new ArrayList<>();
        for (String line : resourceLines("/promql/golden/cases.jsonl")) {
            queries.add(JSON.readTree(line).get("query").asText());
        }
        assertTrue(queries.size() > 100, "the golden cases");
        assertRoundTrips(queries);
    }

    @Test
    void durationsAndNumbersAreWrittenInTheirShortestExactForm() {
        assertEquals("5m", PromqlPrinter.duration(300_000));
        assertEquals("90s", PromqlPrinter.duration(90_000));
        assertEquals("1500ms", PromqlPrinter.duration(1_500));
        assertEquals("2d", PromqlPrinter.duration(172_800_000));
        assertEquals("42", PromqlPrinter.number(42));
        assertEquals("0.1", PromqlPrinter.number(0.1));
        assertEquals("1.0e-7", PromqlPrinter.number(1e-7));
        assertEquals("-Inf", PromqlPrinter.number(Double.NEGATIVE_INFINITY));
    }

    /** Each query that parses prints to text that parses to an equal tree; those that do not parse are skipped. */
    private static void assertRoundTrips(List<String> queries) {
        List<String> failures = new ArrayList<>();
        int parsed = 0;
        for (String query : queries) {
            Expr expr;
            try {
                expr = PromqlParser.parse(query);
            } catch (PromqlParseException | UnsupportedFunctionException notAQuery) {
                continue;
            }
            parsed++;
            String printed = PromqlPrinter.print(expr);
            try {
                Expr again = PromqlParser.parse(printed);
                if (!again.equals(expr)) failures.add(query + " printed as " + printed + " read back differently");
            } catch (RuntimeException e) {
                failures.add(query + " printed as " + printed + ": " + e.getMessage());
            }
        }
        assertTrue(parsed > 0, "some queries parsed");
        assertEquals(List.of(), failures);
    }

    private static List<String> resourceLines(String resource) throws IOException {
        try (InputStream in = PromqlPrinterTest.class.getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#"))
                    .toList();
        }
    }
}
