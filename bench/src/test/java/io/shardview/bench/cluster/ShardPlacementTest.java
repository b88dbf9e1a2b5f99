package io.shardview.bench.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShardPlacementTest {

    @Test
    void firstPlacementSpreadsEveryShardEvenly() {
        ShardPlacement placement = AllocationSimulation.firstPlacement(7);
        assertEquals(100, placement.shardCount());
        assertEquals(14, placement.minPerNode());
        assertEquals(15, placement.maxPerNode());
    }

    @Test
    void regionOfANodeThatIsNotAMemberGetsNoShard() {
        FixedMembershipStrategy strategy = AllocationSimulation.strategy();
        ShardPlacement placement = new ShardPlacement(strategy);
        placement.join(AllocationSimulation.node(0));
        placement.join(AllocationSimulation.node(1));
        // node 1's region is registered, but the strategy's cluster view lacks its member
        strategy.membersUp(List.of(AllocationSimulation.node(0)));
        for (int shard = 0; shard < 10; shard++) placement.allocate(String.valueOf(shard));
        assertEquals(0, placement.minPerNode());
        assertEquals(10, placement.maxPerNode());
    }

    @Test
    void rebalanceMovesAtMostTenPercentOfShardsPerRoundUntilEven() {
        ShardPlacement placement = AllocationSimulation.coldStart(10);
        assertEquals(100, placement.maxPerNode());
        int rounds = 0;
        for (int moved; (moved = placement.rebalanceRound()) > 0; rounds++) {
            assertTrue(moved <= 10, "moved " + moved + " in one round");
            assertTrue(rounds < ShardPlacement.MAX_ROUNDS);
        }
        assertEquals(100, placement.shardCount());
        assertTrue(
                placement.maxPerNode() - placement.minPerNode() <= 1,
                placement.minPerNode() + "/" + placement.maxPerNode());
    }

    @Test
    void shardsOfALeavingNodeGoToTheRemainingNodes() {
        ShardPlacement placement = AllocationSimulation.firstPlacement(4);
        assertEquals(25, placement.leave(AllocationSimulation.node(0)));
        assertEquals(3, placement.nodes().size());
        assertEquals(100, placement.shardCount());
        assertEquals(33, placement.minPerNode());
        assertEquals(34, placement.maxPerNode());
    }
}
