package io.shardview.http.tenant;

import static io.shardview.testsupport.ParserContract.assertCleanMessage;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The query parameters of a view or table read ({@code limit}, {@code after}, {@code min_version},
 * {@code wait_ms}): a request within the limits, or an IllegalArgumentException with a clean message.
 * The input is a query string as Pekko hands it over, decoded: {@code name=value} pairs split at '&'.
 */
class ReadRequestFuzzTest {
    static final TenantHttpSettings SETTINGS = new TenantHttpSettings(
            100_000,
            64L << 20,
            Duration.ofSeconds(10),
            Duration.ofSeconds(10),
            1000,
            100_000,
            Duration.ofSeconds(15),
            Duration.ofSeconds(15),
            1000,
            Duration.ofSeconds(3),
            Duration.ofSeconds(2));

    @FuzzTest
    void readsOrRejectsCleanly(byte[] input) {
        String query = new String(input, StandardCharsets.UTF_8);
        Map<String, String> params = new HashMap<>();
        for (String pair : query.split("&", -1)) {
            int eq = pair.indexOf('=');
            params.putIfAbsent(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
        }
        try {
            TenantRoutes.ReadRequest read = TenantRoutes.ReadRequest.of(params, SETTINGS);
            assertTrue(read.limit() >= 1 && read.limit() <= SETTINGS.readMaxLimit(), "limit within bounds");
            assertTrue(
                    read.waitMillis() >= 0
                            && read.waitMillis() <= SETTINGS.readMaxWait().toMillis(),
                    "wait within bounds");
        } catch (IllegalArgumentException e) {
            assertCleanMessage(e.getMessage(), query);
        }
    }
}
