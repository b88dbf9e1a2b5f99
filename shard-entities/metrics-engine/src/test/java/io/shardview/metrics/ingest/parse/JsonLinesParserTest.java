package io.shardview.metrics.ingest.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class JsonLinesParserTest {
    private static List<String> parse(String body) {
        SampleBatchBuilder out = new SampleBatchBuilder(IngestLimits.ofSamples(1000));
        JsonLinesParser.parse(body, out);
        return BatchRendering.lines(out.build());
    }

    private static IngestException reject(String body) {
        return assertThrows(IngestException.class, () -> parse(body));
    }

    @Test
    void parsesTheVictoriaMetricsImportFormat() {
        assertEquals(
                List.of(
                        "{__name__=\"cpu_usage\",host=\"a\"} 1700000000000 1.5",
                        "{__name__=\"cpu_usage\",host=\"a\"} 1700000010000 2.0",
                        "{__name__=\"up\"} 5 NaN",
                        "{__name__=\"up\"} 6 -Infinity"),
                parse(
                        """
            {"metric":{"__name__":"cpu_usage","host":"a"},"values":[1.5,2],"timestamps":[1700000000000,1700000010000]}

            {"timestamps":[5,6],"values":["NaN","-Inf"],"metric":{"__name__":"up"},"extra":{"x":[1]}}
            """));
    }

    @Test
    void bareNanAndInfinitiesAreValuesAsVictoriaMetricsWritesThem() {
        assertEquals(
                List.of(
                        "{__name__=\"g\",note=\"Inf, NaN [-Inf]\"} 1 NaN",
                        "{__name__=\"g\",note=\"Inf, NaN [-Inf]\"} 2 Infinity",
                        "{__name__=\"g\",note=\"Inf, NaN [-Inf]\"} 3 -Infinity",
                        "{__name__=\"g\",note=\"Inf, NaN [-Inf]\"} 4 Infinity",
                        "{__name__=\"g\",note=\"Inf, NaN [-Inf]\"} 5 -1.5",
                        "{__name__=\"g\",note=\"Inf, NaN [-Inf]\"} 6 -Infinity"),
                parse("{\"metric\":{\"__name__\":\"g\",\"note\":\"Inf, NaN [-Inf]\"},"
                        + "\"values\":[NaN, Inf,-Inf , +Inf,-1.5,-Infinity],\"timestamps\":[1,2,3,4,5,6]}"));
        assertTrue(reject("{\"metric\":{\"__name__\":\"a\"},\"values\":[Infinite],\"timestamps\":[1]}")
                .getMessage()
                .contains("malformed JSON"));
        assertTrue(reject("{\"metric\":{\"__name__\":\"a\"},\"values\":[-NaN],\"timestamps\":[1]}")
                .getMessage()
                .contains("malformed JSON"));
    }

    @Test
    void badLinesAreRejectedWithTheirLineNumber() {
        assertEquals(
                2,
                reject("{\"metric\":{\"__name__\":\"a\"},\"values\":[1],\"timestamps\":[1]}\n{bad json")
                        .details()
                        .get("line"));
        assertTrue(reject("{\"metric\":{\"__name__\":\"a\"},\"values\":[1,2],\"timestamps\":[1]}")
                .getMessage()
                .contains("2 values but 1 timestamps"));
        assertTrue(reject("{\"metric\":{\"host\":\"a\"},\"values\":[1],\"timestamps\":[1]}")
                .getMessage()
                .contains("no metric name"));
        assertTrue(reject("{\"values\":[1],\"timestamps\":[1]}").getMessage().contains("missing \"metric\""));
        assertTrue(reject("{\"metric\":{\"__name__\":\"a\"},\"values\":[\"x\"],\"timestamps\":[1]}")
                .getMessage()
                .contains("invalid value"));
        assertTrue(reject("{\"metric\":{\"__name__\":\"a\"},\"values\":[1],\"timestamps\":[1.5]}")
                .getMessage()
                .contains("integer"));
        assertTrue(reject("{\"metric\":{\"__name__\":\"a\"},\"values\":[1]}")
                .getMessage()
                .contains("missing"));
        assertTrue(reject("{\"metric\":{\"__name__\":1},\"values\":[1],\"timestamps\":[1]}")
                .getMessage()
                .contains("string"));
        assertTrue(reject("[1]").getMessage().contains("object"));
        assertTrue(reject("{\"metric\":{\"__name__\":\"a\"},\"values\":[1],\"timestamps\":[1]} {}")
                .getMessage()
                .contains("after"));
    }
}
