package io.shardview.node;

import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * A kind of sharded entity the node hosts: its type key and how it registers with sharding.
 * The node reports shard counts per type in /v1/cluster and reports ready only once every type's
 * shard coordinator answers.
 */
public record EntityType(EntityTypeKey<?> key, Consumer<ActorSystem<?>> init) {}
