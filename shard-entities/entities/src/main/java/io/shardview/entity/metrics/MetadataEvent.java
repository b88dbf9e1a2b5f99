package io.shardview.entity.metrics;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Map;

/**
 * The journal events of a tenant's metric metadata ({@link MetricsMetadata}). Written as Jackson CBOR with an
 * explicit type name in the payload (config/serialization.conf, serializer {@code metadata-events}), so classes can
 * be renamed.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({@JsonSubTypes.Type(value = MetadataEvent.Described.class, name = "metadata-described.v1")})
public sealed interface MetadataEvent {

    /** Families described anew (each with its whole type, help and unit): only those that changed. */
    record Described(Map<String, Family> families) implements MetadataEvent {}

    /** A family's type, help and unit as journaled. */
    record Family(String type, String help, String unit) {}
}
