package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bodies are read strictly: a byte that is not UTF-8 is a 400 naming its offset (never a replacement character
 * stored), another charset a 415, and a body over max-request-bytes a 413 the client can read, on a connection that
 * stays open.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StrictBodiesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REQUEST_BYTES = 64 * 1024;

    @TempDir
    static Path dataDir;

    private ShardviewNode node;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void startNode() throws Exception {
        node = TenantNodes.start(dataDir, Map.of("shardview.tenant.max-request-bytes", MAX_REQUEST_BYTES));
        new TenantClient(node, "strict").sql("CREATE TABLE t (id BIGINT NOT NULL, s VARCHAR, PRIMARY KEY (id))", 200);
    }

    @AfterAll
    void stopNode() {
        node.stop();
    }

    private HttpResponse<String> post(String path, String type, byte[] body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(node.url() + path))
                        .header("Content-Type", type)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] bytes(String ascii, int bad, String rest) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ascii.getBytes(StandardCharsets.UTF_8));
        out.write(bad);
        out.writeBytes(rest.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static JsonNode error(HttpResponse<String> response, int status) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        return JSON.readTree(response.body()).get("error");
    }

    @Test
    void aByteThatIsNotUtf8Is400NamingItsOffsetAndNothingIsStored() throws Exception {
        String head = "{\"ops\": [{\"op\": \"insert\", \"table\": \"t\", \"row\": {\"id\": 1, \"s\": \"caf";
        byte[] latin1 = bytes(head, 0xE9, "\"}}]}"); // é in Latin-1: not UTF-8
        JsonNode error = error(post("/v1/tenants/strict/ingest", "application/json", latin1), 400);
        assertEquals("bad_request", error.get("code").asText());
        assertEquals(head.length(), error.get("details").get("byte_offset").asInt(), error.toString());
        assertTrue(error.get("message").asText().contains("at byte " + head.length()), error.toString());

        String sqlHead = "INSERT INTO t VALUES (2, 'na";
        error = error(post("/v1/tenants/strict/sql", "application/sql", bytes(sqlHead, 0xEF, "ve')")), 400);
        assertEquals(sqlHead.length(), error.get("details").get("byte_offset").asInt(), error.toString());

        // a sequence cut off at the end of the body, in NDJSON
        String ndjson = "{\"op\": \"insert\", \"table\": \"t\", \"row\": {\"id\": 3, \"s\": \"x\"}}\n";
        error = error(post("/v1/tenants/strict/ingest", "application/x-ndjson", bytes(ndjson, 0xC3, "")), 400);
        assertEquals(ndjson.length(), error.get("details").get("byte_offset").asInt(), error.toString());

        JsonNode rows = JSON.readTree(http.send(
                        HttpRequest.newBuilder(URI.create(node.url() + "/v1/tenants/strict/tables/t?limit=100"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body());
        for (JsonNode row : rows.get("rows")) assertTrue(row.get("id").asLong() >= 10, "nothing stored: " + rows);
    }

    @Test
    void utf8IsStoredAsSentAndAnotherCharsetIs415() throws Exception {
        String row = "{\"ops\": [{\"op\": \"insert\", \"table\": \"t\", \"row\": {\"id\": 10, \"s\": \"café ☕ 𝄞\"}}]}";
        assertEquals(
                200,
                post("/v1/tenants/strict/ingest", "application/json", row.getBytes(StandardCharsets.UTF_8))
                        .statusCode());
        JsonNode stored = JSON.readTree(http.send(
                        HttpRequest.newBuilder(URI.create(node.url() + "/v1/tenants/strict/tables/t?limit=100"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body());
        boolean found = false;
        for (JsonNode r : stored.get("rows"))
            found |= r.get("id").asLong() == 10 && r.get("s").asText().equals("café ☕ 𝄞");
        assertTrue(found, stored.toString());

        JsonNode error = error(
                post(
                        "/v1/tenants/strict/sql",
                        "text/plain; charset=iso-8859-1",
                        "SELECT 1".getBytes(StandardCharsets.ISO_8859_1)),
                415);
        assertEquals("unsupported_media_type", error.get("code").asText());
        assertTrue(error.get("message").asText().contains("iso-8859-1"), error.toString());
    }

    @Test
    void aTokenRequestThatIsNotUtf8Is400() throws Exception {
        JsonNode error = error(post("/v1/tokens", "application/json", bytes("{\"tenant\": \"a", 0xFF, "\"}")), 400);
        assertEquals(13, error.get("details").get("byte_offset").asInt(), error.toString());
    }

    /**
     * A body declared over the limit is read through before its 413, so the client reads the answer, and the
     * connection stays open for the next request.
     */
    @Test
    void aBodyOverTheLimitIsReadThroughAnsweredAndTheConnectionServesOn() throws Exception {
        URI uri = URI.create(node.url());
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            byte[] body = new byte[MAX_REQUEST_BYTES * 3];
            java.util.Arrays.fill(body, (byte) ' ');
            out.write(("POST /v1/tenants/strict/ingest HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            for (int at = 0; at < body.length; at += 8192) {
                out.write(body, at, Math.min(8192, body.length - at)); // a reset here would throw
            }
            out.flush();
            String first = response(in);
            assertTrue(first.startsWith("HTTP/1.1 413"), first);
            assertTrue(first.contains("\"max-request-bytes\""), first);
            assertTrue(!first.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), first);

            out.write("GET /v1/tenants/strict HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String second = response(in);
            assertTrue(second.startsWith("HTTP/1.1 200"), second);
        }
    }

    @Test
    void aBodyFarOverTheLimitIsAnsweredAtOnceAndItsConnectionClosed() throws Exception {
        URI uri = URI.create(node.url());
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream()
                    .write(("POST /v1/tenants/strict/ingest HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                    + "Content-Length: " + (long) MAX_REQUEST_BYTES * 100 + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            String answer = response(socket.getInputStream()); // not one byte of the body sent
            assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
            assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), answer);
        }
    }

    /** One HTTP/1.1 response with a Content-Length body, headers and body as text. */
    private static String response(InputStream in) throws Exception {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) throw new java.io.EOFException("connection closed after: " + head);
            head.append((char) b);
        }
        java.util.regex.Matcher length =
                java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
        int n = length.find() ? Integer.parseInt(length.group(1)) : 0;
        return head + new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }
}
