package io.shardview.bench.http;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * An HTTP/1.1 client for offering one node load open-loop from the machine it runs on, cheaply enough that the client
 * is not what limits the node. bench/overload offered its batches with the JDK's {@link java.net.http.HttpClient}
 * (four instances taking turns, in the run these figures are from): pushing about 1,280 batches/s of 8 KB bodies took
 * it 1.01 cores, 161% of the node's 0.62, on 2 cores shared with the node, and 870,000 due batches went unsent with
 * every request slot taken, so the node never saw the 120% of its capacity (about 2,300 batches/s) the run meant to
 * offer.
 *
 * <p>This client does only what that needs. It keeps a fixed pool of kept-alive connections to one host and port, all
 * opened at construction one after the other (so a burst of connects cannot overrun the server's accept backlog),
 * with at most one request in flight on each (no pipelining), all driven by one selector thread. A request's bytes,
 * built by the caller, are written as they are, without blocking; a reply is parsed as far as its status, Retry-After,
 * Connection: close and its body's framing (Content-Length, chunked, or up to the close), and its body is skipped. A
 * connection the server closes is opened again when it is next needed. {@link #send} never waits: with every
 * connection busy it returns false, and the caller counts the request as not sent.
 */
final class OpenLoopClient implements AutoCloseable {
    /** As long as the JDK client's request timeout bench/overload used; the node answers every write within it. */
    private static final long REPLY_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

    private static final long CONNECT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long TICK_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * What became of one request: a reply's status, whether it had Retry-After and its Shardview-Tenant-Node header
     * (the node that runs the tenant, docs/api.md), or a transport error.
     */
    @FunctionalInterface
    interface Callback {
        /**
         * Either {@code error} is null and the reply had {@code status} (and {@code tenantNode}, null without the
         * header), or there was no reply (status 0).
         */
        void done(int status, boolean retryAfter, String tenantNode, IOException error);
    }

    private record Exchange(ByteBuffer request, Callback callback) {}

    private final InetSocketAddress address;
    private final Selector selector;
    private final Connection[] connections;
    private final ArrayDeque<Connection> idle = new ArrayDeque<>(); // open, in the order they became free
    private final ArrayDeque<Connection> closed = new ArrayDeque<>();
    private final ConcurrentLinkedQueue<Exchange> submitted = new ConcurrentLinkedQueue<>();
    private final Semaphore free; // connections neither busy nor promised to a submitted request
    private final AtomicInteger outstanding = new AtomicInteger(); // sent, callback not returned yet
    private final ByteBuffer input = ByteBuffer.allocateDirect(64 * 1024);
    private final Thread thread;
    private volatile boolean closing;

    /** Opens {@code connections} connections to {@code address}, one after the other, and starts the I/O thread. */
    OpenLoopClient(InetSocketAddress address, int connections) throws IOException {
        this.address = address;
        this.selector = Selector.open();
        this.connections = new Connection[connections];
        this.free = new Semaphore(connections);
        try {
            for (int i = 0; i < connections; i++) {
                Connection connection = new Connection();
                this.connections[i] = connection;
                connection.openBlocking();
                idle.addLast(connection);
            }
        } catch (IOException e) {
            for (Connection connection : this.connections) if (connection != null) connection.close();
            selector.close();
            throw e;
        }
        thread = new Thread(this::run, "open-loop-client");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Sends the request {@code request} builds (called only if a connection is free) and calls {@code callback} on
     * this client's I/O thread with what came of it; or, with every connection busy, sends nothing and returns false.
     * The buffer's bytes from its position to its limit are the whole request, head and body; the client owns it from
     * then on. Safe from any thread, the callback included.
     */
    boolean send(Supplier<ByteBuffer> request, Callback callback) {
        if (!free.tryAcquire()) return false;
        ByteBuffer bytes;
        try {
            bytes = request.get();
        } catch (RuntimeException e) {
            free.release();
            throw e;
        }
        outstanding.incrementAndGet();
        submitted.add(new Exchange(bytes, callback));
        selector.wakeup();
        return true;
    }

    /** Waits until every request sent so far has had its callback. */
    synchronized void awaitReplies() throws InterruptedException {
        while (outstanding.get() > 0) wait();
    }

    /** The start of a POST's head to {@code path} of this client's host, up to its Content-Length value. */
    byte[] postHead(String path, String contentType) {
        return ("POST " + path + " HTTP/1.1\r\nHost: " + address.getHostString() + ":" + address.getPort()
                        + "\r\nContent-Type: " + contentType + "\r\nContent-Length: ")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Stops the I/O thread and closes every connection; a request still in flight fails. */
    @Override
    public void close() throws InterruptedException {
        closing = true;
        selector.wakeup();
        thread.join();
    }

    private void run() {
        long nextTick = System.nanoTime() + TICK_NANOS;
        try {
            while (!closing) {
                selector.select(this::ready, 1000);
                for (Exchange exchange; (exchange = submitted.poll()) != null; ) start(exchange);
                long now = System.nanoTime();
                if (now - nextTick >= 0) {
                    for (Connection connection : connections) connection.expire(now);
                    nextTick = now + TICK_NANOS;
                }
            }
        } catch (IOException e) {
            e.printStackTrace();
        } finally {
            IOException stopped = new IOException("client closed");
            for (Connection connection : connections) {
                if (connection.exchange != null) connection.fail(stopped);
                else connection.close();
            }
            for (Exchange exchange; (exchange = submitted.poll()) != null; ) finish(exchange, 0, false, null, stopped);
            try {
                selector.close();
            } catch (IOException e) {
                e.printStackTrace();
            }
        }
    }

    /** A submitted request onto a connection: the longest idle one still open, else a closed one opened again. */
    private void start(Exchange exchange) {
        Connection connection;
        while ((connection = idle.pollFirst()) != null && !connection.stillOpen()) connection.close();
        if (connection != null) connection.begin(exchange);
        else closed.pop().reopen(exchange); // free's permits guarantee one
    }

    private void ready(SelectionKey key) {
        Connection connection = (Connection) key.attachment();
        if (!key.isValid()) return;
        if (key.isConnectable()) {
            connection.connected();
            return;
        }
        if (key.isWritable()) connection.write();
        if (key.isValid() && key.isReadable()) connection.read();
    }

    /** Frees the request's slot, then calls its callback (which may send again into that slot). */
    private void finish(Exchange exchange, int status, boolean retryAfter, String tenantNode, IOException error) {
        free.release();
        try {
            exchange.callback.done(status, retryAfter, tenantNode, error);
        } catch (RuntimeException e) {
            e.printStackTrace(); // the I/O thread goes on serving the other requests
        }
        if (outstanding.decrementAndGet() == 0) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** One connection and the request on it; used on the I/O thread only (and by the constructor). */
    private final class Connection {
        private final Reply reply = new Reply();
        private SocketChannel channel;
        private SelectionKey key;
        private Exchange exchange;
        private long since; // when the exchange began
        private boolean connecting;

        void openBlocking() throws IOException {
            channel = SocketChannel.open(address);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.configureBlocking(false);
            key = channel.register(selector, SelectionKey.OP_READ, this);
        }

        /** Opens the connection again, without waiting, to send {@code exchange} once connected. */
        void reopen(Exchange exchange) {
            this.exchange = exchange;
            since = System.nanoTime();
            try {
                channel = SocketChannel.open();
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.configureBlocking(false);
                connecting = !channel.connect(address);
                key = channel.register(selector, connecting ? SelectionKey.OP_CONNECT : SelectionKey.OP_READ, this);
            } catch (IOException e) {
                fail(e);
                return;
            }
            if (!connecting) begin(exchange);
        }

        void connected() {
            try {
                channel.finishConnect();
            } catch (IOException e) {
                fail(e);
                return;
            }
            connecting = false;
            key.interestOps(SelectionKey.OP_READ);
            begin(exchange);
        }

        void begin(Exchange exchange) {
            this.exchange = exchange;
            since = System.nanoTime();
            reply.reset();
            write();
        }

        void write() {
            ByteBuffer request = exchange.request;
            try {
                channel.write(request);
            } catch (IOException e) {
                fail(e);
                return;
            }
            key.interestOps(
                    request.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        /**
         * Whether an idle connection is still open: the server may have closed it (its idle timeout) since its last
         * reply, and a request written into it then would fail. Reads without waiting: nothing is due on it.
         */
        boolean stillOpen() {
            input.clear();
            try {
                return channel.read(input) == 0;
            } catch (IOException e) {
                return false;
            }
        }

        void read() {
            input.clear();
            int n;
            try {
                n = channel.read(input);
            } catch (IOException e) {
                if (exchange != null) fail(e);
                else closeIdle();
                return;
            }
            if (exchange == null) { // an idle connection closed by the server, or bytes nobody asked for
                closeIdle();
                return;
            }
            try {
                if (n < 0) {
                    if (!reply.endOfInput()) {
                        fail(new EOFException("connection closed by the server before the reply's end"));
                        return;
                    }
                } else {
                    input.flip();
                    if (!reply.parse(input)) return;
                }
            } catch (IOException malformed) {
                fail(malformed);
                return;
            }
            Exchange done = exchange;
            exchange = null;
            if (n < 0 || reply.close || input.hasRemaining() || done.request.hasRemaining()) close();
            else idle.addLast(this);
            finish(done, reply.status, reply.retryAfter, reply.tenantNode, null);
        }

        /** Fails the request on this connection if it is past its time. */
        void expire(long now) {
            if (exchange == null) return;
            if (connecting && now - since > CONNECT_TIMEOUT_NANOS) fail(new ConnectException("connect timed out"));
            else if (now - since > REPLY_TIMEOUT_NANOS) fail(new SocketTimeoutException("no reply within 60 s"));
        }

        void fail(IOException error) {
            Exchange failed = exchange;
            exchange = null;
            close();
            finish(failed, 0, false, null, error);
        }

        private void closeIdle() {
            idle.remove(this);
            close();
        }

        /** Closes the channel (if it opened); the connection waits in {@link #closed} to be opened again. */
        void close() {
            connecting = false;
            if (channel != null) {
                try {
                    channel.close(); // cancels the key
                } catch (IOException e) {
                    e.printStackTrace();
                }
            }
            closed.push(this);
        }
    }

    /**
     * One reply parsed as its bytes come, as far as this client needs: its status, whether it has Retry-After, its
     * Shardview-Tenant-Node, whether the server closes the connection after it, and where its body ends, which is
     * skipped.
     */
    static final class Reply {
        private static final int STATUS_LINE = 0;
        private static final int HEADER = 1;
        private static final int BODY = 2;
        private static final int CHUNK_SIZE = 3;
        private static final int CHUNK_DATA = 4;
        private static final int CHUNK_END = 5;
        private static final int TRAILER = 6;
        private static final int UNTIL_CLOSE = 7;
        private static final int DONE = 8;
        private static final int MAX_LINE = 16 * 1024;

        int status;
        boolean retryAfter;
        String tenantNode;
        boolean close;
        private int state;
        private boolean chunked;
        private long contentLength;
        private long remaining;
        private byte[] line = new byte[256];
        private int lineLength;

        void reset() {
            state = STATUS_LINE;
            lineLength = 0;
        }

        /** Reads {@code in} up to the reply's end at most; whether the reply is complete. */
        boolean parse(ByteBuffer in) throws IOException {
            while (state != DONE && in.hasRemaining()) {
                if (state == BODY || state == CHUNK_DATA) {
                    int n = (int) Math.min(remaining, in.remaining());
                    in.position(in.position() + n);
                    remaining -= n;
                    if (remaining == 0) state = state == BODY ? DONE : CHUNK_END;
                } else if (state == UNTIL_CLOSE) {
                    in.position(in.limit());
                } else if (readLine(in)) {
                    line();
                    lineLength = 0;
                }
            }
            return state == DONE;
        }

        /** The connection closed: whether the reply was complete (its body delimited by the close). */
        boolean endOfInput() {
            if (state == UNTIL_CLOSE) state = DONE;
            return state == DONE;
        }

        /** Adds {@code in}'s bytes to the line up to its LF; whether the line is complete. */
        private boolean readLine(ByteBuffer in) throws IOException {
            while (in.hasRemaining()) {
                byte b = in.get();
                if (b == '\n') {
                    if (lineLength > 0 && line[lineLength - 1] == '\r') lineLength--;
                    return true;
                }
                if (lineLength == line.length) {
                    if (lineLength == MAX_LINE) throw new IOException("a reply line over " + MAX_LINE + " bytes");
                    line = Arrays.copyOf(line, Math.min(2 * lineLength, MAX_LINE));
                }
                line[lineLength++] = b;
            }
            return false;
        }

        private void line() throws IOException {
            switch (state) {
                case STATUS_LINE -> statusLine();
                case HEADER -> {
                    if (lineLength == 0) endOfHead();
                    else header();
                }
                case CHUNK_SIZE -> {
                    long size = hex();
                    if (size == 0) state = TRAILER;
                    else {
                        remaining = size;
                        state = CHUNK_DATA;
                    }
                }
                case CHUNK_END -> {
                    if (lineLength != 0) throw new IOException("no CRLF after a chunk's data");
                    state = CHUNK_SIZE;
                }
                case TRAILER -> {
                    if (lineLength == 0) state = DONE;
                }
                default -> throw new IllegalStateException("no line in state " + state);
            }
        }

        private void statusLine() throws IOException {
            if (lineLength < 12 || !startsWith("HTTP/1.1 ") || lineLength > 12 && line[12] != ' ') {
                throw new IOException("not an HTTP/1.1 status line: " + text(0, lineLength));
            }
            status = 0;
            for (int i = 9; i < 12; i++) {
                if (line[i] < '0' || line[i] > '9') throw new IOException("bad status: " + text(0, lineLength));
                status = status * 10 + line[i] - '0';
            }
            retryAfter = false;
            tenantNode = null;
            close = false;
            chunked = false;
            contentLength = -1;
            state = HEADER;
        }

        private void header() throws IOException {
            int colon = 0;
            while (colon < lineLength && line[colon] != ':') colon++;
            if (colon == lineLength) throw new IOException("a header without a colon: " + text(0, lineLength));
            int from = colon + 1;
            int to = lineLength;
            while (from < to && (line[from] == ' ' || line[from] == '\t')) from++;
            while (to > from && (line[to - 1] == ' ' || line[to - 1] == '\t')) to--;
            if (nameIs("content-length", colon)) {
                if (from == to) throw new IOException("an empty Content-Length");
                long length = 0;
                for (int i = from; i < to; i++) {
                    if (line[i] < '0' || line[i] > '9' || length > Long.MAX_VALUE / 10 - 1) {
                        throw new IOException("bad Content-Length: " + text(from, to));
                    }
                    length = length * 10 + line[i] - '0';
                }
                contentLength = length;
            } else if (nameIs("retry-after", colon)) {
                retryAfter = true;
            } else if (nameIs("shardview-tenant-node", colon)) {
                tenantNode = text(from, to);
            } else if (nameIs("connection", colon)) {
                for (String option : text(from, to).split(","))
                    close |= option.trim().equalsIgnoreCase("close");
            } else if (nameIs("transfer-encoding", colon)) {
                String[] codings = text(from, to).split(",");
                chunked = codings[codings.length - 1].trim().equalsIgnoreCase("chunked");
                if (!chunked) close = true; // another coding last: the body runs to the close
            }
        }

        private void endOfHead() {
            if (status < 200) { // an interim reply (100 Continue): the reply proper follows
                state = STATUS_LINE;
            } else if (status == 204 || status == 304) {
                state = DONE;
            } else if (chunked) {
                state = CHUNK_SIZE;
            } else if (contentLength >= 0) {
                remaining = contentLength;
                state = contentLength == 0 ? DONE : BODY;
            } else {
                close = true;
                state = UNTIL_CLOSE;
            }
        }

        /** A chunk's size: hex digits, up to any chunk extension. */
        private long hex() throws IOException {
            long size = 0;
            int i = 0;
            for (; i < lineLength && line[i] != ';' && line[i] != ' ' && line[i] != '\t'; i++) {
                int digit = Character.digit(line[i], 16);
                if (digit < 0 || size > (Long.MAX_VALUE >> 4)) throw new IOException("bad chunk size: " + text(0, i));
                size = size << 4 | digit;
            }
            if (i == 0) throw new IOException("no chunk size");
            return size;
        }

        /** Whether the line's header name, before {@code colon}, is {@code lowerCase} in any case. */
        private boolean nameIs(String lowerCase, int colon) {
            if (colon != lowerCase.length()) return false;
            for (int i = 0; i < colon; i++) {
                int b = line[i];
                if ((b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b) != lowerCase.charAt(i)) return false;
            }
            return true;
        }

        private boolean startsWith(String prefix) {
            for (int i = 0; i < prefix.length(); i++) if (line[i] != prefix.charAt(i)) return false;
            return true;
        }

        private String text(int from, int to) {
            return new String(line, from, to - from, StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * The bytes of one POST in one array, for {@link #send}: the body is written first, after room for the head, and
     * the head, whose Content-Length is known then, goes just before it. Only ASCII bodies.
     */
    static final class Post {
        private final byte[] head;
        private final int bodyStart;
        private byte[] bytes;
        private int length;

        /** A POST whose head starts with {@code head} (from {@link #postHead}), its body about {@code size} bytes. */
        Post(byte[] head, int size) {
            this.head = head;
            this.bodyStart = head.length + 19 + 4; // the longest Content-Length value, CRLF CRLF
            this.bytes = new byte[bodyStart + size];
            this.length = bodyStart;
        }

        Post append(String ascii) {
            int n = ascii.length();
            ensure(n);
            for (int i = 0; i < n; i++) bytes[length + i] = (byte) ascii.charAt(i);
            length += n;
            return this;
        }

        /** Appends {@code n} (not negative) in decimal. */
        Post append(long n) {
            if (n < 0) throw new IllegalArgumentException("negative: " + n);
            int digits = digits(n);
            ensure(digits);
            length += digits;
            write(n, length);
            return this;
        }

        /** The request: its head, then the body appended. */
        ByteBuffer request() {
            int bodyLength = length - bodyStart;
            int start = bodyStart - 4 - digits(bodyLength) - head.length;
            System.arraycopy(head, 0, bytes, start, head.length);
            write(bodyLength, bodyStart - 4);
            bytes[bodyStart - 4] = '\r';
            bytes[bodyStart - 3] = '\n';
            bytes[bodyStart - 2] = '\r';
            bytes[bodyStart - 1] = '\n';
            return ByteBuffer.wrap(bytes, start, length - start);
        }

        /** Writes {@code n}'s digits ending just before {@code end}. */
        private void write(long n, int end) {
            do {
                bytes[--end] = (byte) ('0' + n % 10);
                n /= 10;
            } while (n > 0);
        }

        private void ensure(int more) {
            if (length + more > bytes.length) bytes = Arrays.copyOf(bytes, Math.max(2 * bytes.length, length + more));
        }

        private static int digits(long n) {
            int digits = 1;
            while (n >= 10) {
                n /= 10;
                digits++;
            }
            return digits;
        }
    }
}
