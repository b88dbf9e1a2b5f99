/**
 * The sharded, event-sourced entities and what every entity type shares: how a node asks an entity and retries a read
 * ({@link io.shardview.entity.RetriedAsk}), answers quickly while its region has an unreachable node
 * ({@link io.shardview.entity.RegionHealth}), reaches another region's entities
 * ({@link io.shardview.entity.RegionProxies}), and which messages cross nodes as CBOR
 * ({@link io.shardview.entity.CborSerializable}). The entity types are in sub-packages: {@code tenant}, {@code metrics},
 * {@code auth}.
 */
package io.shardview.entity;
