package io.shardview.http.edge;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which Accept-Encoding headers take gzip. */
class EdgeCompressionTest {
    @Test
    void gzipIsTakenWhenListedOrStarredAndNotRefusedWithQZero() {
        assertTrue(EdgeCompression.acceptsGzip("gzip"));
        assertTrue(EdgeCompression.acceptsGzip("deflate, GZIP;q=0.5"));
        assertTrue(EdgeCompression.acceptsGzip("*"));
        assertTrue(EdgeCompression.acceptsGzip("gzip; q=0.001"));
        assertFalse(EdgeCompression.acceptsGzip(null));
        assertFalse(EdgeCompression.acceptsGzip("identity"));
        assertFalse(EdgeCompression.acceptsGzip("gzip;q=0"));
        assertFalse(EdgeCompression.acceptsGzip("gzip; q=0.000, br"));
        assertFalse(EdgeCompression.acceptsGzip("x-gzip2"));
    }
}
