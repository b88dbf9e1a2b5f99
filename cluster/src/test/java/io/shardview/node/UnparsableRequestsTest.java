package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests Pekko HTTP cannot parse, sent byte for byte over a real socket: answered in the JSON error
 * model with their status (414, 431, 400), never in plain text and never with a 5xx.
 */
class UnparsableRequestsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;

    private static ShardviewNode node;

    @BeforeAll
    static void start() {
        node = TestNodes.start(dataDir, List.of());
    }

    @AfterAll
    static void stop() {
        node.stop();
    }

    /** Status line and body of the reply to {@code request}, read until the node closes the connection. */
    private static String[] exchange(String request) throws Exception {
        URI url = URI.create(node.url());
        try (Socket socket = new Socket(url.getHost(), url.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            in.transferTo(reply); // the node closes the connection after an unparsable request
            String text = reply.toString(StandardCharsets.UTF_8);
            int headersEnd = text.indexOf("\r\n\r\n");
            return new String[] {
                text.substring(0, text.indexOf("\r\n")), text.substring(0, headersEnd), text.substring(headersEnd + 4)
            };
        }
    }

    private static JsonNode assertJsonError(String[] reply, int status, String code) throws Exception {
        assertTrue(reply[0].startsWith("HTTP/1.1 " + status + " "), reply[0]);
        assertTrue(reply[1].toLowerCase().contains("content-type: application/json"), reply[1]);
        JsonNode error = JSON.readTree(reply[2]).get("error");
        assertEquals(code, error.get("code").asText(), reply[2]);
        assertTrue(
                error.get("message").isTextual()
                        && !error.get("message").asText().isBlank(),
                reply[2]);
        return error;
    }

    @Test
    void aUriLongerThanTheLimitIs414InTheErrorModel() throws Exception {
        JsonNode error = assertJsonError(
                exchange("GET /health?x=" + "a".repeat(3000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n"),
                414,
                "uri_too_long");
        assertEquals("max-uri-length", error.at("/details/limit").asText());
        assertEquals(2048, error.at("/details/max").asInt());
    }

    @Test
    void headersLargerThanTheLimitAre431InTheErrorModel() throws Exception {
        assertJsonError(
                exchange("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n"),
                431,
                "headers_too_large");
        StringBuilder many = new StringBuilder("GET /health HTTP/1.1\r\nHost: localhost\r\n");
        for (int i = 0; i < 70; i++) many.append("X-H").append(i).append(": v\r\n");
        assertJsonError(exchange(many + "\r\n"), 431, "headers_too_large");
    }

    @Test
    void malformedRequestsAre400InTheErrorModelEvenWherePekkoWouldAnswer5xx() throws Exception {
        assertJsonError(exchange("GET /a%G0 HTTP/1.1\r\nHost: localhost\r\n\r\n"), 400, "bad_request");
        assertJsonError(exchange("GET /health HTTP/1.1\r\n\r\n"), 400, "bad_request"); // no Host
        assertJsonError(
                exchange("GET /health HTTP/1.1\r\nContent-Length: x\r\nHost: localhost\r\n\r\n"), 400, "bad_request");
        // Pekko's own answers are 501 and 505: a 5xx is never the answer to bad input
        assertJsonError(exchange("BREW /health HTTP/1.1\r\nHost: localhost\r\n\r\n"), 400, "unsupported_method");
        assertJsonError(exchange("GET /health HTTP/3.7\r\nHost: localhost\r\n\r\n"), 400, "unsupported_http_version");
        assertEquals(200, TestNodes.get(node, "/health").statusCode(), "the node serves on");
    }
}
