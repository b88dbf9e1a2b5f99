package io.shardview.node.journal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueFactory;
import io.shardview.http.Json;
import io.shardview.node.config.ConfigOptions;
import io.shardview.persistence.JournalSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code shardview journal lag}: how far each region's replica of a tenant is behind, from each region's journal. */
@Command(
        name = "lag",
        mixinStandardHelpOptions = true,
        usageHelpWidth = 100,
        description = {
            "For tenants replicated across regions (docs/regions.md), each region's replica's last sequence number,"
                    + " read from that region's journal database, and how far it is behind the furthest one (the"
                    + " home, unless the home lost events). Replicas persist the home's events at the home's"
                    + " sequence numbers, so equal numbers mean equal logs.",
            "Name every region's journal with --region NAME=jdbc:postgresql://HOST/DATABASE (user and password from"
                    + " shardview.journal, --config or the environment)."
        },
        footer = {"", "Exit status: 0 when read, 1 when a journal cannot be read, 2 on bad arguments."})
final class JournalLagCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "TENANT", description = "Tenants' names (default: every tenant).")
    List<String> tenants = new ArrayList<>();

    @Option(
            names = "--region",
            required = true,
            paramLabel = "NAME=URL",
            description = "A region and its journal's JDBC URL; once per region.")
    Map<String, String> regions = new LinkedHashMap<>();

    @Option(names = "--json", description = "Machine-readable output: JSON on stdout.")
    boolean json;

    @Override
    public Integer call() {
        Config base;
        try {
            base = config.loadProfile("cluster", Map.of()).getConfig("shardview.journal");
        } catch (ConfigException e) {
            err().println("shardview: " + e.getMessage());
            return 2;
        }
        Map<String, Map<String, Long>> lastByTenant = new java.util.TreeMap<>(); // tenant -> region -> last seq nr
        for (var region : regions.entrySet()) {
            Config journal = base.withValue("url", ConfigValueFactory.fromAnyRef(region.getValue()));
            try (Connection db = JournalSettings.connect(journal, 10)) {
                for (var entry : lastSequenceNrs(db).entrySet()) {
                    String tenant = entry.getKey().substring("tenant|".length());
                    if (!tenants.isEmpty() && !tenants.contains(tenant)) continue;
                    lastByTenant
                            .computeIfAbsent(tenant, t -> new LinkedHashMap<>())
                            .put(region.getKey(), entry.getValue());
                }
            } catch (SQLException e) {
                err().println("shardview: cannot read region " + region.getKey() + "'s journal at " + region.getValue()
                        + ": " + e.getMessage());
                return 1;
            }
        }
        for (String tenant : tenants) lastByTenant.putIfAbsent(tenant, new LinkedHashMap<>());
        print(lastByTenant);
        return 0;
    }

    /** Every tenant's last sequence number in one journal. */
    private static Map<String, Long> lastSequenceNrs(Connection db) throws SQLException {
        Map<String, Long> last = new LinkedHashMap<>();
        try (PreparedStatement query =
                        db.prepareStatement("SELECT persistence_id, max(sequence_number) FROM event_journal "
                                + "WHERE persistence_id LIKE 'tenant|%' GROUP BY persistence_id");
                ResultSet rows = query.executeQuery()) {
            while (rows.next()) last.put(rows.getString(1), rows.getLong(2));
        }
        return last;
    }

    private void print(Map<String, Map<String, Long>> lastByTenant) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode list = out.putArray("tenants");
        String format = "%-24s %-12s %12s %10s%n";
        if (!json) out().printf(Locale.ROOT, format, "TENANT", "REGION", "SEQUENCE_NR", "BEHIND");
        for (var tenant : lastByTenant.entrySet()) {
            long furthest = tenant.getValue().values().stream()
                    .mapToLong(Long::longValue)
                    .max()
                    .orElse(0);
            ObjectNode node = list.addObject().put("tenant", tenant.getKey());
            ObjectNode byRegion = node.putObject("regions");
            for (String region : new TreeSet<>(regions.keySet())) {
                long last = tenant.getValue().getOrDefault(region, 0L);
                byRegion.putObject(region).put("sequence_nr", last).put("behind", furthest - last);
                if (!json) out().printf(Locale.ROOT, format, tenant.getKey(), region, last, furthest - last);
            }
        }
        if (json) out().println(out);
    }

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private java.io.PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
