package io.shardview.node.journal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.shardview.node.config.ConfigOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What every journal tool reads: which journal (the node's configuration, or a data directory) and how to print. */
final class JournalOptions {
    @Mixin
    ConfigOptions config;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "A stopped node's data directory (single-node profile; default ./data, as the node's).")
    Path dataDir;

    @Option(names = "--json", description = "Machine-readable output: JSON on stdout.")
    boolean json;

    /** The node's configuration with these options on top. */
    Config load() {
        Map<String, Object> flags = new HashMap<>();
        if (dataDir != null)
            flags.put("shardview.data-dir", dataDir.toAbsolutePath().toString());
        return config.load(flags);
    }

    /** Opens the journal, or says on {@code err} why it cannot (then null). */
    JournalStore open(java.io.PrintWriter err) {
        return open(err, false);
    }

    /** Opens the journal to write into it: a LevelDB journal is created when the data directory has none yet. */
    JournalStore openForWriting(java.io.PrintWriter err) {
        return open(err, true);
    }

    private JournalStore open(java.io.PrintWriter err, boolean create) {
        try {
            return JournalStore.open(load(), create);
        } catch (ConfigException | JournalStore.Unavailable e) {
            err.println("shardview: " + e.getMessage());
            return null;
        }
    }

    /** Whether the journal exists: a LevelDB journal directory, or (PostgreSQL) always, as far as the tool can tell. */
    boolean journalExists() {
        Config config = load();
        if (new io.shardview.persistence.JournalSettings(config).isShared()) return true;
        return java.nio.file.Files.isDirectory(Path.of(config.getString("pekko.persistence.journal.leveldb.dir")));
    }

    /** A persistence id as given: a full one ("tenant|demo"), or a tenant's name. */
    static String persistenceId(String given) {
        return given.contains("|") ? given : "tenant|" + given;
    }
}
