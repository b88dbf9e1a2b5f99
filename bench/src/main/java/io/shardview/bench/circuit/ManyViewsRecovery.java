package io.shardview.bench.circuit;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.DdlResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;

/**
 * How long a tenant of many views takes to restore from its snapshot (issue "Loose ends", item 5): one table and n
 * filter views over it, created one request each as a tenant creates them, then the snapshot written and read back
 * (twice, the second timed after the first warmed the planner; the snapshot is written twice too, the first finding
 * each view's plan as text). Argument: views (default 9000). The table is empty:
 * what is measured is planning and the catalog, not evaluation.
 *
 * <p>{@code java -cp "bench/target/bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*"
 * io.shardview.bench.circuit.ManyViewsRecovery 9000}
 */
public final class ManyViewsRecovery {
    private ManyViewsRecovery() {}

    public static void main(String[] args) throws Exception {
        int views = args.length > 0 ? Integer.parseInt(args[0]) : 9000;
        Circuit circuit = new Circuit();
        create(circuit, "CREATE TABLE t (id BIGINT NOT NULL, x INT, s VARCHAR, PRIMARY KEY (id))");
        long start = System.nanoTime();
        for (int v = 0; v < views; v++) {
            create(circuit, "CREATE VIEW v" + v + " AS SELECT id, s FROM t WHERE x > " + v);
        }
        System.out.printf("created %d views in %.1f s%n", views, (System.nanoTime() - start) / 1e9);
        ByteArrayOutputStream bytes = null;
        for (int round = 1; round <= 2; round++) { // the first finds each view's plan as text, the second reuses it
            start = System.nanoTime();
            bytes = new ByteArrayOutputStream();
            circuit.writeSnapshot(new DataOutputStream(bytes));
            System.out.printf(
                    "snapshot %d written in %.2f s: %.1f MB%n",
                    round, (System.nanoTime() - start) / 1e9, bytes.size() / 1e6);
        }
        for (int round = 1; round <= 2; round++) {
            start = System.nanoTime();
            Circuit restored = Circuit.readSnapshot(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            System.out.printf(
                    "restore %d: %.2f s (%d views)%n",
                    round,
                    (System.nanoTime() - start) / 1e9,
                    restored.catalog().views().size());
        }
    }

    private static void create(Circuit circuit, String sql) {
        DdlResult r = circuit.executeSql(sql);
        if (r instanceof DdlResult.Rejected rejected) throw new IllegalStateException(sql + ": " + rejected);
    }
}
