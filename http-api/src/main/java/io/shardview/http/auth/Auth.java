package io.shardview.http.auth;

import static io.shardview.http.OnComplete.onComplete;
import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.extractMaterializer;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.mapRequest;

import com.typesafe.config.Config;
import io.shardview.http.Admission;
import io.shardview.http.ApiError;
import io.shardview.http.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.http.javadsl.model.AttributeKey;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Who may call what, decided in one place for every route from the request's path: the table below is the policy
 * (docs/api.md, "Auth"). A request without a token or with one the node does not know is 401 with
 * {@code WWW-Authenticate: Bearer}; a valid token the route does not grant is 403. Either way the body is read and
 * dropped unread, so the client gets its answer on a connection that stays usable, and nothing changes.
 *
 * <table>
 *   <tr><td>/health, /ready</td><td>anyone</td></tr>
 *   <tr><td>/metrics</td><td>admin, or anyone with {@code shardview.auth.open-metrics = on}</td></tr>
 *   <tr><td>/v1/tenants</td><td>any valid token; a tenant token sees its own tenant only</td></tr>
 *   <tr><td>/v1/tenants/{t}/budgets, /v1/tenants/{t}/home, /v1/tenants/{t}/replication</td><td>admin</td></tr>
 *   <tr><td>/v1/tenants/{t}/...</td><td>admin, or a token of tenant t</td></tr>
 *   <tr><td>anything else (/v1/tokens, /v1/cluster, unknown paths)</td><td>admin</td></tr>
 * </table>
 *
 * <p>Tokens come in {@code Authorization: Bearer <token>}; a browser's EventSource cannot set headers, so the change
 * stream also takes {@code ?access_token=} (RFC 6750, section 2.3), and only it.
 */
public final class Auth implements Admission {
    private static final AttributeKey<Principal> PRINCIPAL =
            AttributeKey.create("shardview-principal", Principal.class);
    private static final String CHALLENGE = "Bearer realm=\"shardview\"";

    private final byte[] adminSha256;
    private final boolean openMetrics;
    private final TokenCache tokens;

    /** What a route needs. */
    private sealed interface Need {
        record Anyone() implements Need {}

        record AnyToken() implements Need {}

        record Admin() implements Need {}

        record TenantOf(String tenant) implements Need {}
    }

    public Auth(String adminToken, boolean openMetrics, TokenCache tokens) {
        this.adminSha256 = adminToken == null || adminToken.isEmpty() ? null : Secrets.sha256(adminToken);
        this.openMetrics = openMetrics;
        this.tokens = tokens;
    }

    /** The settings under {@code shardview.auth}; the admin token of at least 16 characters, or none. */
    public static Auth from(Config config, TokenCache tokens) {
        validate(config);
        Config c = config.getConfig("shardview.auth");
        return new Auth(c.getString("admin-token").strip(), c.getBoolean("open-metrics"), tokens);
    }

    /**
     * Refuses settings {@link #from} cannot use, before the node starts anything: a node that fails once its
     * services run must shut them down again, which can take long (a token refresh still asking sharding).
     */
    public static void validate(Config config) {
        String admin = config.getString("shardview.auth.admin-token").strip();
        if (!admin.isEmpty() && admin.length() < 16) {
            throw new IllegalArgumentException("the admin token must have at least 16 characters");
        }
    }

    /** Whether auth is on (the node has an admin token). */
    public boolean enabled() {
        return adminSha256 != null;
    }

    /** The principal the request was let in as ({@link Principal.Open} when auth is off). */
    public static Principal principal(HttpRequest request) {
        return request.getAttribute(PRINCIPAL).orElse(new Principal.Open());
    }

    private static final Verdict OPEN = new Verdict.Allowed(new Principal.Open());

    /** The verdict on a request ({@code accessToken} is taken only on a change stream's GET). */
    @Override
    public Verdict check(String method, List<String> path, String authorization, String accessToken) {
        if (!enabled()) return OPEN;
        Need need = need(path);
        if (need instanceof Need.Anyone) return OPEN;
        String token = token(method, path, authorization, accessToken);
        if (token == null) {
            return unauthorized("this endpoint needs a bearer token (Authorization: Bearer ...)");
        }
        Principal principal = authenticate(token);
        if (principal == null) {
            if (!tokens.loaded() && Secrets.parse(token) != null) {
                return new Verdict.Refused(
                        ApiError.of(ErrorCode.UNAVAILABLE, "this node has not loaded the token registry yet; retry"),
                        List.of("Retry-After", "1"));
            }
            return unauthorized("the token is not valid (unknown or revoked)");
        }
        String denied = denied(need, principal);
        if (denied != null) return new Verdict.Refused(ApiError.of(ErrorCode.FORBIDDEN, denied), List.of());
        return new Verdict.Allowed(principal);
    }

    /** {@code inner}, for the requests the policy lets in; the others answered 401 or 403 here. */
    public Route protect(Route inner) {
        if (!enabled()) return inner;
        return extractRequest(request -> {
            List<String> path = new ArrayList<>();
            request.getUri().pathSegments().forEach(path::add);
            Verdict verdict = check(
                    request.method().value(),
                    path,
                    request.getHeader("Authorization").map(h -> h.value()).orElse(null),
                    request.getUri().query().get("access_token").orElse(null));
            if (verdict instanceof Verdict.Refused refused) return refuse(request, refused.toResponse());
            Principal principal = (Principal) ((Verdict.Allowed) verdict).principal();
            return mapRequest(r -> r.addAttribute(PRINCIPAL, principal), () -> inner);
        });
    }

    private Need need(List<String> path) {
        if (path.size() == 1 && (path.get(0).equals("health") || path.get(0).equals("ready"))) return new Need.Anyone();
        // The console's static files: the page holds nothing, and asks for the token its requests then carry.
        if (!path.isEmpty() && path.get(0).equals("console")) return new Need.Anyone();
        if (path.size() == 1 && path.get(0).equals("metrics"))
            return openMetrics ? new Need.Anyone() : new Need.Admin();
        if (path.size() >= 2 && path.get(0).equals("v1") && path.get(1).equals("tenants")) {
            if (path.size() == 2) return new Need.AnyToken();
            if (path.size() >= 4
                    && (path.get(3).equals("budgets")
                            || path.get(3).equals("home")
                            || path.get(3).equals("replication"))) return new Need.Admin();
            return new Need.TenantOf(path.get(2));
        }
        return new Need.Admin();
    }

    private static String denied(Need need, Principal principal) {
        if (principal instanceof Principal.Admin || need instanceof Need.AnyToken) return null;
        Principal.Tenant tenant = (Principal.Tenant) principal;
        if (need instanceof Need.TenantOf of) {
            return tenant.mayUse(of.tenant())
                    ? null
                    : "the token is tenant " + tenant.tenant() + "'s; it grants nothing of tenant " + of.tenant();
        }
        return "this endpoint needs the admin token; a tenant token grants only its tenant's data and metrics "
                + "(/v1/tenants/" + tenant.tenant() + "/..., budgets, home and replication excepted)";
    }

    /** The admin or the tenant the token is, or null for a token the node does not know. */
    private Principal authenticate(String token) {
        if (Secrets.matches(token, adminSha256)) return new Principal.Admin();
        Secrets.NewToken parsed = Secrets.parse(token);
        if (parsed == null) return null;
        var known = tokens.get(parsed.id());
        if (known == null || !Secrets.matches(parsed.secret(), known.secretSha256())) return null;
        return new Principal.Tenant(known.tenant(), known.id());
    }

    private static String token(String method, List<String> path, String authorization, String accessToken) {
        if (authorization != null) {
            String value = authorization.strip();
            if (value.regionMatches(true, 0, "Bearer ", 0, 7))
                return value.substring(7).strip();
            if (value.regionMatches(true, 0, "Basic ", 0, 6))
                return basicPassword(value.substring(6).strip());
            return null;
        }
        return method.equals("GET") && isChangeStream(path) ? accessToken : null;
    }

    /**
     * The password of HTTP Basic credentials ({@code base64(user:password)}), taken as the token whatever the user:
     * for clients that speak only Basic auth (vmctl's {@code --vm-user/--vm-password}, a Grafana data source's basic
     * auth). Null when the credentials are not base64 or have no colon.
     */
    private static String basicPassword(String credentials) {
        try {
            String decoded = new String(
                    java.util.Base64.getDecoder().decode(credentials), java.nio.charset.StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : decoded.substring(colon + 1);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean isChangeStream(List<String> path) {
        return path.size() == 6
                && path.get(0).equals("v1")
                && path.get(1).equals("tenants")
                && path.get(3).equals("views")
                && path.get(5).equals("changes");
    }

    private static Verdict unauthorized(String message) {
        return new Verdict.Refused(
                ApiError.of(ErrorCode.UNAUTHORIZED, message), List.of("WWW-Authenticate", CHALLENGE));
    }

    /**
     * Answers {@code response} once the request's body, unread, has been dropped. Answering before the body is in
     * made the server close the connection while the client still sent, and a client could lose the answer to the
     * reset ("header parser received no bytes"). A body over the size limit ends the drain early; it is answered
     * the same.
     */
    private static Route refuse(HttpRequest request, HttpResponse response) {
        return extractMaterializer(materializer ->
                onComplete(request.discardEntityBytes(materializer).completionStage(), drained -> complete(response)));
    }
}
