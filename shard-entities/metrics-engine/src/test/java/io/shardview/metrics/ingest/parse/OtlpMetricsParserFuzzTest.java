package io.shardview.metrics.ingest.parse;

import static io.shardview.testsupport.ParserContract.assertCleanMessage;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * OTLP bodies: parsed or refused with an IngestException, nothing else, with a message that leaks nothing of the
 * parser. The first input byte picks the encoding of the rest: even, protobuf; odd, JSON.
 */
class OtlpMetricsParserFuzzTest {
    @FuzzTest
    void parsesOrRejectsCleanly(byte[] input) {
        if (input.length == 0) return;
        byte[] rest = Arrays.copyOfRange(input, 1, input.length);
        SampleBatchBuilder out = new SampleBatchBuilder(FuzzLimits.SMALL);
        try {
            if ((input[0] & 1) == 0) OtlpMetricsParser.parseProtobuf(rest, out);
            else OtlpMetricsParser.parseJson(rest, out);
            out.build();
        } catch (IngestException e) {
            assertCleanMessage(e.getMessage(), new String(rest, StandardCharsets.ISO_8859_1));
        }
    }
}
