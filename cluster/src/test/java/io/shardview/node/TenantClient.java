package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Requests against one tenant of a node, over HTTP. */
public final class TenantClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    final ShardviewNode node;
    final String base;

    public TenantClient(ShardviewNode node, String tenant) {
        this.node = node;
        this.base = node.url() + "/v1/tenants/" + tenant;
    }

    public HttpResponse<String> get(String path) {
        return TestNodes.send(
                node,
                HttpRequest.newBuilder(URI.create(path.isEmpty() ? base : base + "/" + path))
                        .GET());
    }

    public HttpResponse<String> post(String path, String contentType, String body) {
        return TestNodes.send(
                node,
                HttpRequest.newBuilder(URI.create(base + "/" + path))
                        .header("Content-Type", contentType)
                        .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    HttpResponse<String> put(String path, String contentType, String body) {
        return TestNodes.send(
                node,
                HttpRequest.newBuilder(URI.create(base + "/" + path))
                        .header("Content-Type", contentType)
                        .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    public JsonNode sql(String sql, int status) throws Exception {
        return json(post("sql", "application/sql", sql), status);
    }

    public JsonNode ingest(String body, int status) throws Exception {
        return json(post("ingest", "application/json", body), status);
    }

    long version() throws Exception {
        return json(get(""), 200).get("version").asLong();
    }

    public JsonNode json(HttpResponse<String> response, int status) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    JsonNode errorBody(HttpResponse<String> response, int status) throws Exception {
        JsonNode body = json(response, status);
        assertTrue(body.at("/error/message").isTextual(), body.toString());
        return body;
    }

    String error(HttpResponse<String> response, int status) throws Exception {
        return errorBody(response, status).at("/error/code").asText();
    }
}
