/**
 * The storage of one metrics shard: {@link io.shardview.metrics.storage.ShardStorage} appends
 * {@link io.shardview.metrics.storage.PointBatch}es (out-of-order window, last write wins), keeps
 * head buffers and sealed chunks, 5 m and 1 h rollups, retention, and a binary snapshot. Plain
 * Java without Pekko; the owning entity supplies the journal and the clock.
 */
package io.shardview.metrics.storage;
