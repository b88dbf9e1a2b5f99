package io.shardview.http.tenant;

import static io.shardview.testsupport.ParserContract.allocatedBytes;
import static io.shardview.testsupport.ParserContract.assertAllocationBounded;
import static io.shardview.testsupport.ParserContract.assertCleanMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.shardview.entity.tenant.TenantProtocol.IngestOp;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The JSON ingest body: a batch of ops or an IngestBody.Invalid with a clean message, nothing else. */
class IngestBodyJsonFuzzTest {
    /** Small enough for fuzzed inputs to reach them. */
    static final TenantBodyLimits LIMITS = new TenantBodyLimits(1024, 8, 64);

    @FuzzTest
    void readsOrRejectsCleanly(byte[] input) {
        String body = new String(input, StandardCharsets.UTF_8);
        // Measured on a second run: the first loads classes and fills caches.
        for (int run = 0; run < 2; run++) {
            long before = allocatedBytes();
            long allocated; // by the parse alone, not by the checks of its outcome
            try {
                IngestBody parsed = IngestBody.fromJson(body, 1000, LIMITS);
                allocated = allocatedBytes() - before;
                assertWithin(parsed);
            } catch (IngestBody.Invalid e) {
                allocated = allocatedBytes() - before;
                assertCleanMessage(e.error.message(), body);
            }
            if (run == 1) assertAllocationBounded(allocated, input.length, 16 << 20, 64);
        }
    }

    /** Fails unless {@code body} is a batch within the limits: ops of a known kind, string values of valid text within max-value-bytes. */
    static void assertWithin(IngestBody body) {
        assertTrue(body.ops().size() <= 1000, "ops within the limit");
        for (IngestOp op : body.ops()) {
            assertTrue(op.op() != null, "an op of a known kind");
            assertTrue(
                    op.op() == IngestOp.Kind.DELETE ? op.row() != null || op.key() != null : op.row() != null,
                    "an op with what its kind needs");
            for (Map<String, Object> values : new Map[] {op.row(), op.key()}) {
                if (values == null) continue;
                for (Object v : values.values()) {
                    if (!(v instanceof String text)) continue;
                    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
                    assertEquals(text, new String(utf8, StandardCharsets.UTF_8), "valid text");
                    assertTrue(utf8.length <= LIMITS.maxValueBytes(), "a value within max-value-bytes");
                }
            }
        }
    }
}
