package io.shardview.node;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Polls a node's /health every 50 ms from a thread of its own, each time over a new connection,
 * and records when each poll started and how long it took to be answered in full.
 */
final class HealthPoller {
    /** One poll: wall-clock start and end, in milliseconds. */
    record Poll(long startMs, long endMs) {
        long millis() {
            return endMs - startMs;
        }
    }

    private static final long EVERY_MS = 50;

    private final InetSocketAddress address;
    private final List<Poll> polls = new ArrayList<>();
    private final Thread thread = new Thread(this::run, "health-poller");
    private volatile boolean running = true;
    private volatile Throwable failure;

    private HealthPoller(InetSocketAddress address) {
        this.address = address;
    }

    static HealthPoller start(ShardviewNode node) {
        URI url = URI.create(node.url());
        HealthPoller poller = new HealthPoller(new InetSocketAddress(url.getHost(), url.getPort()));
        poller.thread.setDaemon(true);
        poller.thread.start();
        return poller;
    }

    /** Stops polling and returns the polls; fails if a poll failed. */
    List<Poll> stop() throws InterruptedException {
        running = false;
        thread.join();
        if (failure != null) throw new AssertionError("polling /health failed", failure);
        return polls;
    }

    private void run() {
        try {
            while (running) {
                long start = System.currentTimeMillis();
                poll();
                long end = System.currentTimeMillis();
                polls.add(new Poll(start, end));
                Thread.sleep(Math.max(0, EVERY_MS - (end - start)));
            }
        } catch (Throwable e) {
            failure = e;
        }
    }

    private void poll() throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(address, 60_000);
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /health HTTP/1.1\r\nHost: " + address.getHostString() + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            if (!response.startsWith("HTTP/1.1 200")) throw new IllegalStateException("/health answered " + response);
        }
    }
}
