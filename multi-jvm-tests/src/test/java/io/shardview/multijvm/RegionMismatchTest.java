package io.shardview.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Until regions are built, no configuration runs one entity twice: Cluster Sharding runs per region (Pekko data
 * center), so a node of another region joining a cluster over the same journal would start its own copy of every
 * tenant. Such a node is refused, stops with exit code 1 and says why; the cluster goes on, and a node of its region
 * still joins.
 */
class RegionMismatchTest {
    @TempDir
    Path tmp;

    @Test
    void aNodeOfAnotherRegionIsRefusedAndSaysWhy() throws Exception {
        try (ThreeNodes cluster = new ThreeNodes(tmp)) {
            cluster.start(0);
            cluster.awaitReady(0);
            cluster.start(1, "--region", "eu");
            NodeProcess refused = cluster.node(1);
            assertTrue(refused.process.waitFor(120, TimeUnit.SECONDS), "the node of region eu stops");
            assertEquals(1, refused.process.exitValue());
            String stderr = refused.stderr();
            assertTrue(stderr.contains("the cluster refused to let it join") && stderr.contains("'eu'"), stderr);
            // The member that refused it names the setting.
            String member = cluster.node(0).stderr();
            assertTrue(member.contains("region 'eu'") && member.contains("region 'default'"), member);

            cluster.start(2);
            cluster.awaitReady(2);
            cluster.awaitMembers(0, List.of(0, 2));
        }
    }
}
