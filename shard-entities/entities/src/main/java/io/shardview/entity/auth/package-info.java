/**
 * Authentication's durable part: the cluster's registry of tenant tokens ({@link
 * io.shardview.entity.auth.TokenRegistry}), holding only hashes of their secrets.
 */
package io.shardview.entity.auth;
