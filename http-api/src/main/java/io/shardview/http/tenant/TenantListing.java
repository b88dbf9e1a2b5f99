package io.shardview.http.tenant;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The body of {@code GET /v1/tenants}: tenants by name, each with what it has. A tenant exists once something of it
 * was written: its first SQL request created its circuit ({@code sql}), or metrics were stored for it
 * ({@code metrics}). Paged by name: {@code next} is the {@code after} of the next page, null on the last.
 */
record TenantListing(List<Tenant> tenants, String next) {
    /** One tenant. */
    record Tenant(String name, boolean sql, boolean metrics) {}

    /** Which page: at most {@code limit} tenants named after {@code after} (null: from the first). */
    record Page(int limit, String after) {
        static Page of(Map<String, String> params, int defaultLimit, int maxLimit) {
            int limit = defaultLimit;
            if (params.containsKey("limit")) {
                try {
                    limit = Integer.parseInt(params.get("limit"));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("limit must be an integer");
                }
            }
            if (limit < 1 || limit > maxLimit)
                throw new IllegalArgumentException("limit must be between 1 and " + maxLimit);
            return new Page(limit, params.get("after"));
        }
    }

    /** The page of tenants the journal's persistence ids ({@code tenant|name}, {@code metrics|name.shard}) name. */
    static TenantListing of(List<String> persistenceIds, Page page) {
        return of(persistenceIds, page, null);
    }

    /** As above, listing only {@code only} when it is not null (what a tenant token may see). */
    static TenantListing of(List<String> persistenceIds, Page page, String only) {
        TreeMap<String, boolean[]> tenants = new TreeMap<>();
        for (String id : persistenceIds) {
            if (id.startsWith("tenant|")) {
                tenants.computeIfAbsent(id.substring("tenant|".length()), name -> new boolean[2])[0] = true;
            } else if (id.startsWith("metrics|") && id.indexOf('.') > "metrics|".length()) {
                // metrics|name.shard, or metrics|name.copy@region for the copy of another region's shards: tenant
                // names have no dot.
                tenants.computeIfAbsent(id.substring("metrics|".length(), id.indexOf('.')), name -> new boolean[2])[1] =
                        true;
            }
        }
        if (only != null) tenants.keySet().retainAll(java.util.Set.of(only));
        var from = page.after() == null ? tenants : tenants.tailMap(page.after(), false);
        List<Tenant> out = new ArrayList<>(Math.min(page.limit(), from.size()));
        for (var tenant : from.entrySet()) {
            if (out.size() == page.limit()) break;
            out.add(new Tenant(tenant.getKey(), tenant.getValue()[0], tenant.getValue()[1]));
        }
        boolean more = out.size() == page.limit() && from.size() > page.limit();
        return new TenantListing(out, more ? out.get(out.size() - 1).name() : null);
    }
}
