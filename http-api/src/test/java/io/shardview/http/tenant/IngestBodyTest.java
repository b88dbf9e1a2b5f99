package io.shardview.http.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.entity.tenant.TenantProtocol.IngestOp;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The NDJSON ingest body: one op per line, each checked for shape, with the line of the first bad one. */
class IngestBodyTest {
    static final TenantBodyLimits LIMITS = new TenantBodyLimits(1 << 20, 32, 1 << 20);

    @Test
    void readsOneOpPerLineSkippingBlankLinesWithEitherLineBreak() throws Exception {
        IngestBody body = IngestBody.fromNdjson(
                "{\"op\":\"insert\",\"table\":\"t\",\"row\":{\"id\":1,\"s\":\"a\"}}\r\n\n   \n"
                        + "{\"op\":\"delete\",\"table\":\"t\",\"key\":{\"id\":1}}\n",
                " b-7 ",
                10,
                LIMITS);
        assertEquals("b-7", body.batchId());
        assertEquals(2, body.ops().size());
        IngestOp insert = body.ops().get(0);
        assertEquals(IngestOp.Kind.INSERT, insert.op());
        assertEquals("t", insert.table());
        assertEquals(List.of("id", "s"), List.copyOf(insert.row().keySet()));
        assertEquals(1L, insert.row().get("id"));
        assertNull(insert.key());
        assertEquals(Map.of("id", 1L), body.ops().get(1).key());
        assertNull(IngestBody.fromNdjson("", "  ", 10, LIMITS).batchId());
        assertEquals(0, IngestBody.fromNdjson("\n\n", null, 10, LIMITS).ops().size());
    }

    @Test
    void numbersKeepTheirExactValueAndScalarsTheirType() throws Exception {
        IngestOp op = IngestBody.fromNdjson(
                        "{\"op\":\"upsert\",\"table\":\"t\",\"row\":{\"a\":12,\"b\":1.50,\"c\":1e400,"
                                + "\"d\":99999999999999999999,\"e\":true,\"f\":null,\"g\":\"x\",\"h\":-0.0,\"a\":13}}",
                        null,
                        10,
                        LIMITS)
                .ops()
                .get(0);
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("a", 13L); // a repeated name keeps the last value
        expected.put("b", new BigDecimal("1.50")); // the scale as written, as in a PostgreSQL literal
        expected.put("c", new BigDecimal("1e400"));
        expected.put("d", new BigDecimal("99999999999999999999"));
        expected.put("e", true);
        expected.put("f", null);
        expected.put("g", "x");
        expected.put("h", new BigDecimal("0.0")); // numeric has no negative zero
        assertEquals(expected, op.row());
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(op.row().keySet()));
    }

    @Test
    void eachBadLineIsNamedWithItsIndexAndLine() {
        String ok = "{\"op\":\"insert\",\"table\":\"t\",\"row\":{\"id\":1}}";
        record Case(String line, String message) {}
        List<Case> cases = Arrays.asList(
                new Case("{not json", "line 3: malformed JSON"),
                new Case(ok + " " + ok, "line 3: malformed JSON"),
                new Case("{\"op\":\"insert\",", "line 3: malformed JSON"),
                new Case("[1, 2]", "op 1 must be a JSON object"),
                new Case("null", "op 1 must be a JSON object"),
                new Case("7", "op 1 must be a JSON object"),
                new Case("{\"table\":\"t\",\"row\":{}}", "op 1: \"op\" must be a string"),
                new Case("{\"op\":1,\"table\":\"t\",\"row\":{}}", "op 1: \"op\" must be a string"),
                new Case("{\"op\":\"insert\",\"row\":{}}", "op 1: \"table\" must be a string"),
                new Case("{\"op\":\"merge\",\"table\":\"t\",\"row\":{}}", "op 1: unknown op 'merge'"),
                new Case("{\"op\":\"insert\",\"table\":\"t\",\"row\":5}", "op 1: \"row\" must be an object"),
                new Case(
                        "{\"op\":\"insert\",\"table\":\"t\",\"row\":{\"a\":{\"x\":1}}}",
                        "op 1: column a has a nested value"),
                new Case(
                        "{\"op\":\"insert\",\"table\":\"t\",\"row\":{\"a\":[1]}}", "op 1: column a has a nested value"),
                new Case("{\"op\":\"delete\",\"table\":\"t\",\"key\":[]}", "op 1: \"key\" must be an object"),
                new Case("{\"op\":\"insert\",\"table\":\"t\"}", "op 1: insert needs a \"row\""),
                new Case("{\"op\":\"delete\",\"table\":\"t\"}", "op 1: delete needs a \"key\""),
                // the checks run in this order whatever the order of the fields
                new Case("{\"row\":{\"a\":{}},\"table\":7,\"op\":\"insert\"}", "op 1: \"table\" must be a string"));
        for (Case c : cases) {
            IngestBody.Invalid invalid = assertThrows(
                    IngestBody.Invalid.class,
                    () -> IngestBody.fromNdjson(ok + "\n\n" + c.line() + "\n" + ok, null, 10, LIMITS),
                    c.line());
            assertTrue(invalid.error.message().startsWith(c.message()), c.line() + " -> " + invalid.error.message());
            assertEquals(1, invalid.error.details().get("index"), c.line());
            if (c.message().startsWith("line"))
                assertEquals(3, invalid.error.details().get("line"), c.line());
        }
    }

    @Test
    void anOpSpanningTwoLinesIsMalformed() {
        IngestBody.Invalid invalid = assertThrows(
                IngestBody.Invalid.class,
                () -> IngestBody.fromNdjson("{\"op\":\"insert\",\n\"table\":\"t\",\"row\":{}}", null, 10, LIMITS));
        assertTrue(invalid.error.message().startsWith("line 1: malformed JSON"), invalid.error.message());
    }

    @Test
    void tooManyOpsIsRefusedBeforeTheRestIsRead() {
        String ok = "{\"op\":\"insert\",\"table\":\"t\",\"row\":{\"id\":1}}\n";
        IngestBody.Invalid invalid = assertThrows(
                IngestBody.Invalid.class, () -> IngestBody.fromNdjson(ok.repeat(3) + "{garbage", null, 2, LIMITS));
        assertEquals("too_many_ops", invalid.error.code());
    }
}
