package io.shardview.metrics.promql.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Public query lists as data: the PromQL compliance tester's queries, and the errors of Prometheus's parser tests. */
class PromqlFixturesTest {
    private static final String SHOULD_FAIL = "should_fail: ";

    /**
     * The compliance list's should_fail queries that Prometheus's parser itself rejects, with its message. The others
     * (label_replace with a bad regex or label name, label_join with a bad label name, duplicate output series) parse:
     * Prometheus rejects them when it evaluates them.
     */
    private static final Map<String, String> REJECTED_BY_THE_PARSER = Map.of(
            "{__name__=~\".*\"}", "1:1: parse error: vector selector must contain at least one non-empty matcher");

    /** Functions of the compliance list outside this server's set; this version of the list has none. */
    private static final Set<String> EXPECTED_UNSUPPORTED = Set.of();

    private static List<String> lines(String resource) throws IOException {
        try (InputStream in = PromqlFixturesTest.class.getResourceAsStream(resource)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        }
    }

    @Test
    void everyComplianceQueryParsesAsPrometheusParsesIt() throws IOException {
        List<String> queries = lines("/promql/compliance-queries.txt");
        assertEquals(539, queries.size(), "the expanded list");
        Set<String> unsupported = new TreeSet<>();
        List<String> failures = new ArrayList<>();
        for (String line : queries) {
            boolean shouldFail = line.startsWith(SHOULD_FAIL);
            String query = shouldFail ? line.substring(SHOULD_FAIL.length()) : line;
            String rejection = REJECTED_BY_THE_PARSER.get(query);
            try {
                Expr expr = PromqlParser.parse(query);
                if (rejection != null) {
                    failures.add(query + " parsed to " + expr);
                }
            } catch (PromqlParseException e) {
                if (!e.getMessage().equals(rejection)) {
                    failures.add(query + ": " + e.getMessage());
                }
            } catch (UnsupportedFunctionException e) {
                assertTrue(query.contains(e.function() + "("), query);
                unsupported.add(e.function());
            }
        }
        assertEquals(List.of(), failures);
        assertEquals(EXPECTED_UNSUPPORTED, unsupported);
    }

    @Test
    void theComplianceListCoversEveryKindOfNode() throws IOException {
        Set<String> kinds = new TreeSet<>();
        for (String line : lines("/promql/compliance-queries.txt")) {
            if (!line.startsWith(SHOULD_FAIL)) {
                collectKinds(PromqlParser.parse(line), kinds);
            }
        }
        assertEquals(
                Set.of(
                        "Aggregate",
                        "Binary",
                        "Call",
                        "MatrixSelector",
                        "NumberLiteral",
                        "Paren",
                        "StringLiteral",
                        "Subquery",
                        "Unary",
                        "VectorSelector"),
                kinds);
    }

    private static void collectKinds(Expr expr, Set<String> kinds) {
        kinds.add(expr.getClass().getSimpleName());
        if (expr instanceof Expr.Aggregate a) {
            collectKinds(a.expr(), kinds);
            if (a.param() != null) {
                collectKinds(a.param(), kinds);
            }
        } else if (expr instanceof Expr.Binary b) {
            collectKinds(b.lhs(), kinds);
            collectKinds(b.rhs(), kinds);
        } else if (expr instanceof Expr.Call c) {
            c.args().forEach(arg -> collectKinds(arg, kinds));
        } else if (expr instanceof Expr.MatrixSelector m) {
            collectKinds(m.selector(), kinds);
        } else if (expr instanceof Expr.Subquery s) {
            collectKinds(s.expr(), kinds);
        } else if (expr instanceof Expr.Paren p) {
            collectKinds(p.expr(), kinds);
        } else if (expr instanceof Expr.Unary u) {
            collectKinds(u.expr(), kinds);
        }
    }

    static Stream<Arguments> prometheusParseErrors() throws IOException {
        return lines("/promql/parse-errors.txt").stream().map(line -> {
            String[] parts = line.split("\t", 2);
            return Arguments.of(parts[0], parts[1]);
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("prometheusParseErrors")
    void queriesPrometheusRejectsFailWithItsMessage(String query, String expected) {
        PromqlParseException e = assertThrows(PromqlParseException.class, () -> PromqlParser.parse(query));
        if (expected.matches("\\d+:\\d+: parse error: .*")) {
            // Prometheus's own test also checks these as a part of the message: position and the start of the text.
            assertTrue(
                    e.getMessage().startsWith(expected), () -> "expected \"" + expected + "\", got " + e.getMessage());
        } else {
            assertTrue(e.getMessage().contains(expected), () -> "expected \"" + expected + "\" in " + e.getMessage());
        }
    }
}
