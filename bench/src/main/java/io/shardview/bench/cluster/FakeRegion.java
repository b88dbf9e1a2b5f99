package io.shardview.bench.cluster;

import org.apache.pekko.actor.ActorPath;
import org.apache.pekko.actor.ActorPaths;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Address;

/**
 * A shard region of a simulated node: only its path matters, because the allocation strategy maps a
 * region to its cluster member by the address in the path. Messages sent to it are dropped; the
 * simulation never sends any.
 */
final class FakeRegion extends ActorRef {
    private final ActorPath path;

    FakeRegion(Address node) {
        this.path = ActorPaths.fromString(node + "/system/sharding/tenant");
    }

    @Override
    public ActorPath path() {
        return path;
    }

    @Override
    public void $bang(Object message, ActorRef sender) {
        // never called: the strategy only reads the path
    }

    @Override
    public boolean isTerminated() {
        return false;
    }
}
