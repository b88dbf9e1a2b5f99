/**
 * The {@code shardview journal} tools (init, list, dump, replay, verify, export, import, migrate, truncate, lag) for a
 * stopped node's LevelDB data directory or a cluster's PostgreSQL journal, and what only they use: the journal opened
 * through the node's own plugins and serializers ({@code JournalStore}), the portable backup file
 * ({@code JournalArchive}), the copy of one entity between journals, direct deletion of an entity's tail, and progress
 * on stderr. The node's command line mounts {@link io.shardview.node.journal.JournalCommand}; the tools read the node's
 * configuration through {@code io.shardview.node.config} and depend on the engines, the entities, persistence and the
 * HTTP edge's JSON, never on the node itself.
 */
package io.shardview.node.journal;
