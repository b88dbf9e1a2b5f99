package io.shardview.circuit.sql;

import io.shardview.circuit.catalog.Column;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The relations a SELECT may read, a tenant's tables and views, found by name as the planner meets them: planning a
 * view costs the relations it names, not all of the tenant's (a tenant may hold thousands).
 */
public interface Relations {
    /** The columns of relation {@code name}, or null if there is none. */
    List<Column> columns(String name);

    /** Every relation's name; only a lookup by a name in another case, an error's suggestion, lists them. */
    Set<String> names();

    static Relations of(Map<String, List<Column>> relations) {
        return new Relations() {
            @Override
            public List<Column> columns(String name) {
                return relations.get(name);
            }

            @Override
            public Set<String> names() {
                return relations.keySet();
            }
        };
    }
}
