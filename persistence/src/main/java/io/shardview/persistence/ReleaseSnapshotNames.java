package io.shardview.persistence;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardview.entity.tenant.TenantSnapshot;
import org.apache.pekko.serialization.jackson.JacksonMigration;

/**
 * Reads tenant snapshots written by releases up to 0.1.0, which were bound to jackson-cbor and so
 * carry a class name as their manifest ({@code io.shardview.entity.tenant.TenantSnapshot}), as the
 * tenant snapshot class of this build, wherever it lives. Their content is unchanged: snapshots
 * are now written by the serializer tenant-snapshots with no class name at all
 * (config/serialization.conf). A manifest without a version counts as version 1.
 */
public final class ReleaseSnapshotNames extends JacksonMigration {
    @Override
    public int currentVersion() {
        return 2;
    }

    @Override
    public String transformClassName(int fromVersion, String className) {
        return TenantSnapshot.class.getName();
    }

    @Override
    public JsonNode transform(int fromVersion, JsonNode json) {
        return json;
    }
}
