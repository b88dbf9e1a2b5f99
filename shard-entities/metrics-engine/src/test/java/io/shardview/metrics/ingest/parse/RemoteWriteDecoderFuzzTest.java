package io.shardview.metrics.ingest.parse;

import static io.shardview.testsupport.ParserContract.allocatedBytes;
import static io.shardview.testsupport.ParserContract.assertAllocationBounded;
import static io.shardview.testsupport.ParserContract.assertCleanMessage;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.xerial.snappy.Snappy;

/**
 * remote_write bodies: decoded or refused with an IngestException, nothing else. The first input
 * byte picks what the rest is: even, a WriteRequest's protobuf bytes that the test snappy-compresses
 * (so the fuzzer works on the protobuf structure); odd, the body as sent (to reach snappy's framing).
 */
class RemoteWriteDecoderFuzzTest {
    static final int MAX_UNCOMPRESSED_BYTES = 1 << 20;

    @FuzzTest
    void decodesOrRejectsCleanly(byte[] input) throws IOException {
        if (input.length == 0) return;
        byte[] rest = Arrays.copyOfRange(input, 1, input.length);
        byte[] body = (input[0] & 1) == 0 ? Snappy.compress(rest) : rest;
        // Measured on a second run: the first loads classes and fills caches.
        for (int run = 0; run < 2; run++) {
            long before = allocatedBytes();
            long allocated; // by the parse alone, not by the checks of its outcome
            try {
                SampleBatchBuilder out = new SampleBatchBuilder(FuzzLimits.SMALL);
                RemoteWriteDecoder.decode(body, MAX_UNCOMPRESSED_BYTES, out);
                allocated = allocatedBytes() - before;
                FuzzLimits.assertWithin(out, (input[0] & 1) == 0 ? rest : Snappy.uncompress(rest));
            } catch (IngestException e) {
                allocated = allocatedBytes() - before;
                assertCleanMessage(e.getMessage(), new String(rest, StandardCharsets.ISO_8859_1));
            }
            // Snappy may inflate a body up to the limit; past that, work follows the protobuf's size.
            if (run == 1) assertAllocationBounded(allocated, rest.length, 4L * MAX_UNCOMPRESSED_BYTES, 64);
        }
    }
}
