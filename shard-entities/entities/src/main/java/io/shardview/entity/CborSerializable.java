package io.shardview.entity;

/**
 * Marker for every message that crosses a node boundary or lands in the journal: entity commands,
 * replies, events and snapshots. config/serialization.conf binds it to Pekko's Jackson CBOR
 * serializer; Java serialization is switched off, so a message without this marker fails loudly.
 */
public interface CborSerializable {}
