package io.shardview.http.edge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of the edge: reads requests one at a time, hands each to the edge's {@link EdgeHandler} once
 * its head (and whatever of its body came with it) is in, reads the body as the endpoint asks for it, and writes its
 * one answer. Everything here runs on the connection's event loop; answers from other threads are handed to it.
 *
 * <p>Requests a client sends without waiting for answers (pipelining) wait, as they arrived, until the answer before
 * them is written, so answers go out in order. Reading stops while a request is served and its body is not wanted, and
 * once a request read to its end has the next one's bytes waiting behind it: a client cannot make the node buffer more
 * than one read of requests it did not ask for.
 *
 * <p>The connection closes after an answer when the client asked for it (or spoke HTTP/1.0 without keep-alive), when
 * the request's body was not read to its end (the bytes left cannot be told from the next request), when the request
 * was malformed, or when the node is stopping.
 */
final class EdgeConnection extends ChannelDuplexHandler {
    private static final Logger log = LoggerFactory.getLogger(EdgeConnection.class);

    /** Bytes of a body gathered before its endpoint is asked, at most: a client gets no more buffered unasked. */
    private static final int MAX_EARLY_BYTES = 256 * 1024;

    private enum Body {
        /** Gathered in the request until its endpoint asks for it. */
        EARLY,
        /** Read whole for the endpoint, up to a limit. */
        WHOLE,
        /** Handed to the endpoint chunk by chunk, as it asks. */
        STREAM,
        /** Read and dropped, then the endpoint answers. */
        DISCARD,
        /** Dropped: the connection closes after the answer. */
        DROP
    }

    private final HttpEdge edge;
    private ChannelHandlerContext ctx;

    /** The request being served, from its head to the end of its answer; null between requests. */
    private EdgeRequest current;

    private boolean dispatched;
    private boolean answered;
    private boolean closeAfterAnswer;
    private boolean continueSent;
    private ScheduledFuture<?> timeout;

    /** Messages of requests after the current one (pipelined), in order; each is this handler's to release. */
    private final ArrayDeque<Object> later = new ArrayDeque<>();

    private boolean resuming;

    /** The client shut its side: nothing more comes, and the connection closes once what came is answered. */
    private boolean inputShut;

    private Body body;
    private long bodyLimit;
    private long bodyRead;
    private EdgeRequest.BodyReader wholeReader;
    private ArrayDeque<ByteBuf> whole;
    private BodyStream stream;
    private long discardMax;
    private Runnable afterDiscard;

    EdgeConnection(HttpEdge edge) {
        this.edge = edge;
    }

    // ---- the channel's events --------------------------------------------------------------------

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (!edge.opened(this)) {
            ctx.close(); // past max-connections
            return;
        }
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        edge.closed(this);
        if (timeout != null) timeout.cancel(false);
        if (stream != null) stream.failed(new IOException("the client closed the connection"));
        if (answerStream != null) answerStream.cancel(); // its source stops now, not at its next chunk
        releaseBody();
        if (current != null) releaseEarly(current);
        while (!later.isEmpty()) ReferenceCountUtil.release(later.poll());
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (!later.isEmpty() || (current != null && current.bodyComplete)) {
            later.add(message); // a pipelined request: waits for the answer before it
            return;
        }
        if (message instanceof HttpRequest head) {
            onHead(head);
        }
        if (message instanceof HttpContent content) {
            onContent(content);
        } else if (!(message instanceof HttpRequest)) {
            ReferenceCountUtil.release(message);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (current != null && !dispatched) dispatch(); // the head, and the body as far as it came with it
        readIfWanted();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (answerStream != null && ctx.channel().isWritable()) answerStream.writable();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            inputEnded();
            return;
        }
        if (event instanceof IdleStateEvent && current == null) {
            ctx.close(); // idle-timeout with no request in flight
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException)) log.debug("HTTP connection failed", cause);
        ctx.close();
    }

    /**
     * The client shut its side of the connection (as {@code nc -N} does once it has sent its request): the requests it
     * sent whole are still answered, in order, and the connection closes after the last of them; one cut short by the
     * end closes it now, since its body can no longer come. So does an answer being streamed (a change stream, say): its
     * client has gone, and the stream's source stops now rather than at a write that fails.
     */
    private void inputEnded() {
        inputShut = true;
        if (answerStream != null || (current == null ? later.isEmpty() : !current.bodyComplete)) ctx.close();
    }

    // ---- requests ---------------------------------------------------------------------------------

    private void onHead(HttpRequest head) {
        MalformedRequests.EdgeError malformed = MalformedRequests.check(head, edge.settings());
        current = new EdgeRequest(this, head, System.nanoTime());
        dispatched = false;
        answered = false;
        closeAfterAnswer = false;
        continueSent = false;
        body = Body.EARLY;
        bodyRead = 0;
        if (malformed != null) {
            dispatched = true;
            body = Body.DROP;
            closeAfterAnswer = true;
            reply(
                    current,
                    edge.errors()
                            .error(malformed.status(), malformed.code(), malformed.message(), malformed.details()));
            return;
        }
        long ms = edge.settings().requestTimeout().toMillis();
        EdgeRequest request = current;
        timeout = ctx.executor().schedule(() -> timedOut(request), ms, TimeUnit.MILLISECONDS);
        if (edge.draining()) closeAfterAnswer = true;
    }

    private void onContent(HttpContent content) {
        EdgeRequest request = current;
        if (request == null) {
            content.release(); // the rest of a request already answered and dropped
            return;
        }
        boolean last = content instanceof LastHttpContent;
        if (content.decoderResult().isFailure()) {
            content.release();
            request.bodyComplete = true;
            body = Body.DROP;
            closeAfterAnswer = true;
            if (!answered) {
                dispatched = true;
                String why = MalformedRequests.printable(
                        String.valueOf(content.decoderResult().cause()));
                reply(
                        request,
                        edge.errors()
                                .error(400, "bad_request", "the request's body cannot be parsed: " + why, Map.of()));
            }
            return;
        }
        ByteBuf bytes = content.content();
        bodyRead += bytes.readableBytes();
        if (last) request.bodyComplete = true;
        switch (body) {
            case EARLY -> {
                if (bytes.isReadable()) {
                    request.early.add(bytes);
                    request.earlyBytes += bytes.readableBytes();
                } else {
                    bytes.release();
                }
                if (last && !dispatched) dispatch();
            }
            case WHOLE -> {
                if (bytes.isReadable()) whole.add(bytes);
                else bytes.release();
                if (bodyRead > bodyLimit) bodyTooLarge(request, -1);
                else if (last) bodyWhole();
            }
            case STREAM -> stream.push(bytes, last);
            case DISCARD -> {
                bytes.release();
                if (last) discarded();
                else if (bodyRead > discardMax) {
                    body = Body.DROP;
                    closeAfterAnswer = true;
                    discarded();
                }
            }
            case DROP -> bytes.release();
        }
    }

    private void dispatch() {
        dispatched = true;
        EdgeRequest request = current;
        try {
            edge.handler().handle(request);
        } catch (Throwable error) {
            if (error instanceof VirtualMachineError) fatal(error);
            reply(request, edge.errors().internal("HTTP edge", error));
        }
    }

    /**
     * A JVM-level failure (an OutOfMemoryError, say) while serving a request: the process cannot be trusted to go on,
     * and ends at once, as the JVM's ExitOnOutOfMemoryError would; every acknowledged write is in the journal.
     */
    static void fatal(Throwable error) {
        System.err.println("shardview: the node met a fatal error serving a request and exits now (exit code 1)");
        error.printStackTrace();
        System.err.flush();
        Runtime.getRuntime().halt(1);
    }

    private void timedOut(EdgeRequest request) {
        if (request != current || answered) return;
        closeAfterAnswer = true; // its endpoint may still answer, and its body may still be coming
        String why = "the request did not complete within the server's request timeout; retry";
        reply(request, edge.errors().error(503, "timeout", why, Map.of()).withHeader("Retry-After", "1"));
    }

    // ---- bodies, as the endpoint asks -------------------------------------------------------------

    void readBody(EdgeRequest request, long limit, EdgeRequest.BodyReader reader) {
        if (request != current || body != Body.EARLY) throw new IllegalStateException("the body was asked for twice");
        long declared = request.contentLength();
        if (declared > limit) {
            reader.tooLarge(declared); // nothing read yet: the endpoint may still discard the body before it answers
            return;
        }
        body = Body.WHOLE;
        bodyLimit = limit;
        wholeReader = reader;
        whole = new ArrayDeque<>(request.early);
        request.early.clear();
        if (bodyRead > limit) bodyTooLarge(request, -1);
        else if (request.bodyComplete) bodyWhole();
        else {
            sendContinue(request);
            readIfWanted();
        }
    }

    private void bodyWhole() {
        byte[] bytes = new byte[(int) bodyRead];
        int at = 0;
        for (ByteBuf chunk : whole) {
            int n = chunk.readableBytes();
            chunk.readBytes(bytes, at, n);
            at += n;
        }
        releaseBody();
        body = Body.DROP; // read to its end: nothing more comes
        wholeReader.body(bytes);
    }

    private void bodyTooLarge(EdgeRequest request, long declared) {
        releaseBody();
        body = Body.DROP;
        closeAfterAnswer = !request.bodyComplete;
        wholeReader.tooLarge(declared);
    }

    Publisher<ByteBuf> streamBody(EdgeRequest request) {
        if (request != current || body != Body.EARLY) throw new IllegalStateException("the body was asked for twice");
        body = Body.STREAM;
        stream = new BodyStream(request);
        return stream;
    }

    void discardBody(EdgeRequest request, long maxBytes, Runnable then) {
        if (request != current || body != Body.EARLY) throw new IllegalStateException("the body was asked for twice");
        releaseEarly(request);
        if (request.bodyComplete) {
            body = Body.DROP;
            then.run();
            return;
        }
        long declared = request.contentLength();
        if (declared > maxBytes || bodyRead > maxBytes) {
            body = Body.DROP;
            closeAfterAnswer = true;
            then.run();
            return;
        }
        body = Body.DISCARD;
        discardMax = maxBytes;
        afterDiscard = then;
        sendContinue(request);
        readIfWanted();
    }

    private void discarded() {
        if (body == Body.DISCARD) body = Body.DROP;
        Runnable then = afterDiscard;
        afterDiscard = null;
        if (then != null) then.run();
    }

    /** A client that sent {@code Expect: 100-continue} waits for this before it sends the body. */
    private void sendContinue(EdgeRequest request) {
        if (continueSent || request.bodyComplete || !HttpUtil.is100ContinueExpected(request.head())) return;
        continueSent = true;
        ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
    }

    /**
     * Asks the socket for more bytes when the request in hand wants them, or between requests. A request read to its
     * end keeps the socket read while it is in work, until the next request's bytes (if the client pipelines) are in
     * {@link #later}: the read interest then stays set from one request to the next, where taking it off and setting it
     * again cost two {@code epoll_ctl} calls a request.
     */
    private void readIfWanted() {
        if (!ctx.channel().isActive() || inputShut) return;
        boolean want;
        if (current == null) want = later.isEmpty();
        else if (current.bodyComplete) want = later.isEmpty() && !closeAfterAnswer;
        else if (!dispatched) want = current.earlyBytes < MAX_EARLY_BYTES;
        else
            want = switch (body) {
                case WHOLE, DISCARD -> true;
                case STREAM -> stream.wantsMore();
                case EARLY, DROP -> false; // not asked for yet, or dropped with the connection after the answer
            };
        if (want) ctx.read();
    }

    // ---- answers ----------------------------------------------------------------------------------

    java.util.concurrent.Executor executor() {
        return ctx.executor();
    }

    boolean isOpen() {
        return ctx.channel().isActive();
    }

    void reply(EdgeRequest request, EdgeResponse answer) {
        // Compressed on the thread that answers (the PromQL pool for a large query), before the event loop takes it.
        EdgeResponse response = EdgeCompression.forClient(request, answer);
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(() -> reply(request, response));
            return;
        }
        if (!startAnswer(request)) return;
        boolean close = closing(request, response.headers());
        FullHttpResponse out = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(response.status()),
                request.method().equals(HttpMethod.HEAD) || response.body().length == 0
                        ? Unpooled.EMPTY_BUFFER
                        : Unpooled.wrappedBuffer(response.body()));
        HttpHeaders headers = out.headers();
        headers(request, headers, response.headers(), close);
        if (response.contentType() != null) headers.set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
        headers.set(HttpHeaderNames.CONTENT_LENGTH, response.body().length);
        ctx.writeAndFlush(out).addListener((ChannelFutureListener) written -> answerWritten(close));
    }

    void replyStreaming(EdgeRequest request, HttpResponse head, Publisher<ByteBuf> bodyStream) {
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(() -> replyStreaming(request, head, bodyStream));
            return;
        }
        if (!startAnswer(request)) {
            bodyStream.subscribe(CANCELLING); // its source stops instead of waiting for a reader
            return;
        }
        java.util.List<String> answerHeaders = new java.util.ArrayList<>();
        head.headers().forEach(h -> {
            answerHeaders.add(h.getKey());
            answerHeaders.add(h.getValue());
        });
        boolean close = closing(request, answerHeaders);
        HttpResponse out = new io.netty.handler.codec.http.DefaultHttpResponse(HttpVersion.HTTP_1_1, head.status());
        HttpHeaders headers = out.headers();
        headers(request, headers, answerHeaders, close);
        for (CharSequence kept : new CharSequence[] {HttpHeaderNames.CONTENT_TYPE, HttpHeaderNames.CONTENT_LENGTH}) {
            if (head.headers().contains(kept)) headers.set(kept, head.headers().get(kept));
        }
        if (!headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        ctx.writeAndFlush(out);
        answerStream = new AnswerStream(close);
        bodyStream.subscribe(answerStream);
    }

    /** Whether {@code request} may be answered now: it is the current one and not answered yet. */
    private boolean startAnswer(EdgeRequest request) {
        if (request != current || answered || !ctx.channel().isActive()) return false;
        answered = true;
        if (timeout != null) timeout.cancel(false);
        if (!dispatched) dispatched = true;
        if (stream != null && !request.bodyComplete) {
            stream.cancelled(); // answered before the body was read to its end
        }
        return true;
    }

    /** Headers the connection writes itself: an answer's own are not copied. */
    private static final java.util.Set<String> OWN_HEADERS =
            java.util.Set.of("connection", "content-length", "content-type", "date", "server", "transfer-encoding");

    /**
     * Whether the connection closes after this answer: when the answer says so, and also when the request's body has
     * not come to its end, since the bytes still coming could not be told from the next request.
     */
    private boolean closing(EdgeRequest request, java.util.List<String> answerHeaders) {
        for (int i = 0; i < answerHeaders.size(); i += 2) {
            if (answerHeaders.get(i).equalsIgnoreCase("Connection")
                    && answerHeaders.get(i + 1).equalsIgnoreCase("close")) closeAfterAnswer = true;
        }
        return closeAfterAnswer || !request.bodyComplete || edge.draining() || !HttpUtil.isKeepAlive(request.head());
    }

    private void headers(EdgeRequest request, HttpHeaders headers, java.util.List<String> extra, boolean close) {
        for (int i = 0; i < extra.size(); i += 2) {
            String name = extra.get(i);
            if (!OWN_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT))) headers.add(name, extra.get(i + 1));
        }
        headers.set(HttpHeaderNames.SERVER, "shardview");
        headers.set(HttpHeaderNames.DATE, edge.date());
        if (close) headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        else if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
    }

    /** The answer is written: the connection closes, or goes on with the next request. */
    private void answerWritten(boolean close) {
        EdgeRequest done = current;
        current = null;
        answerStream = null;
        releaseBody();
        if (done != null) releaseEarly(done);
        if (close || !ctx.channel().isActive()) {
            while (!later.isEmpty()) ReferenceCountUtil.release(later.poll());
            ctx.close();
            return;
        }
        resume();
    }

    /** Serves the requests that waited behind the one just answered, then reads on. */
    private void resume() {
        if (resuming) return;
        resuming = true;
        try {
            while (current == null && !later.isEmpty()) {
                Object message = later.poll();
                if (message instanceof HttpRequest head) onHead(head);
                if (message instanceof HttpContent content) onContent(content);
                else if (!(message instanceof HttpRequest)) ReferenceCountUtil.release(message);
                // The rest of this request's messages, up to its end.
                while (current != null
                        && !current.bodyComplete
                        && !later.isEmpty()
                        && later.peek() instanceof HttpContent) {
                    onContent((HttpContent) later.poll());
                }
                if (current != null && !dispatched) dispatch();
            }
        } finally {
            resuming = false;
        }
        if (inputShut && (current == null || !current.bodyComplete)) {
            ctx.close(); // all the client sent is answered, or the rest of a request cannot come
            return;
        }
        readIfWanted();
    }

    /** Closes the connection once its request in flight is answered, or now when it has none. */
    void drain() {
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(this::drain);
            return;
        }
        if (current == null) ctx.close();
        else closeAfterAnswer = true;
    }

    void closeNow() {
        ctx.executor().execute(() -> ctx.close());
    }

    private void releaseBody() {
        if (whole != null) {
            whole.forEach(ByteBuf::release);
            whole = null;
        }
        stream = null;
    }

    private static void releaseEarly(EdgeRequest request) {
        while (!request.early.isEmpty()) request.early.poll().release();
        request.earlyBytes = 0;
    }

    // ---- streams ----------------------------------------------------------------------------------

    /** The request's body as a publisher, one subscriber, chunks read from the socket as it asks for them. */
    private final class BodyStream implements Publisher<ByteBuf>, Subscription {
        private final EdgeRequest request;
        private final ArrayDeque<ByteBuf> ready = new ArrayDeque<>();
        private Subscriber<? super ByteBuf> subscriber;
        private long demand;
        private boolean done; // completed, failed or cancelled: nothing more is signalled
        private boolean delivering;

        BodyStream(EdgeRequest request) {
            this.request = request;
            ready.addAll(request.early);
            request.early.clear();
        }

        @Override
        public void subscribe(Subscriber<? super ByteBuf> s) {
            ctx.executor().execute(() -> {
                if (subscriber != null) {
                    s.onSubscribe(NOTHING);
                    s.onError(new IllegalStateException("a request body is read once"));
                    return;
                }
                subscriber = s;
                s.onSubscribe(this);
                deliver();
            });
        }

        @Override
        public void request(long n) {
            if (!ctx.executor().inEventLoop()) {
                ctx.executor().execute(() -> request(n));
                return;
            }
            if (done) return;
            if (n <= 0) {
                failed(new IllegalArgumentException("request(" + n + ") (reactive streams rule 3.9)"));
                return;
            }
            demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
            sendContinue(request);
            deliver();
            readIfWanted();
        }

        @Override
        public void cancel() {
            if (!ctx.executor().inEventLoop()) {
                ctx.executor().execute(this::cancel);
                return;
            }
            cancelled();
        }

        void cancelled() {
            if (done) return;
            done = true;
            ready.forEach(ByteBuf::release);
            ready.clear();
            if (request == current && !request.bodyComplete) {
                body = Body.DROP;
                closeAfterAnswer = true;
            }
        }

        void push(ByteBuf chunk, boolean last) {
            if (done || !chunk.isReadable()) chunk.release();
            else ready.add(chunk);
            deliver();
        }

        boolean wantsMore() {
            return !done && demand > 0 && ready.isEmpty();
        }

        void failed(Throwable error) {
            if (done) return;
            done = true;
            ready.forEach(ByteBuf::release);
            ready.clear();
            if (subscriber != null) subscriber.onError(error);
        }

        private void deliver() {
            if (subscriber == null || delivering) return;
            delivering = true;
            try {
                while (!done && demand > 0 && !ready.isEmpty()) {
                    demand--;
                    subscriber.onNext(ready.poll());
                }
                if (!done && ready.isEmpty() && request.bodyComplete) {
                    done = true;
                    subscriber.onComplete();
                }
            } finally {
                delivering = false;
            }
        }
    }

    private AnswerStream answerStream;

    private static final Subscription NOTHING = new Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
    };

    /** Takes a stream nobody will read and cancels it, so its source stops. */
    private static final Subscriber<ByteBuf> CANCELLING = new Subscriber<>() {
        @Override
        public void onSubscribe(Subscription s) {
            s.cancel();
        }

        @Override
        public void onNext(ByteBuf chunk) {
            chunk.release();
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onComplete() {}
    };

    /** Writes a streamed answer's chunks as the socket takes them, then its end. */
    private final class AnswerStream implements Subscriber<ByteBuf> {
        private final boolean close;
        private Subscription subscription;
        private boolean waiting; // a chunk was asked for and has not come
        private boolean finished;

        AnswerStream(boolean close) {
            this.close = close;
        }

        @Override
        public void onSubscribe(Subscription s) {
            ctx.executor().execute(() -> {
                subscription = s;
                if (!ctx.channel().isActive()) {
                    finished = true;
                    s.cancel();
                    return;
                }
                askOne();
            });
        }

        @Override
        public void onNext(ByteBuf chunk) {
            ctx.executor().execute(() -> {
                waiting = false;
                if (finished || !ctx.channel().isActive()) {
                    chunk.release();
                    cancel();
                    return;
                }
                ctx.writeAndFlush(new DefaultHttpContent(chunk)).addListener((ChannelFutureListener) written -> {
                    if (!written.isSuccess()) cancel();
                    else if (ctx.channel().isWritable()) askOne();
                });
            });
        }

        @Override
        public void onError(Throwable error) {
            ctx.executor().execute(() -> {
                if (finished) return;
                finished = true;
                log.debug("a streamed answer failed; closing its connection", error);
                ctx.close();
            });
        }

        @Override
        public void onComplete() {
            ctx.executor().execute(() -> {
                if (finished) return;
                finished = true;
                ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
                        .addListener((ChannelFutureListener) written -> answerWritten(close));
            });
        }

        void writable() {
            if (!waiting && !finished) askOne();
        }

        private void askOne() {
            if (waiting || finished || subscription == null) return;
            waiting = true;
            subscription.request(1);
        }

        private void cancel() {
            if (finished) return;
            finished = true;
            if (subscription != null) subscription.cancel();
            ctx.close();
        }
    }
}
