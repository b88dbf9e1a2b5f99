package io.shardview.http.auth;

/** Who a request speaks for, as its token says. */
public sealed interface Principal {
    /** The admin token: everything. */
    record Admin() implements Principal {}

    /** A tenant token: everything under /v1/tenants/{tenant}, nothing else. */
    record Tenant(String tenant, String tokenId) implements Principal {}

    /** Auth is off (a loopback node without an admin token): everything, as the admin. */
    record Open() implements Principal {}

    /** Whether this principal may act for {@code tenant}. */
    default boolean mayUse(String tenant) {
        return !(this instanceof Tenant t) || t.tenant().equals(tenant);
    }
}
