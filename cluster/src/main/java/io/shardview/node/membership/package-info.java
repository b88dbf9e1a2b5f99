/**
 * Who is in the cluster, beyond what Pekko decides alone: the join check that keeps a node on the LevelDB journal out
 * of any cluster of more than one node, the Split Brain Resolver's lease in the region's journal database, the
 * downing at once of a member whose process is gone, and the presence record that keeps a restarted first seed node
 * from forming a second cluster. Pekko loads the join check and the lease by the class names config/membership.conf
 * and config/cluster.conf give; the node starts the other two. Depends on Pekko and the persistence module's journal
 * settings, never on the node.
 */
package io.shardview.node.membership;
