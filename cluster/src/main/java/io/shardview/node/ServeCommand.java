package io.shardview.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.shardview.node.config.ConfigOptions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code shardview serve}: starts a node and runs it until SIGTERM or Ctrl-C. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpWidth = 100,
        description = {
            "Start a Shardview node and serve its HTTP API until SIGTERM or Ctrl-C.",
            "",
            "With no options: a single-node cluster on embedded storage (LevelDB journal, fsync on) in the "
                    + "data directory ./data, HTTP on 127.0.0.1:8080. Settings come from, highest precedence first: these "
                    + "options, SHARDVIEW_* environment variables, the --config file, the shipped defaults "
                    + "(config/*.conf, where every key is documented).",
            ""
        },
        footer = {
            "",
            "Environment: SHARDVIEW_PROFILE, SHARDVIEW_CONFIG, SHARDVIEW_HTTP_HOST, SHARDVIEW_HTTP_PORT, "
                    + "SHARDVIEW_HTTP_ADVERTISED_URL, SHARDVIEW_DATA_DIR, "
                    + "SHARDVIEW_REGION, SHARDVIEW_CLUSTER_HOST, SHARDVIEW_CLUSTER_PORT, SHARDVIEW_SEED_NODES, "
                    + "SHARDVIEW_DOWN_AFTER, SHARDVIEW_JOURNAL_URL, SHARDVIEW_JOURNAL_USER, SHARDVIEW_JOURNAL_PASSWORD, "
                    + "SHARDVIEW_LEVELDB_NATIVE, SHARDVIEW_ADMIN_TOKEN, SHARDVIEW_METRICS_REPLICAS, "
                    + "SHARDVIEW_RULES_EVALUATION_INTERVAL, SHARDVIEW_ALERTMANAGER_URLS, SHARDVIEW_EXTERNAL_URL; SHARDVIEW_JAVA_OPTS is passed to the JVM by "
                    + "./shardview.",
            "",
            "Exit status: 0 after a requested shutdown (SIGTERM, Ctrl-C), 1 if the node cannot start or "
                    + "stops on its own."
        })
final class ServeCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions configOptions;

    @Option(names = "--http-host", paramLabel = "H", description = "Interface for HTTP (default 127.0.0.1).")
    String httpHost;

    @Option(names = "--http-port", paramLabel = "P", description = "Port for HTTP; 0 picks a free one (default 8080).")
    Integer httpPort;

    @Option(names = "--data-dir", paramLabel = "D", description = "Journal, snapshots and lock file (default ./data).")
    Path dataDir;

    @Option(
            names = "--region",
            paramLabel = "R",
            description = "Region (cluster data center) of this node (default 'default').")
    String region;

    @Option(
            names = "--cluster-host",
            paramLabel = "H",
            description = "Address other nodes reach this one at (Pekko remoting; default 127.0.0.1).")
    String clusterHost;

    @Option(
            names = "--cluster-port",
            paramLabel = "P",
            description = "Remoting port (default 25520 in the cluster profile; a free one in single-node).")
    Integer clusterPort;

    @Option(
            names = "--seed-nodes",
            paramLabel = "LIST",
            split = ",",
            description = "Seed nodes, e.g. pekko://shardview@127.0.0.1:25520,pekko://shardview@127.0.0.1:25521; "
                    + "the same list on every node.")
    List<String> seedNodes;

    @Option(
            names = "--admin-token-file",
            paramLabel = "FILE",
            description = "File whose first line is the admin token: auth on (docs/api.md, Auth). Env "
                    + "SHARDVIEW_ADMIN_TOKEN. Without one the node serves loopback only.")
    Path adminTokenFile;

    @Override
    public Integer call() {
        ShardviewNode node;
        try {
            node = ShardviewNode.start(config(), List.of(new TenantModule(), new MetricsModule()));
        } catch (ConfigException
                | java.io.UncheckedIOException
                | ShardviewNode.NodeStartException
                | io.shardview.persistence.DataDirectoryLock.DataDirectoryInUseException e) {
            System.err.println("shardview: " + e.getMessage());
            return 1;
        }
        ShutdownSignals.install(node);
        System.out.println("shardview node serving " + node.url() + " (data " + node.dataDir() + ", region "
                + node.region() + ")");
        System.out.flush();
        node.whenTerminated().join();
        if (node.stoppedOnRequest()) return 0;
        System.err.println("shardview: node stopped: " + node.unrequestedStopReason());
        return 1;
    }

    private static String firstLine(Path file) {
        try (var lines = java.nio.file.Files.lines(file)) {
            return lines.findFirst().orElse("").strip();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(
                    "cannot read the admin token file " + file + ": " + e.getMessage(), e);
        }
    }

    private Config config() {
        Map<String, Object> flags = new LinkedHashMap<>();
        if (httpHost != null) flags.put("shardview.http.host", httpHost);
        if (httpPort != null) flags.put("shardview.http.port", httpPort);
        if (dataDir != null) flags.put("shardview.data-dir", dataDir.toString());
        if (region != null) flags.put("shardview.region", region);
        if (clusterHost != null) flags.put("shardview.cluster.host", clusterHost);
        if (clusterPort != null) flags.put("shardview.cluster.port", clusterPort);
        if (seedNodes != null) flags.put("shardview.cluster.seed-nodes", seedNodes);
        if (adminTokenFile != null) flags.put("shardview.auth.admin-token", firstLine(adminTokenFile));
        return configOptions.load(flags);
    }
}
