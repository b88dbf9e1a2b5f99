package io.shardview.bench.circuit;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.DdlResult;
import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Shared setup of the circuit benchmarks: a fact table t(id, k, s, d) and a dimension dim(k, name). */
final class BenchData {
    static final String DDL = "CREATE TABLE t (id BIGINT NOT NULL, k BIGINT, s VARCHAR, d DOUBLE, PRIMARY KEY (id));"
            + "CREATE TABLE dim (k BIGINT PRIMARY KEY, name VARCHAR)";
    static final int KEYS = 1000;

    private BenchData() {}

    static Circuit circuit() {
        Circuit c = new Circuit();
        ok(c.executeSql(DDL));
        List<Op> dims = new ArrayList<>();
        for (long k = 0; k < KEYS; k++) {
            dims.add(Op.insert("dim", Map.of("k", k, "name", "name-" + k)));
        }
        accept(c.applyBatch(dims));
        return c;
    }

    static Map<String, Object> row(long id, long version) {
        Map<String, Object> m = new HashMap<>();
        m.put("id", id);
        m.put("k", (id * 31 + version) % KEYS);
        m.put("s", "s" + (id % 97));
        m.put("d", (double) ((id + version) % 1000));
        return m;
    }

    /** Loads rows 0..n-1 in batches of 100,000. */
    static void load(Circuit c, long n) {
        for (long from = 0; from < n; from += 100_000) {
            List<Op> ops = new ArrayList<>();
            for (long id = from; id < Math.min(n, from + 100_000); id++) {
                ops.add(Op.insert("t", row(id, 0)));
            }
            accept(c.applyBatch(ops));
        }
    }

    /** Upserts of `size` existing rows, with values depending on version so each batch changes them. */
    static List<Op> updates(long rows, int size, long version, long seed) {
        List<Op> ops = new ArrayList<>(size);
        long stride = Math.max(1, rows / size);
        for (int i = 0; i < size; i++) {
            long id = (seed + i * stride) % rows;
            ops.add(Op.upsert("t", row(id, version)));
        }
        return ops;
    }

    static void ok(DdlResult r) {
        if (!(r instanceof DdlResult.Applied)) throw new IllegalStateException(r.toString());
    }

    static void accept(BatchOutcome o) {
        if (!(o instanceof BatchOutcome.Accepted)) throw new IllegalStateException(o.toString());
    }
}
