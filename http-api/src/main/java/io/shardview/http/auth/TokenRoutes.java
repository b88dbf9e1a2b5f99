package io.shardview.http.auth;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.delete;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEnd;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardview.entity.auth.TokenProtocol;
import io.shardview.http.ApiError;
import io.shardview.http.Contained;
import io.shardview.http.ErrorCode;
import io.shardview.http.Json;
import io.shardview.http.RouteMetrics;
import io.shardview.http.TenantEndpoints;
import io.shardview.http.Utf8Body;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * /v1/tokens: the admin creates, lists and revokes tenant tokens ({@link Auth} lets only the admin token in). A new
 * token's secret is made here, shown once in the reply, and only its SHA-256 goes to the registry.
 */
public final class TokenRoutes {
    private static final int MAX_NAME = 200;

    private final ActorSystem<?> system;
    private final RouteMetrics metrics;
    private final TokenCache cache;
    private final Duration timeout;

    public TokenRoutes(ActorSystem<?> system, RouteMetrics metrics, TokenCache cache, Duration timeout) {
        this.system = system;
        this.metrics = metrics;
        this.cache = cache;
        this.timeout = timeout;
    }

    public Route routes() {
        return pathPrefix(
                PathMatchers.segment("v1").slash("tokens"),
                () -> concat(
                        pathEnd(() -> metrics.endpoint("/v1/tokens", concat(post(this::create), get(this::list)))),
                        path(
                                PathMatchers.segment(),
                                id -> metrics.endpoint("/v1/tokens/{id}", delete(() -> revoke(id))))));
    }

    private Route create() {
        return extractRequest(request -> Utf8Body.text(request, Contained.body("token", body -> {
            JsonNode node;
            try {
                node = Json.MAPPER.readTree(body);
            } catch (java.io.IOException e) {
                node = null;
            }
            if (node == null
                    || !node.isObject()
                    || !node.path("tenant").isTextual()
                    || !node.path("name").isTextual()) {
                return complete(badRequest("the body must be a JSON object with strings \"tenant\" and \"name\", e.g. "
                        + "{\"tenant\": \"acme\", \"name\": \"grafana\"}"));
            }
            String tenant = node.get("tenant").asText();
            String name = node.get("name").asText();
            if (!TenantEndpoints.validTenant(tenant)) return complete(badRequest(TenantEndpoints.TENANT_RULE));
            if (name.isEmpty() || name.length() > MAX_NAME) {
                return complete(badRequest("a token's name is 1 to " + MAX_NAME + " characters"));
            }
            Secrets.NewToken token = Secrets.newToken();
            byte[] hash = Secrets.sha256(token.secret());
            return TenantEndpoints.reply(
                    TokenProtocol.<TokenProtocol.Token>ask(
                                    system,
                                    replyTo -> new TokenProtocol.Create(token.id(), tenant, name, hash, replyTo),
                                    timeout)
                            // answered once this node's copy holds it: the token works here at once
                            .thenCompose(created -> cache.refreshNow().handle((known, failed) -> created)),
                    created -> {
                        Map<String, Object> reply = new LinkedHashMap<>();
                        reply.put("id", created.id());
                        reply.put("tenant", created.tenant());
                        reply.put("name", created.name());
                        reply.put("token", token.token());
                        return Json.response(StatusCodes.CREATED, reply);
                    },
                    "the token registry",
                    timeout,
                    TenantEndpoints.Effect.WRITE);
        })));
    }

    private Route list() {
        return TenantEndpoints.reply(
                TokenProtocol.<TokenProtocol.Tokens>ask(
                        system, replyTo -> new TokenProtocol.Fetch(-1, replyTo), timeout),
                tokens -> Json.response(StatusCodes.OK, Map.of("tokens", listed(tokens.tokens()))),
                "the token registry",
                timeout,
                TenantEndpoints.Effect.READ);
    }

    private static List<Map<String, Object>> listed(List<TokenProtocol.Token> tokens) {
        return tokens.stream()
                .map(t -> {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("id", t.id());
                    out.put("tenant", t.tenant());
                    out.put("name", t.name());
                    out.put("created", Instant.ofEpochMilli(t.createdMillis()).toString());
                    return out;
                })
                .toList();
    }

    private Route revoke(String id) {
        return TenantEndpoints.reply(
                TokenProtocol.<TokenProtocol.Revoked>ask(
                                system, replyTo -> new TokenProtocol.Revoke(id, replyTo), timeout)
                        // answered once this node's copy has dropped it: refused here at once
                        .thenCompose(revoked -> cache.refreshNow().handle((known, failed) -> revoked)),
                revoked -> revoked.existed()
                        ? Json.response(StatusCodes.OK, Map.of("id", id, "revoked", true))
                        : new ApiError(ErrorCode.NOT_FOUND, "no token with id " + id, Map.of("id", id)).toResponse(),
                "the token registry",
                timeout,
                TenantEndpoints.Effect.WRITE);
    }

    private static org.apache.pekko.http.javadsl.model.HttpResponse badRequest(String message) {
        return ApiError.of(ErrorCode.BAD_REQUEST, message).toResponse();
    }
}
