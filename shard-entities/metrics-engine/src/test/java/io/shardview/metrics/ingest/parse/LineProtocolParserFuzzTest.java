package io.shardview.metrics.ingest.parse;

import static io.shardview.testsupport.ParserContract.allocatedBytes;
import static io.shardview.testsupport.ParserContract.assertAllocationBounded;
import static io.shardview.testsupport.ParserContract.assertCleanMessage;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Influx line protocol: parsed or refused with an IngestException naming the line, nothing else. The
 * first byte picks the precision (the query parameter), the rest is the body.
 */
class LineProtocolParserFuzzTest {
    private static final LineProtocolParser.Precision[] PRECISIONS = LineProtocolParser.Precision.values();

    @FuzzTest
    void parsesOrRejectsCleanly(byte[] input) {
        if (input.length == 0) return;
        LineProtocolParser.Precision precision = PRECISIONS[(input[0] & 0xff) % PRECISIONS.length];
        byte[] body = java.util.Arrays.copyOfRange(input, 1, input.length);
        // Measured on a second run: the first loads classes and fills caches.
        for (int run = 0; run < 2; run++) {
            long before = allocatedBytes();
            long allocated; // by the parse alone, not by the checks of its outcome
            try {
                SampleBatchBuilder out = new SampleBatchBuilder(FuzzLimits.SMALL);
                LineProtocolParser.parse(body, precision, 1_700_000_000_000L, out);
                allocated = allocatedBytes() - before;
                FuzzLimits.assertWithin(out, body);
            } catch (IngestException e) {
                allocated = allocatedBytes() - before;
                assertCleanMessage(e.getMessage(), new String(body, StandardCharsets.UTF_8));
            }
            if (run == 1) assertAllocationBounded(allocated, body.length, 16 << 20, 64);
        }
    }
}
