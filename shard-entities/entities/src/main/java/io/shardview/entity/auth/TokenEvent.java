package io.shardview.entity.auth;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * The journal events of the token registry. Written as Jackson CBOR with an explicit type name in the payload
 * (config/serialization.conf, serializer {@code auth-events}), like the tenant events, so classes can be renamed.
 * A token's secret is never in an event: only its SHA-256.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = TokenEvent.Created.class, name = "token-created.v1"),
    @JsonSubTypes.Type(value = TokenEvent.Revoked.class, name = "token-revoked.v1")
})
public sealed interface TokenEvent {

    /** A tenant token was created: its id, tenant, name, creation time (ms) and the SHA-256 of its secret. */
    record Created(String id, String tenant, String name, long createdMillis, byte[] secretSha256)
            implements TokenEvent {}

    /** The token with this id was revoked. */
    record Revoked(String id) implements TokenEvent {}
}
