package io.shardview.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The error answers this node gave to each tenant's requests lately (GET /v1/tenants/{t}/errors): the last
 * {@link #PER_TENANT} per tenant, for the {@link #TENANTS} tenants with the most recent errors. Refusals of the auth
 * policy (401, 403) are not the tenant's errors and are not kept: a caller without the tenant's token cannot write
 * here. Memory is bounded whatever clients send: at most TENANTS x PER_TENANT entries of capped strings.
 */
public final class RecentErrors {
    static final int PER_TENANT = 50;
    static final int TENANTS = 1_000;
    private static final int MAX_PATH = 200;
    private static final int MAX_MESSAGE = 500;
    private static final int MAX_PARSED_BODY = 64 * 1024;

    /**
     * One error answer.
     *
     * @param at when it was sent, in epoch milliseconds
     * @param path the request's path, without its query
     * @param code the error model's {@code error.code} (or the Prometheus API's {@code errorType}), else
     *     {@code http_<status>}
     */
    public record Entry(long at, String method, String path, int status, String code, String message) {}

    private final Map<String, Deque<Entry>> byTenant = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<Entry>> eldest) {
            return size() > TENANTS;
        }
    };

    /**
     * Keeps an answer of {@code status} to {@code method path} if it is an error to a request under
     * /v1/tenants/{t}/...; {@code body} (JSON, or null) gives its code and message.
     */
    public void observe(String method, String path, int status, String contentType, byte[] body) {
        if (status < 400 || status == 401 || status == 403) return;
        String tenant = tenantOf(path);
        if (tenant == null) return;
        String code = "http_" + status;
        String message = "";
        if (body != null
                && body.length > 0
                && body.length <= MAX_PARSED_BODY
                && contentType != null
                && contentType.contains("json")) {
            try {
                JsonNode json = Json.MAPPER.readTree(body);
                JsonNode error = json == null ? null : json.get("error");
                if (error != null && error.isObject()) {
                    code = error.path("code").asText(code);
                    message = error.path("message").asText("");
                } else if (json != null && "error".equals(json.path("status").asText())) {
                    code = json.path("errorType").asText(code);
                    message = json.path("error").asText("");
                }
            } catch (java.io.IOException | RuntimeException e) {
                // not the error model: the status alone says what happened
            }
        }
        add(
                tenant,
                new Entry(
                        System.currentTimeMillis(),
                        method,
                        cap(path, MAX_PATH),
                        status,
                        code,
                        cap(message, MAX_MESSAGE)));
    }

    /** Keeps {@code entry} for {@code tenant}. */
    synchronized void add(String tenant, Entry entry) {
        Deque<Entry> entries = byTenant.computeIfAbsent(tenant, t -> new ArrayDeque<>());
        if (entries.size() == PER_TENANT) entries.removeFirst();
        entries.addLast(entry);
    }

    /** The tenant's latest errors on this node, newest first, at most {@code limit}. */
    public synchronized List<Entry> of(String tenant, int limit) {
        Deque<Entry> entries = byTenant.get(tenant);
        List<Entry> latest = new ArrayList<>();
        if (entries == null) return latest;
        var newest = entries.descendingIterator();
        while (newest.hasNext() && latest.size() < limit) latest.add(newest.next());
        return latest;
    }

    /** The tenant of a path under /v1/tenants/{t}/ (not /v1/tenants/{t} itself), or null. */
    static String tenantOf(String path) {
        String prefix = "/v1/tenants/";
        if (path == null || !path.startsWith(prefix)) return null;
        int end = path.indexOf('/', prefix.length());
        if (end <= prefix.length() || end == path.length() - 1) return null;
        String tenant = path.substring(prefix.length(), end);
        return TenantEndpoints.validTenant(tenant) ? tenant : null;
    }

    private static String cap(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
