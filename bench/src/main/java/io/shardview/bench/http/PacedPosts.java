package io.shardview.bench.http;

import java.io.IOException;
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
                        KeptAlive connection = null;
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
                                KeptAlive.Reply reply = connection.exchange(
                                        "POST",
                                        post.path(),
                                        "application/json",
                                        post.body().getBytes(StandardCharsets.UTF_8));
                                answer.accept(k, reply.status(), reply.body(), due, System.nanoTime());
                                if (reply.closes()) {
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

    private KeptAlive connect() throws IOException {
        return KeptAlive.open(base.getHost(), base.getPort(), 60_000);
    }
}
