package io.shardview.node;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code shardview} command: runs a node or, later, the journal tools. */
@Command(
    name = "shardview",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    usageHelpWidth = 100,
    description = {
        "Sharded, event-sourced incremental SQL views and Prometheus-compatible metrics on Apache Pekko.",
        "",
        "`shardview serve` runs a single node on embedded storage: HTTP on http://127.0.0.1:8080, "
            + "data under ./data. `shardview help serve` lists its options."},
    subcommands = {ServeCommand.class, JournalCommand.class, CommandLine.HelpCommand.class})
public final class Main {

  public static void main(String[] args) {
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
