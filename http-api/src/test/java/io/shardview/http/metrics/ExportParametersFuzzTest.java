package io.shardview.http.metrics;

import static io.shardview.testsupport.ParserContract.allocatedBytes;
import static io.shardview.testsupport.ParserContract.assertAllocationBounded;
import static io.shardview.testsupport.ParserContract.assertCleanMessage;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The query parameters of {@code api/v1/export}: {@code match[]} selectors and {@code start}/{@code end}
 * times, parsed into a range that no time arithmetic overflows, or refused with an
 * IllegalArgumentException with a clean message, nothing else. The input's lines are a selector,
 * then optionally start and end.
 */
class ExportParametersFuzzTest {
    @FuzzTest
    void parsesOrRejectsCleanly(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        String[] lines = text.split("\n", 3);
        // Measured on a second run: the first loads classes and fills caches.
        for (int run = 0; run < 2; run++) {
            long before = allocatedBytes();
            long allocated; // by the parse alone, not by the checks of its outcome
            try {
                ExportRequest request = ExportRequest.of(
                        List.of(lines[0]),
                        lines.length > 1 ? Optional.of(lines[1]) : Optional.empty(),
                        lines.length > 2 ? Optional.of(lines[2]) : Optional.empty());
                allocated = allocatedBytes() - before;
                assertTrue(request.startMs() <= request.endMs(), "a range");
                assertTrue(
                        Math.abs(request.startMs()) <= ExportRequest.MAX_ABS_MILLIS
                                && Math.abs(request.endMs()) <= ExportRequest.MAX_ABS_MILLIS,
                        "times that arithmetic cannot overflow");
            } catch (IllegalArgumentException e) {
                allocated = allocatedBytes() - before;
                assertCleanMessage(e.getMessage(), text);
            }
            if (run == 1) assertAllocationBounded(allocated, input.length, 16 << 20, 256);
        }
    }
}
