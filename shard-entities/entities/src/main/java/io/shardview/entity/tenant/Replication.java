package io.shardview.entity.tenant;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a tenant's writes are replicated to the other regions (docs/regions.md): {@code async}, acknowledged once the
 * home region's journal has them (the others follow), or {@code sync}, acknowledged once the home and at least {@code
 * minRegions} other regions have them in their journals. Set by the admin ({@code PUT /v1/tenants/{t}/replication}),
 * journaled, and replicated with the tenant's other events.
 */
public record Replication(String mode, @JsonProperty("min_regions") int minRegions) {
    public static final String ASYNC_MODE = "async";
    public static final String SYNC_MODE = "sync";

    /** Every tenant's until the admin sets another. */
    public static final Replication ASYNC = new Replication(ASYNC_MODE, 0);

    public Replication {
        if (!mode.equals(ASYNC_MODE) && !mode.equals(SYNC_MODE))
            throw new IllegalArgumentException("replication mode must be async or sync, not " + mode);
        if (mode.equals(SYNC_MODE) && minRegions < 1)
            throw new IllegalArgumentException("sync replication needs min_regions of at least 1");
        if (mode.equals(ASYNC_MODE)) minRegions = 0;
    }

    /** {@code sync} with {@code minRegions} other regions. */
    public static Replication sync(int minRegions) {
        return new Replication(SYNC_MODE, minRegions);
    }

    @JsonIgnore
    public boolean sync() {
        return mode.equals(SYNC_MODE);
    }

    /** As the API shows it: {@code {"mode": "sync", "min_regions": 1}} ({@code 0} for async). */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("mode", mode);
        json.put("min_regions", minRegions);
        return json;
    }
}
