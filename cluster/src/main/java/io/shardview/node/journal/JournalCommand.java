package io.shardview.node.journal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.shardview.node.config.ConfigOptions;
import io.shardview.persistence.JournalSettings;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code shardview journal}: tools for the shared journal database. */
@Command(
        name = "journal",
        mixinStandardHelpOptions = true,
        usageHelpWidth = 100,
        description = {
            "Tools for a node's journal: a stopped node's data directory (single-node profile, --data-dir) or the"
                    + " PostgreSQL journal of the cluster profile (--profile cluster, shardview.journal.url).",
            "They read events and snapshots through the node's own serializers; list, dump, replay, verify and export"
                    + " change nothing; import, migrate, truncate --execute and skip --execute write."
        },
        subcommands = {
            JournalCommand.Init.class,
            JournalListCommand.class,
            JournalDumpCommand.class,
            JournalReplayCommand.class,
            JournalVerifyCommand.class,
            JournalExportCommand.class,
            JournalImportCommand.class,
            JournalMigrateCommand.class,
            JournalTruncateCommand.class,
            JournalSkipCommand.class,
            JournalLagCommand.class,
            JournalDivergedCommand.class
        })
public final class JournalCommand {

    /** {@code shardview journal init}: creates the journal's tables if they are missing. */
    @Command(
            name = "init",
            mixinStandardHelpOptions = true,
            usageHelpWidth = 100,
            description = {
                "Create the journal, tag and snapshot tables (pekko-persistence-jdbc's default schema) in the "
                        + "database shardview.journal.url names, if they do not exist yet. Safe to run again.",
                "The database itself must exist. Uses the cluster profile unless --profile says otherwise."
            },
            footer = {"", "Exit status: 0 when the schema is in place, 1 otherwise."})
    static final class Init implements Callable<Integer> {
        @Mixin
        ConfigOptions configOptions;

        @Override
        public Integer call() {
            Config config;
            try {
                config = configOptions.loadWithDefaultProfile("cluster", Map.of());
            } catch (ConfigException e) {
                System.err.println("shardview: " + e.getMessage());
                return 1;
            }
            JournalSettings journal = new JournalSettings(config);
            if (!journal.isShared()) {
                System.err.println(
                        "shardview: the " + journal.plugin() + " journal needs no schema; journal init is for the "
                                + "PostgreSQL journal (--profile cluster)");
                return 1;
            }
            // A local actor system holding only the journal plugin's settings: nothing joins a cluster or opens a port.
            Config local = ConfigFactory.parseMap(Map.of(
                            "pekko.actor.provider", "local",
                            "pekko.persistence.journal.auto-start-journals", List.of(),
                            "pekko.persistence.snapshot-store.auto-start-snapshot-stores", List.of(),
                            "pekko.extensions", List.of()))
                    .withFallback(config);
            LoggerFactory.getILoggerFactory(); // initialise logging before Pekko logs from its threads
            ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "shardview-journal-init", local);
            try {
                SchemaUtils.createIfNotExists(system).toCompletableFuture().get(60, TimeUnit.SECONDS);
                journal.requireSchema();
                System.out.println("journal schema ready in " + journal.url());
                return 0;
            } catch (Exception e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                System.err.println(
                        "shardview: cannot create the journal schema in " + journal.url() + ": " + cause.getMessage());
                return 1;
            } finally {
                system.terminate();
                try {
                    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // exiting anyway
                }
            }
        }
    }
}
