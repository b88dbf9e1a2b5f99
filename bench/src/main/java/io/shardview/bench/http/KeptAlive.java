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
import java.util.HashMap;
import java.util.Map;

/**
 * HTTP/1.1 over kept-alive connections with blocking I/O, one request at a time on each: for a bench thread that
 * sends a request and waits for its answer. It costs the machine a small part of what {@link java.net.http.HttpClient}
 * does for the same exchange (its selector thread, executor hand-offs and body subscribers), which matters when the
 * client shares 2 cores with the node it measures; {@link #request} keeps one connection per thread and host.
 */
final class KeptAlive implements AutoCloseable {
    /** An answer: its status, its body as text, and whether the server closes the connection after it. */
    record Reply(int status, String body, boolean closes) {}

    private static final ThreadLocal<Map<String, KeptAlive>> BY_THREAD = ThreadLocal.withInitial(HashMap::new);

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final String host;

    private KeptAlive(Socket socket, String host) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        this.host = host;
    }

    /** Opens a connection to {@code host:port}, waiting at most 5 s, and answers within {@code replyMillis}. */
    static KeptAlive open(String host, int port, int replyMillis) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), 5_000);
            socket.setSoTimeout(replyMillis);
            return new KeptAlive(socket, host + ":" + port);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Sends {@code method} of {@code url} ({@code body} null for none) on this thread's connection to its host, opened
     * when it has none, and reads the answer. A reused connection the server had closed before answering (its idle
     * timeout) is opened again and the request sent once more; any other failure is thrown, the connection closed.
     */
    static Reply request(URI url, String method, String contentType, byte[] body, String... headers)
            throws IOException {
        Map<String, KeptAlive> mine = BY_THREAD.get();
        String key = url.getHost() + ":" + url.getPort();
        KeptAlive connection = mine.get(key);
        boolean reused = connection != null;
        for (; ; reused = false) {
            if (connection == null) {
                connection = open(url.getHost(), url.getPort(), 180_000);
                mine.put(key, connection);
            }
            try {
                Reply reply = connection.exchange(method, url.getRawPath() + query(url), contentType, body, headers);
                if (reply.closes()) {
                    connection.close();
                    mine.remove(key);
                }
                return reply;
            } catch (IOException e) {
                connection.close();
                mine.remove(key);
                connection = null;
                if (!(reused && e instanceof ClosedBeforeAnswer)) throw e;
            }
        }
    }

    /** Sends one request on this connection and reads its whole answer. */
    Reply exchange(String method, String target, String contentType, byte[] body, String... headers)
            throws IOException {
        StringBuilder head = new StringBuilder(128)
                .append(method)
                .append(' ')
                .append(target)
                .append(" HTTP/1.1\r\nHost: ")
                .append(host)
                .append("\r\n");
        if (body != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n");
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        byte[] headBytes = head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
        byte[] request = headBytes;
        if (body != null) {
            request = new byte[headBytes.length + body.length];
            System.arraycopy(headBytes, 0, request, 0, headBytes.length);
            System.arraycopy(body, 0, request, headBytes.length, body.length);
        }
        int first;
        try {
            out.write(request);
            out.flush();
            first = in.read();
        } catch (IOException e) { // a reset of a connection the server had closed
            throw new ClosedBeforeAnswer(e);
        }
        if (first < 0) throw new ClosedBeforeAnswer(null);
        String statusLine = (char) first + line();
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2) throw new IOException("no status line: " + statusLine);
        int status = Integer.parseInt(parts[1]);
        long length = -1;
        boolean chunked = false;
        boolean closes = false;
        for (String header = line(); !header.isEmpty(); header = line()) {
            int colon = header.indexOf(':');
            if (colon < 0) continue;
            String name = header.substring(0, colon).trim();
            String value = header.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) length = Long.parseLong(value);
            if (name.equalsIgnoreCase("Transfer-Encoding")) chunked = value.equalsIgnoreCase("chunked");
            if (name.equalsIgnoreCase("Connection")) closes = value.equalsIgnoreCase("close");
        }
        byte[] answer;
        if (method.equals("HEAD") || status == 204 || status == 304) {
            answer = new byte[0];
        } else if (chunked) {
            answer = chunks();
        } else if (length >= 0) {
            answer = in.readNBytes((int) length);
            if (answer.length < length) throw new IOException("connection closed in an answer");
        } else {
            answer = in.readAllBytes(); // framed by the close
            closes = true;
        }
        return new Reply(status, new String(answer, StandardCharsets.UTF_8), closes);
    }

    private byte[] chunks() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line();
            int ext = size.indexOf(';');
            int n = Integer.parseInt((ext < 0 ? size : size.substring(0, ext)).trim(), 16);
            if (n == 0) {
                while (!line().isEmpty()) {} // trailers
                return body.toByteArray();
            }
            byte[] chunk = in.readNBytes(n);
            if (chunk.length < n) throw new IOException("connection closed in a chunk");
            body.write(chunk);
            line(); // the CRLF after the chunk
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) throw new IOException("connection closed");
            if (b != '\r') line.write(b);
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    private static String query(URI url) {
        return url.getRawQuery() == null ? "" : "?" + url.getRawQuery();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** The server closed a kept-alive connection before the first byte of an answer. */
    private static final class ClosedBeforeAnswer extends IOException {
        ClosedBeforeAnswer(IOException cause) {
            super("connection closed before an answer", cause);
        }
    }
}
