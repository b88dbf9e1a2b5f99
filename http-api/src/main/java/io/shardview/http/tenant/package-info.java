/**
 * The tenant endpoints under {@code /v1/tenants/{t}} ({@link io.shardview.http.tenant.TenantRoutes}): SQL, ingest
 * bodies ({@link io.shardview.http.tenant.IngestBody}, JSON or NDJSON, checked against the body limits), reads,
 * plans, budgets and home moves, each a message of {@link io.shardview.entity.tenant.TenantProtocol} to the tenant's
 * entity, and the replies as the API writes them ({@link io.shardview.http.tenant.TenantResponses}).
 */
package io.shardview.http.tenant;
