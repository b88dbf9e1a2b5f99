package io.shardview.bench.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenLoopClientTest {
    private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
    private final CountDownLatch unblock = new CountDownLatch(1);
    private HttpServer server;

    /** What became of a request. */
    private record Outcome(int status, boolean retryAfter, String tenantNode, IOException error) {}

    /** A server whose path says how it answers; it notes each request's client port (one per connection). */
    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            clientPorts.add(exchange.getRemoteAddress().getPort());
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            try (OutputStream out = exchange.getResponseBody()) {
                switch (path) {
                    case "/length" -> {
                        exchange.sendResponseHeaders(200, body.length); // echoes the body: Content-Length
                        out.write(body);
                    }
                    case "/chunked" -> {
                        exchange.sendResponseHeaders(200, 0); // length unknown: chunked
                        for (int i = 0; i < 3; i++) {
                            out.write(body);
                            out.flush();
                        }
                    }
                    case "/ingest" -> {
                        exchange.getResponseHeaders().set("Shardview-Tenant-Node", " http://10.0.0.7:8080 ");
                        reply(exchange, 200, "{\"version\": 2}");
                    }
                    case "/busy" -> {
                        exchange.getResponseHeaders().set("Retry-After", "1");
                        reply(exchange, 429, "{\"error\":\"overloaded\"}");
                    }
                    case "/close" -> {
                        exchange.getResponseHeaders().set("Connection", "close");
                        reply(exchange, 503, "closing");
                    }
                    case "/slow" -> {
                        awaitUnblock();
                        reply(exchange, 200, "late");
                    }
                    default -> reply(exchange, 404, "no " + path);
                }
            }
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        unblock.countDown();
        server.stop(0);
    }

    @Test
    void keepsOneConnectionAliveAcrossLengthAndChunkedReplies() throws Exception {
        try (OpenLoopClient client = new OpenLoopClient(server.getAddress(), 1)) {
            for (String path : List.of("/length", "/chunked", "/length", "/chunked", "/length")) {
                assertEquals(new Outcome(200, false, null, null), send(client, path, 5000));
            }
        }
        assertEquals(1, clientPorts.size(), "every request on the one connection: " + clientPorts);
    }

    @Test
    void seesTheTenantsNodeOfAnIngestAnswerAndForgetsItForTheNextReply() throws Exception {
        try (OpenLoopClient client = new OpenLoopClient(server.getAddress(), 1)) {
            assertEquals(new Outcome(200, false, "http://10.0.0.7:8080", null), send(client, "/ingest", 10));
            assertEquals(new Outcome(200, false, null, null), send(client, "/length", 10));
        }
    }

    @Test
    void seesRetryAfterOnA429() throws Exception {
        try (OpenLoopClient client = new OpenLoopClient(server.getAddress(), 1)) {
            assertEquals(new Outcome(429, true, null, null), send(client, "/busy", 10));
            assertEquals(new Outcome(200, false, null, null), send(client, "/length", 10));
        }
        assertEquals(1, clientPorts.size());
    }

    @Test
    void opensAgainAConnectionClosedAfterAReply() throws Exception {
        try (OpenLoopClient client = new OpenLoopClient(server.getAddress(), 1)) {
            assertEquals(new Outcome(503, false, null, null), send(client, "/close", 10));
            assertEquals(new Outcome(200, false, null, null), send(client, "/length", 10));
        }
        assertEquals(2, clientPorts.size(), "a second connection after Connection: close: " + clientPorts);
    }

    /** A server that closes each connection after one reply, saying nothing: the client notices and opens another. */
    @Test
    void opensAgainAConnectionTheServerClosed() throws Exception {
        AtomicInteger accepted = new AtomicInteger();
        Semaphore closedByServer = new Semaphore(0);
        try (ServerSocket oneReplyEach = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread serving = new Thread(() -> {
                while (true) {
                    try (Socket socket = oneReplyEach.accept()) {
                        accepted.incrementAndGet();
                        readRequest(socket.getInputStream());
                        socket.getOutputStream()
                                .write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                                        .getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException stopped) {
                        return;
                    }
                    closedByServer.release();
                }
            });
            serving.setDaemon(true);
            serving.start();
            var address = (InetSocketAddress) oneReplyEach.getLocalSocketAddress();
            try (OpenLoopClient client = new OpenLoopClient(address, 1)) {
                for (int i = 0; i < 3; i++) {
                    assertEquals(new Outcome(200, false, null, null), send(client, "/any", 100));
                    assertTrue(closedByServer.tryAcquire(5, TimeUnit.SECONDS));
                }
            }
        }
        assertEquals(3, accepted.get());
    }

    @Test
    void sendsNothingWithEveryConnectionBusy() throws Exception {
        try (OpenLoopClient client = new OpenLoopClient(server.getAddress(), 2)) {
            List<CompletableFuture<Outcome>> slow =
                    List.of(sendAsync(client, "/slow", 10), sendAsync(client, "/slow", 10));
            assertFalse(
                    client.send(() -> request(client, "/length", 10), (status, retryAfter, tenantNode, error) -> {}));
            unblock.countDown();
            for (CompletableFuture<Outcome> reply : slow)
                assertEquals(new Outcome(200, false, null, null), reply.get());
            client.awaitReplies();
            assertEquals(new Outcome(200, false, null, null), send(client, "/length", 10));
        }
    }

    /** The listener goes after the connection opened: the connection is reset, and opening it again is refused. */
    @Test
    void failsARequestWhenNothingListens() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                OpenLoopClient client = new OpenLoopClient((InetSocketAddress) listener.getLocalSocketAddress(), 1)) {
            listener.close();
            Outcome outcome = send(client, "/length", 10);
            assertEquals(0, outcome.status);
            assertTrue(outcome.error != null, "a transport error");
        }
    }

    @Test
    void buildsAPostWithItsContentLength() {
        OpenLoopClient.Post post = new OpenLoopClient.Post("POST /x HTTP/1.1\r\nContent-Length: ".getBytes(), 4);
        ByteBuffer request =
                post.append("{\"n\":").append(1234567890L).append("}").request();
        String text = StandardCharsets.US_ASCII.decode(request).toString();
        assertEquals("POST /x HTTP/1.1\r\nContent-Length: 16\r\n\r\n{\"n\":1234567890}", text);
    }

    private static Outcome send(OpenLoopClient client, String path, int bodyBytes) throws Exception {
        return sendAsync(client, path, bodyBytes).get(10, TimeUnit.SECONDS);
    }

    private static CompletableFuture<Outcome> sendAsync(OpenLoopClient client, String path, int bodyBytes) {
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        assertTrue(client.send(
                () -> request(client, path, bodyBytes),
                (status, retryAfter, tenantNode, error) ->
                        outcome.complete(new Outcome(status, retryAfter, tenantNode, error))));
        return outcome;
    }

    private static ByteBuffer request(OpenLoopClient client, String path, int bodyBytes) {
        OpenLoopClient.Post post = new OpenLoopClient.Post(client.postHead(path, "text/plain"), 16);
        for (int i = 0; i < bodyBytes; i++) post.append(Integer.toString(i % 10));
        return post.request();
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private void awaitUnblock() {
        try {
            unblock.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads one request's head and its Content-Length body. */
    private static void readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) throw new IOException("closed before a request");
            head.write(b);
        }
        String length = head.toString(StandardCharsets.US_ASCII).replaceAll("(?s).*Content-Length: (\\d+).*", "$1");
        in.readNBytes(Integer.parseInt(length));
    }
}
