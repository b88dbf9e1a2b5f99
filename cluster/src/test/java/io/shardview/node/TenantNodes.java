package io.shardview.node;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** In-process nodes serving tenant circuits, ready when returned. */
final class TenantNodes {
    private TenantNodes() {}

    static ShardviewNode start(Path dataDir, Map<String, Object> settings) throws InterruptedException {
        ShardviewNode node = ShardviewNode.start(TestNodes.config(dataDir, settings), List.of(new TenantModule()));
        int ready = TestNodes.awaitStatus(node, "/ready", 200, Duration.ofSeconds(30))
                .statusCode();
        if (ready != 200) {
            node.stop();
            throw new IllegalStateException("node not ready: " + ready);
        }
        return node;
    }
}
