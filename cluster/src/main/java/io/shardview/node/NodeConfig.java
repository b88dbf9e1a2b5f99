package io.shardview.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the node's configuration from its layers, highest precedence first: CLI flags,
 * environment variables, the user's file, the profile shipped in config/, Pekko's reference.conf.
 */
public final class NodeConfig {
  /** Profile loaded by default: one node, LevelDB journal. */
  public static final String DEFAULT_PROFILE = "single-node.conf";

  /** Environment variables and the keys they set; each key documents its variable in config/. */
  static final Map<String, String> ENVIRONMENT_KEYS = Map.of(
      "SHARDVIEW_HTTP_HOST", "shardview.http.host",
      "SHARDVIEW_HTTP_PORT", "shardview.http.port",
      "SHARDVIEW_DATA_DIR", "shardview.data-dir",
      "SHARDVIEW_REGION", "shardview.region",
      "SHARDVIEW_CLUSTER_HOST", "shardview.cluster.host",
      "SHARDVIEW_CLUSTER_PORT", "shardview.cluster.port",
      "SHARDVIEW_SEED_NODES", "shardview.cluster.seed-nodes",
      "SHARDVIEW_LEVELDB_NATIVE", "pekko.persistence.journal.leveldb.native");

  private NodeConfig() {}

  /**
   * The resolved configuration.
   *
   * @param file the user's file, or empty
   * @param environment the process environment (a parameter so tests can pass their own)
   * @param flags keys set on the command line
   */
  public static Config load(Optional<Path> file, Map<String, String> environment, Map<String, Object> flags) {
    Config profile = ConfigFactory.parseResources(DEFAULT_PROFILE,
        ConfigParseOptions.defaults().setAllowMissing(false));
    Config user = file.map(NodeConfig::parseUserFile).orElse(ConfigFactory.empty());
    Config layered = ConfigFactory.parseMap(flags, "command line flags")
        .withFallback(fromEnvironment(environment))
        .withFallback(user)
        .withFallback(profile);
    Config withAbsoluteDataDir = absoluteDataDir(layered.resolve()).withFallback(layered);
    return ConfigFactory.defaultOverrides()
        .withFallback(withAbsoluteDataDir)
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  private static Config parseUserFile(Path path) {
    if (!Files.isRegularFile(path)) {
      throw new ConfigException.Generic("configuration file " + path + " does not exist");
    }
    return ConfigFactory.parseFile(path.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
  }

  static Config fromEnvironment(Map<String, String> environment) {
    Map<String, Object> values = new LinkedHashMap<>();
    ENVIRONMENT_KEYS.forEach((variable, key) -> {
      String value = environment.get(variable);
      if (value == null || value.isBlank()) return;
      values.put(key, key.endsWith("seed-nodes") ? splitList(value) : value.trim());
    });
    return ConfigFactory.parseMap(values, "environment variables");
  }

  private static List<String> splitList(String value) {
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  // The data directory is fixed once, as an absolute path, so the journal, the snapshot store and
  // the start-up line all name the same place whatever the working directory does later.
  private static Config absoluteDataDir(Config resolved) {
    Path dir = Path.of(resolved.getString("shardview.data-dir")).toAbsolutePath().normalize();
    return ConfigFactory.empty().withValue("shardview.data-dir", ConfigValueFactory.fromAnyRef(dir.toString()));
  }
}
