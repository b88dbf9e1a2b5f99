package io.shardview.http.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/** The edge's connection handling, from a raw socket: what a client sees, byte for byte where it matters. */
class HttpEdgeTest {
    private static final ScheduledExecutorService LATER = Executors.newSingleThreadScheduledExecutor();

    private static final EdgeErrors ERRORS = new EdgeErrors() {
        @Override
        public EdgeResponse error(int status, String code, String message, Map<String, Object> details) {
            return EdgeResponse.text(status, "text/plain", code + ": " + message);
        }

        @Override
        public EdgeResponse internal(String what, Throwable error) {
            return EdgeResponse.text(500, "text/plain", "internal");
        }
    };

    private HttpEdge edge;

    @AfterEach
    void stop() {
        if (edge != null) edge.close();
    }

    @AfterAll
    static void stopTimers() {
        LATER.shutdownNow();
    }

    private void start(EdgeHandler handler) throws InterruptedException {
        start(handler, Duration.ofSeconds(30), 100);
    }

    private void start(EdgeHandler handler, Duration requestTimeout, int maxConnections) throws InterruptedException {
        edge = HttpEdge.start(
                new EdgeSettings(
                        "127.0.0.1",
                        0,
                        null,
                        1,
                        maxConnections,
                        16,
                        requestTimeout,
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(1),
                        2048,
                        8192,
                        64),
                handler,
                ERRORS);
    }

    /** Answers each request with its method, path and body, at once. */
    private static final EdgeHandler ECHO = request -> request.readBody(1 << 20, new EdgeRequest.BodyReader() {
        @Override
        public void body(byte[] body) {
            request.reply(EdgeResponse.text(
                    200,
                    "text/plain",
                    request.method() + " " + request.path() + " " + new String(body, StandardCharsets.UTF_8)));
        }

        @Override
        public void tooLarge(long declared) {
            request.reply(EdgeResponse.text(413, "text/plain", "too large " + declared));
        }
    });

    @Test
    void aConnectionServesRequestsOneAfterAnother() throws Exception {
        start(ECHO);
        try (Socket socket = connect()) {
            send(socket, post("/a", "one"));
            assertEquals("POST /a one", readAnswer(socket).body);
            send(socket, post("/b", "two"));
            assertEquals("POST /b two", readAnswer(socket).body);
        }
    }

    @Test
    void requestsSentTogetherAreAnsweredInTheirOrderWhateverOrderTheirAnswersAreReadyIn() throws Exception {
        start(request -> {
            long delay = request.path().equals("/slow") ? 300 : 0;
            LATER.schedule(
                    () -> request.reply(EdgeResponse.text(200, "text/plain", request.path())),
                    delay,
                    TimeUnit.MILLISECONDS);
        });
        try (Socket socket = connect()) {
            send(socket, get("/slow") + get("/fast") + get("/third"));
            assertEquals("/slow", readAnswer(socket).body);
            assertEquals("/fast", readAnswer(socket).body);
            assertEquals("/third", readAnswer(socket).body);
        }
    }

    @Test
    void requestsSentWhileOneIsInWorkWaitForItsAnswerAndAreThenServedInOrder() throws Exception {
        CountDownLatch slowInWork = new CountDownLatch(1);
        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicBoolean slowAnswered = new AtomicBoolean();
        start(request -> {
            seen.add(request.path() + (slowAnswered.get() ? " after" : " before"));
            if (request.path().equals("/slow")) {
                slowInWork.countDown();
                LATER.schedule(
                        () -> {
                            slowAnswered.set(true);
                            request.reply(EdgeResponse.text(200, "text/plain", "/slow"));
                        },
                        300,
                        TimeUnit.MILLISECONDS);
                return;
            }
            ECHO.handle(request);
        });
        try (Socket socket = connect()) {
            send(socket, get("/slow"));
            assertTrue(slowInWork.await(5, TimeUnit.SECONDS));
            send(socket, post("/b", "two"));
            Thread.sleep(50);
            send(socket, post("/c", "three"));
            assertEquals("/slow", readAnswer(socket).body);
            assertEquals("POST /b two", readAnswer(socket).body);
            assertEquals("POST /c three", readAnswer(socket).body);
        }
        assertEquals(List.of("/slow before", "/b after", "/c after"), seen);
    }

    @Test
    void aChunkedBodyIsReadWholeAndOneOverTheLimitIsRefusedAndItsConnectionClosed() throws Exception {
        start(request -> request.readBody(10, new EdgeRequest.BodyReader() {
            @Override
            public void body(byte[] body) {
                request.reply(EdgeResponse.text(200, "text/plain", new String(body, StandardCharsets.UTF_8)));
            }

            @Override
            public void tooLarge(long declared) {
                request.reply(EdgeResponse.text(413, "text/plain", "declared " + declared));
            }
        }));
        try (Socket socket = connect()) {
            send(
                    socket,
                    "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n");
            Answer whole = readAnswer(socket);
            assertEquals(200, whole.status);
            assertEquals("abcdefg", whole.body);
            send(
                    socket,
                    "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n12345678\r\n");
            Answer refused = readAnswer(socket);
            assertEquals(413, refused.status);
            assertEquals("declared -1", refused.body);
            assertTrue(refused.head.contains("connection: close"), refused.head);
            assertTrue(closed(socket), "the rest of the body cannot be told from a next request");
        }
        try (Socket socket = connect()) {
            send(socket, "POST /c HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n");
            assertEquals("declared 11", readAnswer(socket).body); // known from the head, before any byte of the body
        }
    }

    @Test
    void aClientExpectingContinueIsToldToSendOnlyWhenTheBodyIsAskedFor() throws Exception {
        CompletableFuture<EdgeRequest> arrived = new CompletableFuture<>();
        start(arrived::complete);
        try (Socket socket = connect()) {
            send(socket, "POST /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
            EdgeRequest request = arrived.get(5, TimeUnit.SECONDS);
            socket.setSoTimeout(300);
            assertTrue(nothingToRead(socket), "no 100 Continue before the endpoint asks for the body");
            request.readBody(100, new EdgeRequest.BodyReader() {
                @Override
                public void body(byte[] body) {
                    request.reply(EdgeResponse.text(200, "text/plain", new String(body, StandardCharsets.UTF_8)));
                }

                @Override
                public void tooLarge(long declared) {}
            });
            socket.setSoTimeout(5000);
            assertEquals("HTTP/1.1 100 Continue", readLine(socket.getInputStream()));
            assertEquals("", readLine(socket.getInputStream()));
            send(socket, "hello");
            assertEquals("hello", readAnswer(socket).body);
        }
    }

    @Test
    void anAnswerSentBeforeTheBodyArrivedClosesTheConnection() throws Exception {
        start(request -> request.reply(EdgeResponse.text(401, "text/plain", "no")));
        try (Socket socket = connect()) {
            send(socket, "POST /n HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nabc");
            Answer answer = readAnswer(socket);
            assertEquals(401, answer.status);
            assertTrue(answer.head.contains("connection: close"), answer.head);
            assertTrue(closed(socket));
        }
    }

    @Test
    void aBodyDiscardedBeforeTheAnswerKeepsTheConnectionAndOneTooLargeToDiscardClosesIt() throws Exception {
        start(request -> request.discardBody(
                1000, () -> request.reply(EdgeResponse.text(403, "text/plain", "refused " + request.path()))));
        try (Socket socket = connect()) {
            String body = "x".repeat(900);
            send(socket, "POST /d HTTP/1.1\r\nHost: x\r\nContent-Length: 900\r\n\r\n" + body);
            Answer refused = readAnswer(socket);
            assertEquals(403, refused.status);
            assertFalse(refused.head.contains("connection: close"), refused.head);
            send(socket, get("/next"));
            assertEquals("refused /next", readAnswer(socket).body);
            send(socket, "POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n");
            Answer big = readAnswer(socket);
            assertTrue(big.head.contains("connection: close"), big.head);
            assertTrue(closed(socket));
        }
    }

    @Test
    void aStreamedBodyIsReadAsItsSubscriberAsks() throws Exception {
        start(request -> request.streamBody().subscribe(new Subscriber<>() {
            private final StringBuilder text = new StringBuilder();
            private Subscription subscription;

            @Override
            public void onSubscribe(Subscription s) {
                subscription = s;
                s.request(1);
            }

            @Override
            public void onNext(ByteBuf chunk) {
                text.append(chunk.toString(StandardCharsets.UTF_8)).append('|');
                chunk.release();
                subscription.request(1);
            }

            @Override
            public void onError(Throwable t) {
                request.reply(EdgeResponse.text(500, "text/plain", t.toString()));
            }

            @Override
            public void onComplete() {
                request.reply(EdgeResponse.text(200, "text/plain", text.toString()));
            }
        }));
        try (Socket socket = connect()) {
            send(socket, "POST /s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n");
            Thread.sleep(100); // the rest in another packet: the endpoint has the first part before the rest comes
            send(socket, "3\r\ncde\r\n0\r\n\r\n");
            Answer answer = readAnswer(socket);
            assertEquals(200, answer.status);
            assertEquals("abcde", answer.body.replace("|", ""));
            send(socket, get("/again"));
            assertEquals(200, readAnswer(socket).status, "a body read to its end leaves the connection usable");
        }
    }

    @Test
    void aStreamedAnswerIsWrittenChunkByChunkAndEndsItsAnswer() throws Exception {
        start(request -> {
            var head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set("Content-Type", "text/event-stream");
            request.replyStreaming(head, chunks("a", "bb", "ccc"));
        });
        try (Socket socket = connect()) {
            send(socket, get("/stream"));
            Answer answer = readAnswer(socket);
            assertTrue(answer.head.contains("transfer-encoding: chunked"), answer.head);
            assertTrue(answer.head.contains("content-type: text/event-stream"), answer.head);
            assertEquals("abbccc", answer.body);
            send(socket, get("/stream"));
            assertEquals("abbccc", readAnswer(socket).body, "the connection goes on after a streamed answer");
        }
    }

    @Test
    void aStreamedAnswerWhoseClientShutsItsSideIsCancelledAtOnce() throws Exception {
        CountDownLatch cancelled = new CountDownLatch(1);
        start(request -> {
            var head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set("Content-Type", "text/event-stream");
            request.replyStreaming(
                    head,
                    subscriber -> subscriber.onSubscribe(new Subscription() {
                        private boolean first = true;

                        @Override
                        public void request(long n) {
                            if (first) subscriber.onNext(Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8));
                            first = false; // then nothing more, as a quiet change stream
                        }

                        @Override
                        public void cancel() {
                            cancelled.countDown();
                        }
                    }));
        });
        try (Socket socket = connect()) {
            send(socket, get("/stream"));
            InputStream in = socket.getInputStream();
            while (!readLine(in).isEmpty()) {} // the head
            assertEquals("5", readLine(in).trim());
            socket.shutdownOutput(); // the client has gone
            assertTrue(cancelled.await(5, TimeUnit.SECONDS), "the stream's source was not cancelled");
        }
    }

    @Test
    void aClientThatShutsItsSideAfterItsRequestsGetsTheirAnswersAndThenTheConnectionCloses() throws Exception {
        CountDownLatch inWork = new CountDownLatch(1);
        start(request -> {
            inWork.countDown();
            LATER.schedule(
                    () -> request.reply(EdgeResponse.text(200, "text/plain", "late " + request.path())),
                    300,
                    TimeUnit.MILLISECONDS);
        });
        try (Socket socket = connect()) {
            send(socket, get("/x"));
            assertTrue(inWork.await(5, TimeUnit.SECONDS));
            send(socket, get("/y"));
            socket.shutdownOutput(); // as `nc -N` does once its input ends
            assertEquals("late /x", readAnswer(socket).body);
            assertEquals("late /y", readAnswer(socket).body);
            assertTrue(closed(socket));
        }
        try (Socket socket = connect()) {
            send(
                    socket,
                    "POST /z HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\n\r\nshort"); // 5 bytes of 20, then the end
            socket.shutdownOutput();
            assertTrue(closed(socket)); // no answer: the rest of the request cannot come
        }
    }

    @Test
    void aRequestNotAnsweredInTimeIs503AndItsLateAnswerIsDropped() throws Exception {
        List<EdgeRequest> requests = new CopyOnWriteArrayList<>();
        start(requests::add, Duration.ofMillis(200), 100);
        try (Socket socket = connect()) {
            send(socket, get("/hang"));
            Answer answer = readAnswer(socket);
            assertEquals(503, answer.status);
            assertTrue(answer.body.startsWith("timeout: "), answer.body);
            assertTrue(answer.head.contains("retry-after: 1"), answer.head);
            requests.get(0).reply(EdgeResponse.text(200, "text/plain", "late"));
            assertTrue(closed(socket), "closed after the timeout's answer; the late answer is not written");
        }
    }

    @Test
    void http10WithoutKeepAliveIsClosedAfterItsAnswerAndAnAbsoluteTargetIsServedByItsPath() throws Exception {
        start(ECHO);
        try (Socket socket = connect()) {
            send(socket, "GET http://example.com/abs?q=1 HTTP/1.0\r\n\r\n");
            Answer answer = readAnswer(socket);
            assertEquals("GET /abs ", answer.body);
            assertTrue(closed(socket));
        }
    }

    @Test
    void aConnectionPastMaxConnectionsIsClosedAtOnce() throws Exception {
        start(ECHO, Duration.ofSeconds(30), 1);
        try (Socket first = connect();
                Socket second = connect()) {
            send(first, get("/one"));
            assertEquals(200, readAnswer(first).status);
            assertTrue(closed(second));
        }
    }

    // ---- a raw client -----------------------------------------------------------------------------

    private record Answer(int status, String head, String body) {}

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", edge.localAddress().getPort());
        socket.setSoTimeout(5000);
        return socket;
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
    }

    private static String post(String path, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    /** One answer: its status line and headers (lower case), and its body by Content-Length or chunked. */
    private static Answer readAnswer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        String status = readLine(in);
        StringBuilder head = new StringBuilder(status).append('\n');
        long length = -1;
        boolean chunked = false;
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            String lower = line.toLowerCase();
            head.append(lower).append('\n');
            if (lower.startsWith("content-length:"))
                length = Long.parseLong(lower.substring(15).trim());
            if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) chunked = true;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            for (int size = Integer.parseInt(readLine(in).trim(), 16);
                    size > 0;
                    size = Integer.parseInt(readLine(in).trim(), 16)) {
                body.write(in.readNBytes(size));
                readLine(in);
            }
            readLine(in);
        } else if (length > 0) {
            body.write(in.readNBytes((int) length));
        }
        return new Answer(
                Integer.parseInt(status.split(" ")[1]), head.toString(), body.toString(StandardCharsets.UTF_8));
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) throw new IOException("closed in the middle of a line: " + line);
            if (c != '\r') line.append((char) c);
        }
        return line.toString();
    }

    private static boolean closed(Socket socket) throws IOException {
        socket.setSoTimeout(5000);
        try {
            return socket.getInputStream().read() < 0;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    /** Whether nothing comes on {@code socket} within its read timeout. */
    private static boolean nothingToRead(Socket socket) throws IOException {
        try {
            socket.getInputStream().read();
            return false;
        } catch (SocketTimeoutException expected) {
            return true;
        }
    }

    private static Publisher<ByteBuf> chunks(String... parts) {
        return subscriber -> subscriber.onSubscribe(new Subscription() {
            private int next;
            private boolean done;

            @Override
            public void request(long n) {
                for (long i = 0; i < n && !done; i++) {
                    if (next < parts.length) {
                        subscriber.onNext(Unpooled.copiedBuffer(parts[next++], StandardCharsets.UTF_8));
                    }
                    if (next == parts.length) {
                        done = true;
                        subscriber.onComplete();
                    }
                }
            }

            @Override
            public void cancel() {
                done = true;
            }
        });
    }
}
