package io.shardview.multijvm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The batches of {@link TenantDurabilityTest}, deterministic from the batch number, and a model of
 * the keyed table after each of them.
 *
 * <p>Batch {@code n} is generated against the model after batches {@code 1..n-1} (the client is
 * sequential, so that is the node's state when it arrives): an insert or update of one key, an
 * upsert or a delete of another, and one insert into the key-less {@code log} table naming the
 * batch, so the log counts how many times each batch was applied. Every batch is valid against
 * that state, so the node has no reason to refuse any of them.
 */
final class DurabilityWorkload {
    static final String TENANT = "durable";
    static final int KEYS = 40;
    static final String TABLES_SQL =
            "CREATE TABLE acc (id BIGINT NOT NULL, grp INT NOT NULL, bal BIGINT, PRIMARY KEY (id)); "
                    + "CREATE TABLE log (batch VARCHAR NOT NULL, n BIGINT NOT NULL)";

    /** A row of {@code acc} without its key; {@code bal} may be null. */
    record Acc(long grp, Long bal) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> bodies = new ArrayList<>(); // index n - 1
    private final List<Map<Long, Acc>> after = new ArrayList<>(List.of(Map.of())); // index n: after batch n

    static String batchId(int n) {
        return "b-" + n;
    }

    /** The JSON body of batch {@code n}; batches must be asked for in order 1, 2, 3, ... (repeats allowed). */
    synchronized String body(int n) {
        while (bodies.size() < n) generate(bodies.size() + 1);
        return bodies.get(n - 1);
    }

    /** The model of {@code acc} after batches 1..n, each applied once. */
    synchronized Map<Long, Acc> stateAfter(int n) {
        while (after.size() <= n) generate(after.size());
        return after.get(n);
    }

    private void generate(int n) {
        Map<Long, Acc> state = new TreeMap<>(after.get(n - 1));
        ObjectNode batch = JSON.createObjectNode().put("batch_id", batchId(n));
        ArrayNode ops = batch.putArray("ops");

        long a = (n * 7L) % KEYS + 1;
        Acc va = new Acc(n % 5, (n * 37L) % 101);
        ops.add(op(state.containsKey(a) ? "update" : "insert", "acc").set("row", row(a, va)));
        state.put(a, va);

        long b = (n * 13L + 5) % KEYS + 1; // never equal to a: 6n = 35 (mod 40) has no solution
        if (b != a) {
            if (state.containsKey(b) && n % 3 == 0) {
                ops.add(op("delete", "acc").set("key", JSON.createObjectNode().put("id", b)));
                state.remove(b);
            } else {
                Acc vb = new Acc((n * 3L) % 5, n % 10 == 0 ? null : (n * 11L) % 97);
                ops.add(op("upsert", "acc").set("row", row(b, vb)));
                state.put(b, vb);
            }
        }

        ops.add(op("insert", "log")
                .set("row", JSON.createObjectNode().put("batch", batchId(n)).put("n", n)));
        bodies.add(batch.toString());
        after.add(Collections.unmodifiableMap(state));
    }

    private static ObjectNode op(String op, String table) {
        return JSON.createObjectNode().put("op", op).put("table", table);
    }

    private static ObjectNode row(long id, Acc acc) {
        ObjectNode row = JSON.createObjectNode().put("id", id).put("grp", acc.grp());
        if (acc.bal() == null) row.putNull("bal");
        else row.put("bal", acc.bal());
        return row;
    }
}
