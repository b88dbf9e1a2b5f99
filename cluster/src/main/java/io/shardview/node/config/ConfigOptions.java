package io.shardview.node.config;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The options every command that reads the node's configuration shares: the profile and the user's file. */
public final class ConfigOptions {

    @Option(
            names = "--profile",
            paramLabel = "NAME",
            description =
                    "Configuration profile: single-node (LevelDB journal, the default) or cluster (PostgreSQL journal). "
                            + "Env SHARDVIEW_PROFILE.")
    String profile;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description =
                    "HOCON file overriding the shipped defaults (keys as in config/*.conf). Env SHARDVIEW_CONFIG.")
    Path configFile;

    /** The node's configuration with {@code flags} on top. */
    public Config load(Map<String, Object> flags) {
        return loadProfile(NodeConfig.profile(profile, System.getenv()), flags);
    }

    /** The configuration of {@code profile}, whatever --profile and SHARDVIEW_PROFILE say, with {@code flags} on top. */
    public Config loadProfile(String profile, Map<String, Object> flags) {
        Map<String, String> environment = System.getenv();
        Optional<Path> file = Optional.ofNullable(configFile)
                .or(() -> Optional.ofNullable(environment.get("SHARDVIEW_CONFIG"))
                        .filter(s -> !s.isBlank())
                        .map(Path::of));
        return NodeConfig.load(profile, file, environment, flags);
    }

    /** As {@link #load(Map)}, but of {@code profile} when neither --profile nor SHARDVIEW_PROFILE names one. */
    public Config loadWithDefaultProfile(String profile, Map<String, Object> flags) {
        boolean unnamed = this.profile == null && System.getenv("SHARDVIEW_PROFILE") == null;
        return unnamed ? loadProfile(profile, flags) : load(flags);
    }
}
