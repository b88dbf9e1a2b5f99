package io.shardview.http.tenant;

import com.typesafe.config.Config;
import io.shardview.http.ApiError;
import io.shardview.http.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * What one tenant request body may hold, from {@code shardview.tenant} (documented in
 * config/tenant.conf): the bytes of a SQL text, and the JSON nesting depth and the bytes of one
 * string of an ingest body. Checked at the edge, so the entity never sees more.
 */
public record TenantBodyLimits(int maxSqlBytes, int maxJsonDepth, int maxValueBytes) {

    public static TenantBodyLimits from(Config config) {
        Config c = config.getConfig("shardview.tenant");
        return new TenantBodyLimits(
                intBytes(c, "max-sql-bytes"), c.getInt("max-json-depth"), intBytes(c, "max-value-bytes"));
    }

    private static int intBytes(Config c, String key) {
        long bytes = c.getBytes(key);
        if (bytes < 1 || bytes > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException(
                    "shardview.tenant." + key + " must be between 1 byte and 512 MiB, got " + bytes);
        }
        return (int) bytes;
    }

    /**
     * 413 naming max-sql-bytes if {@code sql} is longer; 400 if it holds half a surrogate pair (a JSON
     * {@code {"sql": "\\ud800"}} can), which no UTF-8 journal can hold; else empty.
     */
    public Optional<ApiError> checkSql(String sql) {
        int unpaired = IngestBody.unpairedSurrogate(sql);
        if (unpaired >= 0) {
            return Optional.of(new ApiError(
                    ErrorCode.INVALID,
                    "the SQL text holds an unpaired UTF-16 surrogate at" + " character " + unpaired
                            + ", which is not text",
                    Map.of()));
        }
        // Three bytes per char at most: only a text near the limit is counted.
        if ((long) sql.length() * 3 <= maxSqlBytes) return Optional.empty();
        int bytes = sql.getBytes(StandardCharsets.UTF_8).length;
        if (bytes <= maxSqlBytes) return Optional.empty();
        return Optional.of(new ApiError(
                ErrorCode.SQL_TOO_LARGE,
                "the SQL text is " + bytes + " bytes, more than max-sql-bytes = " + maxSqlBytes,
                Map.of("limit", "max-sql-bytes", "max", maxSqlBytes)));
    }
}
