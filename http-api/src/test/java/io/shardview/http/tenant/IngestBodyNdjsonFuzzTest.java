package io.shardview.http.tenant;

import static io.shardview.http.ParserContract.allocatedBytes;
import static io.shardview.http.ParserContract.assertAllocationBounded;
import static io.shardview.http.ParserContract.assertCleanMessage;

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
      try {
        IngestBodyJsonFuzzTest.assertWithin(IngestBody.fromNdjson(body, "key", 1000, IngestBodyJsonFuzzTest.LIMITS));
      } catch (IngestBody.Invalid e) {
        assertCleanMessage(e.error.message(), body);
      }
      if (run == 1) assertAllocationBounded(before, input.length, 16 << 20, 64);
    }
  }
}
