package io.shardview.metrics.ingest.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.metrics.ingest.SampleBatch;
import io.shardview.metrics.ingest.parse.LineProtocolParser.Precision;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LineProtocolParserTest {
    private static final long NOW = 1_700_000_000_123L;

    private static List<String> parse(String body, Precision precision) {
        SampleBatchBuilder out = new SampleBatchBuilder(IngestLimits.ofSamples(1000));
        LineProtocolParser.parse(body, precision, NOW, out);
        return BatchRendering.lines(out.build());
    }

    private static IngestException reject(String body) {
        return assertThrows(IngestException.class, () -> parse(body, Precision.NS));
    }

    @Test
    void eachFieldBecomesMetricMeasurementUnderscoreFieldWithTagsAsLabels() {
        assertEquals(
                List.of(
                        "{__name__=\"cpu_usage_user\",host=\"a\",region=\"eu\"} 1700000000000 12.5",
                        "{__name__=\"cpu_usage_idle\",host=\"a\",region=\"eu\"} 1700000000000 80.0"),
                parse("cpu,region=eu,host=a usage_user=12.5,usage_idle=80 1700000000000000000", Precision.NS));
    }

    @Test
    void timestampsConvertFromEachPrecisionToMillisecondsRoundingDown() {
        assertEquals(
                "{__name__=\"m_f\"} 1700000000123 1.0",
                parse("m f=1 1700000000123456789", Precision.NS).get(0));
        assertEquals(
                "{__name__=\"m_f\"} 1700000000123 1.0",
                parse("m f=1 1700000000123456", Precision.US).get(0));
        assertEquals(
                "{__name__=\"m_f\"} 1700000000123 1.0",
                parse("m f=1 1700000000123", Precision.MS).get(0));
        assertEquals(
                "{__name__=\"m_f\"} 1700000000000 1.0",
                parse("m f=1 1700000000", Precision.S).get(0));
        assertEquals(
                "{__name__=\"m_f\"} -1 1.0", parse("m f=1 -1", Precision.NS).get(0));
        assertEquals(Precision.US, Precision.parse("u"));
    }

    @Test
    void lineWithoutTimestampTakesNow() {
        assertEquals(List.of("{__name__=\"m_f\"} " + NOW + " 2.0"), parse("m f=2", Precision.NS));
    }

    @Test
    void integersUnsignedAndBooleansAreSamplesAndStringFieldsAreSkipped() {
        assertEquals(
                List.of(
                        "{__name__=\"m_i\"} 1000 -42.0",
                        "{__name__=\"m_u\"} 1000 1.8446744073709552E19",
                        "{__name__=\"m_b\"} 1000 1.0",
                        "{__name__=\"m_c\"} 1000 0.0"),
                parse("m i=-42i,u=18446744073709551615u,s=\"a, b=c \\\" d\",b=true,c=F 1000", Precision.MS));
    }

    @Test
    void backslashEscapesCommasSpacesAndEqualsInNamesAndTags() {
        assertEquals(
                List.of("{__name__=\"my cpu,x_a=b\",host=\"web 1,eu\",k=v=\"x\"} 5 1.0"),
                parse("my\\ cpu\\,x,host=web\\ 1\\,eu,k\\=v=x a\\=b=1 5", Precision.MS));
    }

    @Test
    void commentsAndBlankLinesCarryNoSample() {
        assertEquals(
                2,
                parse("# a comment\n\nm f=1 1\r\n   \nm f=2 2\n", Precision.MS).size());
    }

    @Test
    void aLineWithOnlyStringFieldsIsNotAnError() {
        assertEquals(List.of(), parse("m s=\"hello\" 1", Precision.MS));
    }

    @Test
    void badLinesAreRejectedWithTheirLineNumber() {
        assertEquals(3, reject("m f=1 1\nm f=2 2\nm f=bad 3").details().get("line"));
        assertEquals(IngestException.Kind.MALFORMED, reject("m f=bad 3").kind());
        assertTrue(reject("m").getMessage().startsWith("line 1: missing fields"));
        assertTrue(reject("m f=1 1 extra").getMessage().contains("after the timestamp"));
        assertTrue(reject("m f=1 12x").getMessage().contains("bad timestamp"));
        assertTrue(reject("m f=NaN").getMessage().contains("invalid value"));
        assertTrue(reject("m f=0x10").getMessage().contains("invalid value"));
        assertTrue(reject("m f=1.5f").getMessage().contains("invalid value"));
        assertTrue(reject("m f=\"open").getMessage().contains("unterminated"));
        assertTrue(reject("m,host f=1").getMessage().contains("no value"));
        assertTrue(reject("m,h=a,h=b f=1").getMessage().contains("twice"));
        assertTrue(reject("m,__name__=x f=1").getMessage().contains("reserved"));
        assertTrue(reject("m f=").getMessage().contains("no value"));
        assertTrue(reject(",h=a f=1").getMessage().contains("missing measurement"));
        assertTrue(reject("m f=1 99999999999999999999").getMessage().contains("bad timestamp"));
    }

    @Test
    void secondsTimestampsThatOverflowMillisecondsAreRejected() {
        IngestException e = assertThrows(IngestException.class, () -> parse("m f=1 9223372036854775807", Precision.S));
        assertTrue(e.getMessage().contains("bad timestamp"), e.getMessage());
    }

    @Test
    void unknownPrecisionIsRejected() {
        IngestException e = assertThrows(IngestException.class, () -> Precision.parse("h"));
        assertEquals(IngestException.Kind.INVALID_PARAMETER, e.kind());
        assertEquals(Map.of("parameter", "precision"), e.details());
    }

    @Test
    void sameSeriesAcrossLinesIsOneSeries() {
        SampleBatchBuilder out = new SampleBatchBuilder(IngestLimits.ofSamples(100));
        LineProtocolParser.parse("m,h=a f=1 1\nm,h=a f=2 2\nm,h=b f=3 3", Precision.MS, NOW, out);
        SampleBatch batch = out.build();
        assertEquals(2, batch.seriesCount());
        assertEquals(batch.seriesOf(0), batch.seriesOf(1));
    }

    @Test
    void moreSamplesThanTheLimitRejectTheRequest() {
        SampleBatchBuilder out = new SampleBatchBuilder(IngestLimits.ofSamples(2));
        IngestException e = assertThrows(
                IngestException.class, () -> LineProtocolParser.parse("m a=1,b=2,c=3 1", Precision.MS, NOW, out));
        assertEquals("max-samples-per-request", e.details().get("limit"));
        assertEquals(IngestException.Kind.TOO_MANY_SAMPLES, e.kind());
    }

    @Test
    void moreSeriesThanTheLimitRejectTheRequestWithoutALine() {
        SampleBatchBuilder out = new SampleBatchBuilder(new IngestLimits(100, 1, 100, 100, 100));
        IngestException e = assertThrows(
                IngestException.class, () -> LineProtocolParser.parse("m f=1 1\nn f=1 1", Precision.MS, NOW, out));
        assertEquals(IngestException.Kind.TOO_MANY_SERIES, e.kind());
        assertEquals(Map.of("limit", "max-series-per-request", "max", 1L), e.details());
    }

    @Test
    void aSeriesOverAPerSeriesLimitIsRejectedAtItsLine() {
        SampleBatchBuilder out = new SampleBatchBuilder(new IngestLimits(100, 100, 2, 100, 100));
        IngestException e = assertThrows(
                IngestException.class,
                () -> LineProtocolParser.parse("m,a=1 f=1 1\nm,a=1,b=2 f=1 1", Precision.MS, NOW, out));
        assertEquals(IngestException.Kind.SERIES_LIMIT, e.kind());
        assertEquals(Map.of("line", 2, "limit", "max-labels-per-series", "max", 2L), e.details());
        assertTrue(e.getMessage().startsWith("line 2: the series has more than 2 labels"), e.getMessage());
    }

    @Test
    void linesRepeatingASeriesKeyShareItsSeriesAndMayAddFields() {
        SampleBatchBuilder out = new SampleBatchBuilder(IngestLimits.ofSamples(100));
        LineProtocolParser.parse(
                "cpu,h=a,r=x u=1,s=2 1\ncpu,h=a,r=x s=3,i=4 2\ncpu,r=x,h=a u=5 3\n"
                        + "my\\ m,h=a\\ b f=1 1\nmy\\ m,h=a\\ b f=2 2",
                Precision.MS,
                NOW,
                out);
        SampleBatch batch = out.build();
        assertEquals(
                List.of(
                        "{__name__=\"cpu_u\",h=\"a\",r=\"x\"} 1 1.0",
                        "{__name__=\"cpu_s\",h=\"a\",r=\"x\"} 1 2.0",
                        "{__name__=\"cpu_s\",h=\"a\",r=\"x\"} 2 3.0",
                        "{__name__=\"cpu_i\",h=\"a\",r=\"x\"} 2 4.0",
                        "{__name__=\"cpu_u\",h=\"a\",r=\"x\"} 3 5.0",
                        "{__name__=\"my m_f\",h=\"a b\"} 1 1.0",
                        "{__name__=\"my m_f\",h=\"a b\"} 2 2.0"),
                BatchRendering.lines(batch));
        assertEquals(4, batch.seriesCount());
        assertEquals(batch.seriesOf(0), batch.seriesOf(4)); // tags in another order: the same series
        assertEquals(batch.seriesOf(5), batch.seriesOf(6));
    }

    @Test
    void aRepeatedSeriesKeyIsStillCheckedForFields() {
        assertTrue(reject("m,h=a f=1 1\nm,h=a").getMessage().startsWith("line 2: missing fields"));
        assertTrue(reject("m,h=a f=1 1\nm,h=a f=x 2").getMessage().startsWith("line 2: field f has an invalid value"));
    }

    @Test
    void manySeriesKeysEachRepeatedKeepTheirOwnSeries() {
        StringBuilder body = new StringBuilder();
        for (int round = 0; round < 2; round++) {
            for (int h = 0; h < 500; h++)
                body.append("m,h=")
                        .append(h)
                        .append(" f=")
                        .append(h)
                        .append(' ')
                        .append(round)
                        .append('\n');
        }
        SampleBatchBuilder out = new SampleBatchBuilder(IngestLimits.ofSamples(10_000));
        LineProtocolParser.parse(body.toString(), Precision.MS, NOW, out);
        SampleBatch batch = out.build();
        assertEquals(500, batch.seriesCount());
        for (int h = 0; h < 500; h++) {
            assertEquals(batch.seriesOf(h), batch.seriesOf(500 + h));
            assertEquals(
                    List.of("__name__", "m_f", "h", Integer.toString(h)), List.of(batch.labels(batch.seriesOf(h))));
        }
    }

    @Test
    void utf8NamesAndValuesAndEscapedFieldNamesSurviveRepetition() {
        assertEquals(
                List.of(
                        "{__name__=\"température_a=b\",hôte=\"café\"} 1 1.5",
                        "{__name__=\"température_a=b\",hôte=\"café\"} 2 2.5",
                        "{__name__=\"température_ü\",hôte=\"café\"} 2 3.0"),
                parse("température,hôte=café a\\=b=1.5 1\ntempérature,hôte=café a\\=b=2.5,ü=3 2", Precision.MS));
    }

    @Test
    void keysAndFieldsMetInAnotherOrderThanBeforeKeepTheirSeries() {
        // The parser first tries the key that followed the previous line's key last time and the field
        // name met at the same place before; a prefix of the right key or name must not pass for it.
        assertEquals(
                List.of(
                        "{__name__=\"m_f\",h=\"a\"} 1 1.0",
                        "{__name__=\"m_g\",h=\"a\"} 1 2.0",
                        "{__name__=\"m_f\",h=\"ab\"} 1 3.0",
                        "{__name__=\"m_f\",h=\"a\"} 2 4.0",
                        "{__name__=\"m_f\",h=\"a\"} 2 5.0",
                        "{__name__=\"m_ff\",h=\"a\"} 2 6.0",
                        "{__name__=\"m_f\",h=\"ab\"} 2 7.0",
                        "{__name__=\"m_g\",h=\"a\"} 2 8.0",
                        "{__name__=\"m_f\",h=\"a\"} 2 9.0",
                        "{__name__=\"m_g\",h=\"ab\"} 3 10.0",
                        "{__name__=\"m_f\",h=\"a\"} 3 11.0"),
                parse(
                        "m,h=a f=1,g=2 1\nm,h=ab f=3 1\nm,h=a f=4 2\nm,h=a f=5,ff=6 2\nm,h=ab f=7 2\nm,h=a g=8,f=9 2\n"
                                + "m,h=ab g=10 3\nm,h=a f=11 3",
                        Precision.MS));
    }

    @Test
    void keysWithManyFieldsInAnyOrderKeepOneSeriesPerField() {
        StringBuilder body = new StringBuilder();
        for (int line = 0; line < 3; line++) {
            StringBuilder fields = new StringBuilder();
            for (int f = 0; f < 40; f++) {
                int field = line == 1 ? 39 - f : f; // the second line lists them backwards
                fields.append(f == 0 ? "" : ",")
                        .append("f")
                        .append(field)
                        .append('=')
                        .append(line * 100 + field);
            }
            body.append("m,h=a ").append(fields).append(' ').append(line + 1).append('\n');
        }
        SampleBatchBuilder out = new SampleBatchBuilder(IngestLimits.ofSamples(1000));
        LineProtocolParser.parse(body.toString(), Precision.MS, NOW, out);
        SampleBatch batch = out.build();
        assertEquals(40, batch.seriesCount());
        assertEquals(120, batch.size());
        for (int i = 0; i < batch.size(); i++) {
            String name = batch.labels(batch.seriesOf(i))[1]; // m_f<k>
            assertEquals(
                    (batch.timestamp(i) - 1) * 100 + Integer.parseInt(name.substring(3)), batch.value(i), 0.0, name);
        }
    }
}
