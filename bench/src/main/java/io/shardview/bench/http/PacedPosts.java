package io.shardview.bench.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * An open-loop load of HTTP POSTs at a fixed rate over a few kept-alive connections, each a thread with blocking I/O.
 * Request k is due at {@code start + k / rate}; a connection takes the next due request, waits for its time, sends
 * it and reads the answer. When every connection is busy, requests go out late and their latency counts from when
 * they were due (no coordinated omission). It costs the machine a small part of what {@link java.net.http.HttpClient}
 * with thousands of requests in flight does, which matters when the client shares 2 cores with the nodes it measures.
 */
final class PacedPosts {
    /** One request of the load: its path and JSON body. */
    record Post(String path, String body) {}

    /** What a connection saw for request {@code k}: status (-1: transport error), body, and nanos since due. */
    interface Answer {
        void accept(long k, int status, String body, long dueNanos, long answeredNanos);
    }

    private final URI base;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);

    private PacedPosts(URI base) {
        this.base = base;
    }

    /**
     * Starts {@code connections} threads posting {@code posts.apply(k)} for k = first, first + 1, ... at {@code rate}
     * per second to {@code baseUrl}, until {@link #stop}.
     */
    static PacedPosts start(
            String baseUrl, int rate, int connections, AtomicLong sequence, LongFunction<Post> posts, Answer answer) {
        PacedPosts load = new PacedPosts(URI.create(baseUrl));
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime();
        long first = sequence.get();
        for (int c = 0; c < connections; c++) {
            Thread thread = new Thread(
                    () -> {
                        Connection connection = null;
                        while (load.running.get()) {
                            long k = sequence.getAndIncrement();
                            long due = start + (k - first) * interval;
                            long wait = due - System.nanoTime();
                            if (wait > 0) {
                                try {
                                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                            if (!load.running.get()) break;
                            Post post = posts.apply(k);
                            try {
                                if (connection == null) connection = load.connect();
                                String body = connection.post(post);
                                answer.accept(k, connection.status, body, due, System.nanoTime());
                                if (connection.mustClose) {
                                    connection.close();
                                    connection = null;
                                }
                            } catch (IOException e) {
                                answer.accept(k, -1, "", due, System.nanoTime());
                                if (connection != null) connection.close();
                                connection = null;
                            }
                        }
                        if (connection != null) connection.close();
                    },
                    "paced-post-" + c);
            thread.setDaemon(true);
            load.threads.add(thread);
            thread.start();
        }
        return load;
    }

    /** Stops sending; returns when every connection has its last answer. */
    void stop() throws InterruptedException {
        running.set(false);
        for (Thread thread : threads) thread.join();
    }

    private Connection connect() throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
        socket.setSoTimeout(60_000);
        return new Connection(socket, base.getHost() + ":" + base.getPort());
    }

    /** One kept-alive HTTP/1.1 connection: a request, then its whole answer (Content-Length bodies only). */
    private static final class Connection {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private final String host;
        int status;
        /** The server said it closes the connection after this answer. */
        boolean mustClose;

        Connection(Socket socket, String host) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
            this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            this.host = host;
        }

        String post(Post post) throws IOException {
            byte[] body = post.body().getBytes(StandardCharsets.UTF_8);
            String head = "POST " + post.path() + " HTTP/1.1\r\nHost: " + host
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
            byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
            byte[] request = new byte[headBytes.length + body.length];
            System.arraycopy(headBytes, 0, request, 0, headBytes.length);
            System.arraycopy(body, 0, request, headBytes.length, body.length);
            out.write(request);
            out.flush();
            String statusLine = line();
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2) throw new IOException("no status line: " + statusLine);
            status = Integer.parseInt(parts[1]);
            int length = -1;
            mustClose = false;
            for (String header = line(); !header.isEmpty(); header = line()) {
                int colon = header.indexOf(':');
                if (colon < 0) continue;
                String name = header.substring(0, colon).trim();
                String value = header.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Content-Length")) length = Integer.parseInt(value);
                if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) mustClose = true;
            }
            if (length < 0) throw new IOException("an answer without Content-Length");
            byte[] answer = in.readNBytes(length);
            if (answer.length < length) throw new IOException("connection closed in an answer");
            return new String(answer, StandardCharsets.UTF_8);
        }

        private String line() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream(64);
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) throw new IOException("connection closed");
                if (b != '\r') line.write(b);
            }
            return line.toString(StandardCharsets.US_ASCII);
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
