/**
 * The HTTP edge (Pekko HTTP): what every route shares. The error model ({@link io.shardview.http.ApiError},
 * {@link io.shardview.http.ErrorCode}) and the one place entity failures become statuses
 * ({@link io.shardview.http.TenantEndpoints}); containment of bugs and overflows in a request
 * ({@link io.shardview.http.Contained}); the node's budget of request bodies in flight; route metrics. The edge parses
 * requests and renders answers; it reaches the entities through their protocols and faces, never sharding, regions
 * or the journal itself (ArchitectureTest).
 */
package io.shardview.http;
