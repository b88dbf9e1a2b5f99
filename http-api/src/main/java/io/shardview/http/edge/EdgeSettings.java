package io.shardview.http.edge;

import com.typesafe.config.Config;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * How the node's HTTP edge listens and what it accepts ({@code shardview.http}, config/http.conf).
 *
 * @param host interface to bind
 * @param port TCP port; 0 picks a free one
 * @param tls the server's TLS context, or null for plain HTTP
 * @param ioThreads event loop threads (sockets, HTTP parsing, the native endpoints' own work)
 * @param maxConnections open connections accepted at once; a connection past it is closed at once
 * @param backlog connections the kernel may hold waiting to be accepted
 * @param requestTimeout from a request's head to the start of its answer; past it the answer is a 503
 * @param idleTimeout a connection without a request in flight and no traffic for this long is closed
 * @param shutdownDeadline how long requests in flight may finish once the node stops accepting new ones
 * @param maxUriLength characters of a request's target (path and query)
 * @param maxHeaderValueLength characters of one header's value
 * @param maxHeaderCount headers of one request
 */
public record EdgeSettings(
        String host,
        int port,
        SSLContext tls,
        int ioThreads,
        int maxConnections,
        int backlog,
        Duration requestTimeout,
        Duration idleTimeout,
        Duration shutdownDeadline,
        int maxUriLength,
        int maxHeaderValueLength,
        int maxHeaderCount) {

    /** The settings under {@code shardview.http}; {@code tls} from its certificate and key (or null). */
    public static EdgeSettings from(Config config, SSLContext tls) {
        Config http = config.getConfig("shardview.http");
        int threads = http.getInt("io-threads");
        return new EdgeSettings(
                http.getString("host"),
                http.getInt("port"),
                tls,
                threads > 0 ? threads : Runtime.getRuntime().availableProcessors(),
                http.getInt("max-connections"),
                http.getInt("backlog"),
                http.getDuration("request-timeout"),
                http.getDuration("idle-timeout"),
                http.getDuration("shutdown-deadline"),
                (int) http.getBytes("parsing.max-uri-length").longValue(),
                (int) http.getBytes("parsing.max-header-value-length").longValue(),
                http.getInt("parsing.max-header-count"));
    }

    /**
     * Bytes of a whole request head the parser takes before it refuses it (431): room for a few headers at their
     * longest, but not for every one of them, which would let each of thousands of connections hold half a megabyte.
     */
    int maxHeadBytes() {
        return Math.max(16 * 1024, Math.min(64 * 1024, maxHeaderCount * (maxHeaderValueLength + 64)));
    }
}
