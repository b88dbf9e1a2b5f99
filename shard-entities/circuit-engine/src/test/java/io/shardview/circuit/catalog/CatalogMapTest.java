package io.shardview.circuit.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A CatalogMap is a map like any other, each version unchanged by the changes made from it. */
class CatalogMapTest {
    @Test
    void everyVersionAnswersAsACopiedMapWouldThroughThousandsOfChanges() {
        Random random = new Random(20261125);
        List<CatalogMap<Integer>> versions = new ArrayList<>();
        List<Map<String, Integer>> expected = new ArrayList<>();
        CatalogMap<Integer> map = CatalogMap.empty();
        Map<String, Integer> reference = new LinkedHashMap<>();
        for (int i = 0; i < 20_000; i++) {
            String name = "r" + random.nextInt(i < 10_000 ? 5_000 : 300); // grows, then churns a few names
            if (random.nextInt(4) == 0) {
                map = map.without(name);
                reference.remove(name);
            } else {
                map = map.with(name, i);
                reference.put(name, i);
            }
            if (i % 997 == 0) {
                versions.add(map);
                expected.add(new LinkedHashMap<>(reference));
            }
            assertEquals(reference.size(), map.size());
            assertEquals(reference.get(name), map.get(name));
            assertEquals(reference.containsKey(name), map.containsKey(name));
        }
        assertEquals(reference, map);
        assertEquals(reference.keySet(), map.keySet());
        for (int v = 0; v < versions.size(); v++) {
            assertEquals(expected.get(v), versions.get(v), "version " + v + " as it was made");
            assertEquals(expected.get(v).size(), versions.get(v).entrySet().size());
        }
    }

    @Test
    void iterationKeepsTheOrderOfTheNamesAsFirstAdded() {
        Map<String, Integer> start = new LinkedHashMap<>();
        for (int i = 0; i < 100; i++) start.put("t" + i, i);
        CatalogMap<Integer> map = CatalogMap.of(start)
                .with("t5", 500)
                .without("t7")
                .with("new", 1)
                .with("t7", 7);
        List<String> names = new ArrayList<>(map.keySet());
        assertEquals(List.of("t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8"), names.subList(0, 9));
        assertEquals("new", names.get(names.size() - 1));
        assertEquals(500, map.get("t5"));
        assertEquals(5, CatalogMap.of(start).get("t5"), "the map it was made from is unchanged");
    }
}
