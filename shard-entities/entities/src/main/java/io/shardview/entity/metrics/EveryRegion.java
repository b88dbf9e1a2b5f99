package io.shardview.entity.metrics;

import io.shardview.metrics.index.Labels;
import io.shardview.metrics.index.Matcher;
import io.shardview.metrics.promql.parser.Expr;
import io.shardview.metrics.promql.parser.PromqlPrinter;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * A PromQL read of a tenant's metrics in every region at once ({@code region=*}, docs/regions.md): each region's
 * shards are asked for what that region holds, and each series comes back with the label {@value #LABEL} naming its
 * region, as a Prometheus federating several others adds their external labels. A series that has a label of that
 * name already keeps it as {@value #EXPORTED} (Prometheus's {@code exported_} rule for clashing target labels), so two
 * regions' series never merge into one.
 *
 * <p>Selectors see the labels as they come back: a matcher on {@value #LABEL} picks regions (a region it does not
 * match is not asked) and one on {@value #EXPORTED} is the stored {@value #LABEL} label the shards match. An aggregation
 * is computed in part by each region's shards only where that gives what the node would compute over the labelled
 * series ({@link #pushable}).
 */
final class EveryRegion {
    /** The label naming a series' region. */
    static final String LABEL = "region";

    /** A series' own label of that name, renamed. */
    static final String EXPORTED = "exported_" + LABEL;

    /** One region's shards of the tenant, and the region's name (null: this node's region, unlabelled). */
    record Region(String name, TenantShards shards) {}

    private EveryRegion() {}

    /**
     * The tenant's shards in each region of the cluster, by name, in name order; this node's region is asked here, and a
     * region declared lost is asked through its copy when copies are kept ({@link MetricsCopies}).
     */
    static List<Region> of(ActorSystem<?> system, String tenant) {
        String self = MetricsRegions.self(system);
        List<Region> regions = new ArrayList<>();
        for (String name : MetricsCopies.get(system).readableRegions()) {
            regions.add(new Region(
                    name, name.equals(self) ? TenantShards.here(tenant) : TenantShards.of(system, tenant, name)));
        }
        return regions;
    }

    /**
     * The matchers to ask {@code region}'s shards with for {@code selector}, or null when a matcher on {@value #LABEL}
     * rules the region out.
     */
    static List<Matcher> forRegion(List<Matcher> selector, String region) {
        List<Matcher> out = new ArrayList<>(selector.size());
        for (Matcher m : selector) {
            if (m.name().equals(LABEL)) {
                if (!m.matches(region)) return null;
            } else if (m.name().equals(EXPORTED)) {
                out.add(Matcher.of(m.type(), LABEL, m.value()));
            } else {
                out.add(m);
            }
        }
        return out;
    }

    /** A series' labels as a read of every region answers them: its own region label renamed, its region's added. */
    static Labels relabel(Labels labels, String region) {
        String own = labels.get(LABEL);
        Labels out = own == null ? labels : labels.without(List.of(LABEL)).with(EXPORTED, own);
        return out.with(LABEL, region);
    }

    /**
     * Whether each region's shards may compute {@code aggregation} in part and the parts be merged across regions: it
     * groups {@code by} labels (or not at all), so the region's label is dropped from its groups as the shards, which
     * never see it, drop it, and its text names neither label, so no selector or grouping of it needs the relabelling.
     * {@code without} keeps the region's label: such an aggregation is computed over the labelled series.
     */
    static boolean pushable(Expr.Aggregate aggregation) {
        return !aggregation.without() && !PromqlPrinter.print(aggregation).contains(LABEL); // EXPORTED contains LABEL
    }
}
