package io.shardview.entity.durability;

/**
 * An event its journal may acknowledge as soon as it is written, before it is durable: the entity that persists it
 * asks {@link JournalDurability} before it acts on it outside itself (answers a client, publishes a change, sends it
 * to another region), and meanwhile goes on with its next write. A journal that makes every write durable before it
 * acknowledges it (Pekko's, pekko-persistence-jdbc) simply ignores the mark.
 */
public interface AcknowledgedWhenWritten {}
