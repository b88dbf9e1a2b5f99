package io.shardview.node.config;

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
    /** Profiles shipped in config/, by name: the base every other layer overrides. */
    public static final List<String> PROFILES = List.of("single-node", "cluster");

    /** Profile loaded by default: one node, LevelDB journal. */
    public static final String DEFAULT_PROFILE = "single-node";

    /** Environment variables and the keys they set; each key documents its variable in config/. */
    static final Map<String, String> ENVIRONMENT_KEYS = Map.ofEntries(
            Map.entry("SHARDVIEW_HTTP_HOST", "shardview.http.host"),
            Map.entry("SHARDVIEW_HTTP_PORT", "shardview.http.port"),
            Map.entry("SHARDVIEW_HTTP_ADVERTISED_URL", "shardview.http.advertised-url"),
            Map.entry("SHARDVIEW_DATA_DIR", "shardview.data-dir"),
            Map.entry("SHARDVIEW_REGION", "shardview.region"),
            Map.entry("SHARDVIEW_CLUSTER_HOST", "shardview.cluster.host"),
            Map.entry("SHARDVIEW_CLUSTER_PORT", "shardview.cluster.port"),
            Map.entry("SHARDVIEW_SEED_NODES", "shardview.cluster.seed-nodes"),
            Map.entry("SHARDVIEW_DOWN_AFTER", "shardview.cluster.down-after"),
            Map.entry("SHARDVIEW_DOWN_GONE_MEMBERS", "shardview.cluster.down-gone-members"),
            Map.entry("SHARDVIEW_REMOVAL_MARGIN", "shardview.cluster.removal-margin"),
            Map.entry("SHARDVIEW_LEVELDB_NATIVE", "pekko.persistence.journal.leveldb.native"),
            Map.entry("SHARDVIEW_METRICS_REPLICAS", "shardview.metrics.replicas"),
            Map.entry("SHARDVIEW_RULES_EVALUATION_INTERVAL", "shardview.rules.evaluation-interval"),
            Map.entry("SHARDVIEW_ALERTMANAGER_URLS", "shardview.rules.alertmanager-urls"),
            Map.entry("SHARDVIEW_EXTERNAL_URL", "shardview.rules.external-url"),
            Map.entry("SHARDVIEW_JOURNAL_URL", "shardview.journal.url"),
            Map.entry("SHARDVIEW_JOURNAL_USER", "shardview.journal.user"),
            Map.entry("SHARDVIEW_JOURNAL_PASSWORD", "shardview.journal.password"),
            Map.entry("SHARDVIEW_ADMIN_TOKEN", "shardview.auth.admin-token"));

    private NodeConfig() {}

    /** The resolved configuration of the default profile. */
    public static Config load(Optional<Path> file, Map<String, String> environment, Map<String, Object> flags) {
        return load(DEFAULT_PROFILE, file, environment, flags);
    }

    /**
     * The resolved configuration.
     *
     * @param profile one of {@link #PROFILES}
     * @param file the user's file, or empty
     * @param environment the process environment (a parameter so tests can pass their own)
     * @param flags keys set on the command line
     */
    public static Config load(
            String profile, Optional<Path> file, Map<String, String> environment, Map<String, Object> flags) {
        if (!PROFILES.contains(profile)) {
            throw new ConfigException.Generic(
                    "unknown profile '" + profile + "'; the profiles are " + String.join(", ", PROFILES));
        }
        Config base = ConfigFactory.parseResources(
                profile + ".conf", ConfigParseOptions.defaults().setAllowMissing(false));
        Config user = file.map(NodeConfig::parseUserFile).orElse(ConfigFactory.empty());
        Config layered = ConfigFactory.parseMap(flags, "command line flags")
                .withFallback(fromEnvironment(environment))
                .withFallback(user)
                .withFallback(base);
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
        return ConfigFactory.parseFile(
                path.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    }

    /** The profile named by the flag, else by SHARDVIEW_PROFILE, else the default. */
    static String profile(String flag, Map<String, String> environment) {
        if (flag != null) return flag.trim();
        String fromEnvironment = environment.get("SHARDVIEW_PROFILE");
        return fromEnvironment == null || fromEnvironment.isBlank() ? DEFAULT_PROFILE : fromEnvironment.trim();
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
        return Arrays.stream(value.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    // The data directory is fixed once, as an absolute path, so the journal, the snapshot store and
    // the start-up line all name the same place whatever the working directory does later.
    private static Config absoluteDataDir(Config resolved) {
        Path dir = Path.of(resolved.getString("shardview.data-dir"))
                .toAbsolutePath()
                .normalize();
        return ConfigFactory.empty().withValue("shardview.data-dir", ConfigValueFactory.fromAnyRef(dir.toString()));
    }
}
