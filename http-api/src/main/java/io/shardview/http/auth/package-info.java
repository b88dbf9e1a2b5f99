/**
 * Bearer-token auth at the edge: the policy of who may call what ({@link io.shardview.http.auth.Auth}), this node's
 * copy of the token registry ({@link io.shardview.http.auth.TokenCache}), the token format and hashing ({@link
 * io.shardview.http.auth.Secrets}), and the admin's /v1/tokens routes.
 */
package io.shardview.http.auth;
