package io.shardview.bench.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A TCP proxy on loopback that delays every byte by a fixed time in each direction, in order: a stand-in for the
 * distance between regions where {@code tc netem} is not allowed. A node advertises the proxy's port as its canonical
 * remoting address and binds behind it, so every connection another node opens to it crosses the delay.
 */
final class DelayProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int target;
    private final long delayNanos;

    DelayProxy(int listen, int target, long delayMillis) throws IOException {
        this.server = new ServerSocket(listen, 50, InetAddress.getLoopbackAddress());
        this.target = target;
        this.delayNanos = delayMillis * 1_000_000L;
        Thread accept = new Thread(this::accept, "delay-proxy-" + listen);
        accept.setDaemon(true);
        accept.start();
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket in;
            try {
                in = server.accept();
            } catch (IOException closed) {
                return;
            }
            try {
                Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
                in.setTcpNoDelay(true);
                out.setTcpNoDelay(true);
                pipe(in, out);
                pipe(out, in);
            } catch (IOException targetNotUp) {
                // The node behind is not listening yet (another node tried it first): refuse this connection only.
                try {
                    in.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }
    }

    private record Chunk(long due, byte[] bytes, int length) {}

    /** Copies {@code from} to {@code to}: a reader stamps each chunk with its due time, a writer sends it then. */
    private void pipe(Socket from, Socket to) {
        LinkedBlockingQueue<Chunk> line = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (InputStream in = from.getInputStream()) {
                while (true) {
                    byte[] buffer = new byte[64 * 1024];
                    int n = in.read(buffer);
                    line.put(new Chunk(System.nanoTime() + delayNanos, buffer, n));
                    if (n < 0) return;
                }
            } catch (IOException | InterruptedException ended) {
                line.offer(new Chunk(System.nanoTime(), new byte[0], -1));
            }
        });
        Thread writer = new Thread(() -> {
            try (OutputStream out = to.getOutputStream()) {
                while (true) {
                    Chunk chunk = line.take();
                    long wait = chunk.due() - System.nanoTime();
                    if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    if (chunk.length() < 0) break;
                    out.write(chunk.bytes(), 0, chunk.length());
                    out.flush();
                }
            } catch (IOException | InterruptedException ended) {
                // the other side closed
            }
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // closing
            }
        });
        reader.setDaemon(true);
        writer.setDaemon(true);
        reader.start();
        writer.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
