package io.shardview.node;

import io.shardview.node.journal.JournalCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code shardview} command: {@code serve} runs a node, {@code journal ...} the journal tools. */
@Command(
        name = "shardview",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        usageHelpWidth = 100,
        description = {
            "Sharded, event-sourced incremental SQL views and Prometheus-compatible metrics on Apache Pekko.",
            "",
            "`shardview serve` runs a single node on embedded storage: HTTP on http://127.0.0.1:8080, "
                    + "data under ./data. `shardview help serve` lists its options."
        },
        subcommands = {ServeCommand.class, JournalCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    /**
     * Pekko's Java API hands out CompletableFutures (Scala's converters) whose non-async callbacks run
     * on the default async executor, which is the common ForkJoinPool only when that pool's parallelism
     * is at least 2; on a machine of 1 or 2 cores the JDK starts a new thread for every callback instead
     * (one per shard ask, per ingest group, ...). The common pool's size is read once, when it is first
     * used, so it is set here, before anything else runs.
     */
    static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    public static void main(String[] args) {
        if (System.getProperty(COMMON_POOL_PARALLELISM) == null
                && Runtime.getRuntime().availableProcessors() < 3) {
            System.setProperty(COMMON_POOL_PARALLELISM, "2");
        }
        int exitCode = new CommandLine(new Main())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .execute(args);
        System.exit(exitCode);
    }

    /** Version from the jar manifest, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"shardview " + (version == null ? "development" : version)};
        }
    }
}
