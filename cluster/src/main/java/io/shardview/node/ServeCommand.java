package io.shardview.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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
        ""},
    footer = {
        "",
        "Environment: SHARDVIEW_CONFIG, SHARDVIEW_HTTP_HOST, SHARDVIEW_HTTP_PORT, SHARDVIEW_DATA_DIR, "
            + "SHARDVIEW_REGION, SHARDVIEW_CLUSTER_HOST, SHARDVIEW_CLUSTER_PORT, SHARDVIEW_SEED_NODES, "
            + "SHARDVIEW_LEVELDB_NATIVE; SHARDVIEW_JAVA_OPTS is passed to the JVM by ./shardview.",
        "",
        "Exit status: 0 after a requested shutdown (SIGTERM, Ctrl-C), 1 if the node cannot start or "
            + "stops on its own."})
final class ServeCommand implements Callable<Integer> {

  @Option(names = "--config", paramLabel = "FILE",
      description = "HOCON file overriding the shipped defaults (keys as in config/*.conf).")
  Path configFile;

  @Option(names = "--http-host", paramLabel = "H", description = "Interface for HTTP (default 127.0.0.1).")
  String httpHost;

  @Option(names = "--http-port", paramLabel = "P", description = "Port for HTTP; 0 picks a free one (default 8080).")
  Integer httpPort;

  @Option(names = "--data-dir", paramLabel = "D", description = "Journal, snapshots and lock file (default ./data).")
  Path dataDir;

  @Option(names = "--region", paramLabel = "R", description = "Region (cluster data center) of this node (default 'default').")
  String region;

  @Override
  public Integer call() {
    ShardviewNode node;
    try {
      node = ShardviewNode.start(config(), List.of(new TenantModule(), new MetricsModule()));
    } catch (ConfigException | ShardviewNode.NodeStartException
        | io.shardview.persistence.DataDirectoryLock.DataDirectoryInUseException e) {
      System.err.println("shardview: " + e.getMessage());
      return 1;
    }
    ShutdownSignals.install(node);
    System.out.println("shardview node serving " + node.url() + " (data " + node.dataDir()
        + ", region " + node.region() + ")");
    System.out.flush();
    node.whenTerminated().join();
    return node.stoppedOnRequest() ? 0 : 1;
  }

  private Config config() {
    Map<String, Object> flags = new LinkedHashMap<>();
    if (httpHost != null) flags.put("shardview.http.host", httpHost);
    if (httpPort != null) flags.put("shardview.http.port", httpPort);
    if (dataDir != null) flags.put("shardview.data-dir", dataDir.toString());
    if (region != null) flags.put("shardview.region", region);
    Optional<Path> file = Optional.ofNullable(configFile)
        .or(() -> Optional.ofNullable(System.getenv("SHARDVIEW_CONFIG")).filter(s -> !s.isBlank()).map(Path::of));
    return NodeConfig.load(file, System.getenv(), flags);
  }
}
