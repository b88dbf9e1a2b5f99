package io.shardview.circuit.sql;

import io.shardview.circuit.catalog.Column;
import io.shardview.circuit.plan.CatalogTable;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.schema.lookup.LikePattern;
import org.apache.calcite.schema.lookup.Lookup;
import org.apache.calcite.schema.lookup.Named;

/**
 * A tenant's relations as Calcite's catalog sees them, each made when planning first names it. It records what
 * planning asked ({@link #reads()}), so that the plan can be used again wherever the answers are the same
 * ({@link PlanCache}); and once planning is over it lets go of the tenant's relations ({@link #detach()}), since a plan
 * keeps its catalog for as long as it lives: a view's plan then holds the relations it reads, not all of the tenant's.
 */
final class CatalogSchema extends AbstractSchema {
    private Relations relations;
    private final Map<String, CatalogTable> found = new HashMap<>();
    private final Set<String> absent = new HashSet<>();
    /** Planning listed the relations' names: its outcome may depend on every relation. */
    private boolean listed;

    private final Lookup<Table> tables = new Lookup<>() {
        @Override
        public Table get(String name) {
            return table(name);
        }

        @Override
        public Named<Table> getIgnoreCase(String name) {
            for (String n : names()) {
                if (n.equalsIgnoreCase(name)) return new Named<>(n, table(n));
            }
            return null;
        }

        @Override
        public Set<String> getNames(LikePattern pattern) {
            var matches = pattern.matcher();
            return names().stream().filter(matches::apply).collect(Collectors.toSet());
        }
    };

    CatalogSchema(Relations relations) {
        this.relations = relations;
    }

    @Override
    public Lookup<Table> tables() {
        return tables;
    }

    private Set<String> names() {
        listed = true;
        return relations == null ? found.keySet() : relations.names();
    }

    private Table table(String name) {
        CatalogTable table = found.get(name);
        if (table != null || relations == null) return table;
        List<Column> columns = relations.columns(name);
        if (columns == null) {
            absent.add(name);
            return null;
        }
        table = new CatalogTable(columns);
        found.put(name, table);
        return table;
    }

    /** What planning asked of the relations, or null if it listed them all (then its plan is not to be reused). */
    PlanCache.Reads reads() {
        if (listed) return null;
        Map<String, List<Column>> read = new HashMap<>();
        found.forEach((name, table) -> read.put(name, table.columns()));
        return new PlanCache.Reads(Map.copyOf(read), Set.copyOf(absent));
    }

    /** Planning is over: only the relations it found stay reachable from the plan. */
    void detach() {
        relations = null;
    }
}
