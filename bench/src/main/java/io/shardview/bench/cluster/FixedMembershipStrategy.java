package io.shardview.bench.cluster;

import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.ClusterEvent.CurrentClusterState;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.UniqueAddress;
import org.apache.pekko.cluster.sharding.internal.LeastShardAllocationStrategy;
import org.apache.pekko.util.Version;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Pekko's least-shard allocation strategy, unchanged, run against a membership the simulation sets
 * instead of a started cluster's. {@code ShardAllocationStrategy.leastShardAllocationStrategy(absolute,
 * relative)} — what sharding builds from our {@code least-shard-allocation-strategy} settings — is
 * exactly {@code new LeastShardAllocationStrategy(absolute, relative)}; its cluster view
 * ({@code clusterState}, {@code selfMember}) is overridable "for testability", which is how Pekko's
 * own LeastShardAllocationStrategySpec feeds it members. Without members for their addresses, the
 * strategy ignores regions, so this is what lets it see 100 nodes in one JVM.
 */
final class FixedMembershipStrategy extends LeastShardAllocationStrategy {
    /** The data-center role every member carries (pekko.cluster.multi-data-center defaults). */
    private static final String DEFAULT_DC_ROLE = "dc-default";

    private volatile CurrentClusterState state;
    private volatile Member self;

    FixedMembershipStrategy(int absoluteLimit, double relativeLimit) {
        super(absoluteLimit, relativeLimit);
    }

    /** The cluster from now on: these nodes, all Up, reachable and on the same app version; the first is this node. */
    void membersUp(List<Address> nodes) {
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) members.add(upMember(nodes.get(i), i + 1));
        state = new CurrentClusterState(
                scala.collection.immutable.TreeSet$.MODULE$.from(
                        CollectionConverters.asScala(members), Member.ordering()),
                scala.collection.immutable.Set$.MODULE$.empty(),
                scala.collection.immutable.Set$.MODULE$.empty(),
                scala.Option.apply(nodes.get(0)),
                scala.collection.immutable.Map$.MODULE$.empty());
        self = members.get(0);
    }

    private static Member upMember(Address address, int upNumber) {
        scala.collection.immutable.Set<String> roles =
                CollectionConverters.asScala(java.util.Set.of(DEFAULT_DC_ROLE)).toSet();
        return new Member(
                new UniqueAddress(address, (long) upNumber),
                upNumber,
                MemberStatus.up(),
                roles,
                Version.apply("1.0.0"));
    }

    @Override
    public CurrentClusterState clusterState() {
        return state;
    }

    @Override
    public Member selfMember() {
        return self;
    }
}
