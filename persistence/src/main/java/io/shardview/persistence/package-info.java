/**
 * How the entities are stored: the serializers of their events and snapshots (and the start-up check that every
 * message is bound to one, and the reading of older releases' snapshot names), Pekko's LevelDB journal with group
 * commit and its fsync figures, which journal a node runs on and whether the shared PostgreSQL one is ready, the
 * persistence ids a journal holds, and the lock on a node's data directory. Depends on the entities' events and
 * snapshots and on Pekko, never on the HTTP edge or the node.
 */
package io.shardview.persistence;
