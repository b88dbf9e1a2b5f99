package io.shardview.http.edge;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.ArrayDeque;
import org.reactivestreams.Publisher;

/**
 * One request as an endpoint sees it: its head, its body (read whole up to a limit, or as a stream), and the one answer
 * it gets. Made by the connection ({@link EdgeConnection}) once the head and whatever part of the body came with it
 * have arrived. Its methods run on the connection's event loop, but for {@link #reply} and {@link #replyStreaming},
 * which may be called from any thread (an answer usually comes from an entity's thread).
 */
public final class EdgeRequest {
    /** What an endpoint does with a body it asked to read whole. */
    public interface BodyReader {
        /** The whole body. */
        void body(byte[] body);

        /**
         * The body is larger than the limit asked for: {@code declared} its Content-Length (or -1 when chunked, found
         * out while reading). Nothing more of it will be read; the endpoint answers.
         */
        void tooLarge(long declared);
    }

    private final EdgeConnection connection;
    private final HttpRequest head;
    private final String path;
    private final String rawQuery;
    private final long startedNanos;

    // The body: chunks that arrived before the endpoint asked for it, and whether its last part arrived.
    final ArrayDeque<ByteBuf> early = new ArrayDeque<>();
    long earlyBytes;
    boolean bodyComplete;

    EdgeRequest(EdgeConnection connection, HttpRequest head, long startedNanos) {
        this.connection = connection;
        this.head = head;
        this.startedNanos = startedNanos;
        String uri = head.uri();
        int start = Math.max(0, RequestTarget.pathStart(uri)); // absolute form: the path after the authority
        int question = uri.indexOf('?', start);
        String rawPath = question < 0 ? uri.substring(start) : uri.substring(start, question);
        this.path = rawPath.isEmpty() ? "/" : rawPath;
        this.rawQuery = question < 0 ? null : uri.substring(question + 1);
    }

    /** The method. */
    public HttpMethod method() {
        return head.method();
    }

    /** The request target as sent (origin form: path and query). */
    public String uri() {
        return head.uri();
    }

    /** The path, still percent-encoded. */
    public String path() {
        return path;
    }

    /** The query after '?', still percent-encoded; null without one. */
    public String rawQuery() {
        return rawQuery;
    }

    /** The headers. */
    public HttpHeaders headers() {
        return head.headers();
    }

    /** The protocol version (HTTP/1.0 or HTTP/1.1). */
    public HttpVersion protocolVersion() {
        return head.protocolVersion();
    }

    /** A header's value, or null. */
    public String header(CharSequence name) {
        return head.headers().get(name);
    }

    /** The declared Content-Length, or -1 for a chunked body; 0 without a body. */
    public long contentLength() {
        if (HttpUtil.isTransferEncodingChunked(head)) return -1;
        return HttpUtil.getContentLength(head, 0L);
    }

    /** When the request's head arrived (System.nanoTime). */
    public long startedNanos() {
        return startedNanos;
    }

    /** Whether the whole body has arrived (then {@link #readBody} answers at once). */
    public boolean bodyComplete() {
        return bodyComplete;
    }

    /**
     * Reads the body whole, up to {@code limit} bytes: {@code reader} gets it once its last byte arrived, or is told
     * it is too large as soon as that is known (from the Content-Length, or while reading a chunked body). A client
     * waiting for {@code 100 Continue} is told to send it now.
     */
    public void readBody(long limit, BodyReader reader) {
        connection.readBody(this, limit, reader);
    }

    /**
     * The body as a stream of chunks, read from the socket as the subscriber asks for them (each chunk is the
     * subscriber's to release). A client waiting for {@code 100 Continue} is told to send it at the first request.
     */
    public Publisher<ByteBuf> streamBody() {
        return connection.streamBody(this);
    }

    /**
     * Reads and drops the rest of the body, then runs {@code then} (on the event loop): an answer sent before the body
     * is in makes the connection close on unread bytes, and a client still sending may meet the reset instead of the
     * answer. A body of more than {@code maxBytes} is not read through: {@code then} runs at once and the connection
     * closes after the answer.
     */
    public void discardBody(long maxBytes, Runnable then) {
        connection.discardBody(this, maxBytes, then);
    }

    /** The part of the body that has arrived, taken out of the request (the whole body once it is complete). */
    public byte[] takeArrivedBody() {
        byte[] bytes = new byte[(int) earlyBytes];
        int at = 0;
        while (!early.isEmpty()) {
            ByteBuf chunk = early.poll();
            int n = chunk.readableBytes();
            chunk.readBytes(bytes, at, n);
            chunk.release();
            at += n;
        }
        earlyBytes = 0;
        return bytes;
    }

    /** Answers the request with a whole response (from any thread; the first answer wins). */
    public void reply(EdgeResponse response) {
        connection.reply(this, response);
    }

    /**
     * Answers with a head and a body streamed from {@code body} (chunked, or of the head's Content-Length), written as
     * the socket takes it (from any thread). The connection closes if the stream fails.
     */
    public void replyStreaming(io.netty.handler.codec.http.HttpResponse head, Publisher<ByteBuf> body) {
        connection.replyStreaming(this, head, body);
    }

    /** The connection's event loop: work run there answers without a hand-off (keep it short). */
    public java.util.concurrent.Executor executor() {
        return connection.executor();
    }

    /** Whether the client's connection is gone (an answer would be dropped). */
    public boolean clientGone() {
        return !connection.isOpen();
    }

    HttpRequest head() {
        return head;
    }
}
