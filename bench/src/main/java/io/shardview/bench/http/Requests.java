package io.shardview.bench.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The plain HTTP calls the tenant load generators make: one client, requests with a 60 s timeout. */
final class Requests {
    static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private Requests() {}

    static HttpResponse<String> post(String url, String type, String body) throws Exception {
        return send(request(url, type, body));
    }

    /** A POST of {@code body}, for {@link #HTTP}'s sendAsync. */
    static HttpRequest request(String url, String type, String body) {
        return HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", type)
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    static HttpResponse<String> send(HttpRequest request) throws Exception {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> put(String url, String type, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", type)
                .timeout(Duration.ofSeconds(60))
                .PUT(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    static HttpResponse<String> get(String url) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(60))
                .build());
    }

    /** Fails unless the reply has {@code status}, naming the status and body it had. */
    static void expect(int status, HttpResponse<String> reply) {
        if (reply.statusCode() != status) {
            throw new IllegalStateException("expected " + status + ", got " + reply.statusCode() + ": " + reply.body());
        }
    }
}
