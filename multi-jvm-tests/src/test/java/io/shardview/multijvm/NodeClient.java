package io.shardview.multijvm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A client of one node's HTTP API, as a user's tool would be: plain HTTP, JSON bodies read as trees. */
final class NodeClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final String url;

    NodeClient(String url) {
        this.url = url;
    }

    /** A response: status, headers and body text. */
    record Reply(int status, HttpResponse<byte[]> raw) {
        String body() {
            return new String(raw.body(), StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return JSON.readTree(raw.body());
            } catch (IOException e) {
                throw new AssertionError("not JSON (status " + status + "): " + body(), e);
            }
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        /** The error model's code, or null. */
        String errorCode() {
            return json().path("error").path("code").asText(null);
        }

        @Override
        public String toString() {
            return status + " " + body();
        }
    }

    Reply get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url + path)).GET());
    }

    Reply post(String path, String contentType, String body, String... headers) throws Exception {
        return post(path, contentType, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    Reply post(String path, String contentType, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(url + path)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) request.header("Content-Type", contentType);
        for (int i = 0; i < headers.length; i += 2) request.header(headers[i], headers[i + 1]);
        return send(request);
    }

    /** POST application/sql to /v1/tenants/{tenant}/sql. */
    Reply sql(String tenant, String sql, String... headers) throws Exception {
        return post("/v1/tenants/" + tenant + "/sql", "application/sql", sql, headers);
    }

    /** POST a JSON batch to /v1/tenants/{tenant}/ingest. */
    Reply ingest(String tenant, String json, String... headers) throws Exception {
        return post("/v1/tenants/" + tenant + "/ingest", "application/json", json, headers);
    }

    /** The value of {@code name{labels}} on /metrics, or 0 when absent (labels as written in the exposition). */
    double metric(String series) throws Exception {
        for (String line : get("/metrics").body().split("\n")) {
            if (line.startsWith(series + " "))
                return Double.parseDouble(line.substring(series.length() + 1).trim());
        }
        return 0;
    }

    private Reply send(HttpRequest.Builder request) throws Exception {
        HttpResponse<byte[]> response =
                HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Reply(response.statusCode(), response);
    }
}
