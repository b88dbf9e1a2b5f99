package io.shardview.http.tenant;

import static io.shardview.testsupport.ParserContract.allocatedBytes;
import static io.shardview.testsupport.ParserContract.assertAllocationBounded;
import static io.shardview.testsupport.ParserContract.assertCleanMessage;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/** The NDJSON ingest body: a batch of ops or an IngestBody.Invalid with a clean message, nothing else. */
class IngestBodyNdjsonFuzzTest {
    @FuzzTest
    void readsOrRejectsCleanly(byte[] input) {
        String body = new String(input, StandardCharsets.UTF_8);
        // Measured on a second run: the first loads classes and fills caches.
        for (int run = 0; run < 2; run++) {
            long before = allocatedBytes();
            long allocated; // by the parse alone, not by the checks of its outcome
            try {
                IngestBody parsed = IngestBody.fromNdjson(body, "key", 1000, IngestBodyJsonFuzzTest.LIMITS);
                allocated = allocatedBytes() - before;
                IngestBodyJsonFuzzTest.assertWithin(parsed);
            } catch (IngestBody.Invalid e) {
                allocated = allocatedBytes() - before;
                assertCleanMessage(e.error.message(), body);
            }
            if (run == 1) assertAllocationBounded(allocated, input.length, 16 << 20, 64);
        }
    }
}
