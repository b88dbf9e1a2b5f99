package io.shardview.metrics.ingest.parse;

import static io.shardview.testsupport.ParserContract.allocatedBytes;
import static io.shardview.testsupport.ParserContract.assertAllocationBounded;
import static io.shardview.testsupport.ParserContract.assertCleanMessage;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/** VictoriaMetrics JSON lines: parsed or refused with an IngestException naming the line, nothing else. */
class JsonLinesParserFuzzTest {
    @FuzzTest
    void parsesOrRejectsCleanly(byte[] body) {
        // Measured on a second run: the first loads classes and fills caches.
        for (int run = 0; run < 2; run++) {
            long before = allocatedBytes();
            long allocated; // by the parse alone, not by the checks of its outcome
            try {
                SampleBatchBuilder out = new SampleBatchBuilder(FuzzLimits.SMALL);
                JsonLinesParser.parse(body, out);
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
