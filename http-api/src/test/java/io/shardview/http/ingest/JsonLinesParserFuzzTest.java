package io.shardview.http.ingest;

import static io.shardview.http.ParserContract.allocatedBytes;
import static io.shardview.http.ParserContract.assertAllocationBounded;
import static io.shardview.http.ParserContract.assertCleanMessage;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/** VictoriaMetrics JSON lines: parsed or refused with an IngestException naming the line, nothing else. */
class JsonLinesParserFuzzTest {
  @FuzzTest
  void parsesOrRejectsCleanly(byte[] body) {
    // Measured on a second run: the first loads classes and fills caches.
    for (int run = 0; run < 2; run++) {
      long before = allocatedBytes();
      try {
        SampleBatch.Builder out = new SampleBatch.Builder(FuzzLimits.SMALL);
        JsonLinesParser.parse(body, out);
        FuzzLimits.assertWithin(out, body);
      } catch (IngestException e) {
        assertCleanMessage(e.getMessage(), new String(body, StandardCharsets.UTF_8));
      }
      if (run == 1) assertAllocationBounded(before, body.length, 16 << 20, 64);
    }
  }
}
