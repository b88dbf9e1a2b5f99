package io.shardview.circuit;

import io.shardview.circuit.RandomSchema.Col;
import io.shardview.circuit.RandomSchema.Kind;
import io.shardview.circuit.RandomSchema.Rel;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.error.RejectionKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random batches of mixed ops against a model of the tables' current rows, so most ops are valid;
 * keys come from a small domain so the same key is often inserted, updated and deleted in one batch.
 * Some batches carry one deliberately bad op, whose index and kind the test then expects.
 */
public final class RandomBatches {
    /**
     * A batch, and for a deliberately bad one the index and kind of the rejection expected, and when
     * PostgreSQL refuses the bad op too (a NUMERIC overflow, a value too long for a VARCHAR(3)), its SQLSTATE (else null).
     */
    public record Batch(List<Op> ops, int badIndex, RejectionKind badKind, String pgSqlState) {}

    private final Random rnd;
    private final List<Rel> tables;
    private final RandomSchema schema;
    private Map<String, LinkedHashMap<List<Object>, Map<String, Object>>> keyed = new HashMap<>();
    private Map<String, List<Map<String, Object>>> keyless = new HashMap<>();

    public RandomBatches(Random rnd, RandomSchema schema) {
        this.rnd = rnd;
        this.schema = schema;
        this.tables = schema.tables;
        for (Rel t : tables) {
            if (t.pk().isEmpty()) keyless.put(t.name(), new ArrayList<>());
            else keyed.put(t.name(), new LinkedHashMap<>());
        }
    }

    /** Generates a batch, updating the model as if it were accepted; call {@link #rollback} if not. */
    public Batch next(int maxOps) {
        savedKeyed = deepCopyKeyed();
        savedKeyless = deepCopyKeyless();
        int n = 1 + rnd.nextInt(maxOps);
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ops.add(op(tables.get(rnd.nextInt(tables.size()))));
        }
        if (rnd.nextInt(15) != 0) return new Batch(ops, -1, null, null);
        int at = rnd.nextInt(ops.size() + 1);
        // The bad op is judged against the state after the ops before it, so cut the batch there.
        List<Op> prefix = new ArrayList<>(ops.subList(0, at));
        replayModel(prefix);
        Rel t = tables.get(rnd.nextInt(tables.size()));
        Map<String, Object> row = row(t, key(t));
        Col target = t.cols().get(rnd.nextInt(t.cols().size()));
        boolean overflow = target.kind() == Kind.DEC && rnd.nextBoolean();
        boolean tooLong = schema.isShort(t.name(), target.name()) && rnd.nextBoolean();
        row.put(
                target.name(),
                overflow
                        ? RandomSchema.decimalOverflow(rnd)
                        : tooLong ? "abcd" : target.kind() == Kind.STR ? (Object) 12L : "not a value");
        prefix.add(Op.insert(t.name(), row));
        prefix.add(op(t));
        return new Batch(prefix, at, RejectionKind.INVALID, overflow ? "22003" : tooLong ? "22001" : null);
    }

    private Map<String, LinkedHashMap<List<Object>, Map<String, Object>>> savedKeyed;
    private Map<String, List<Map<String, Object>>> savedKeyless;

    /** Restores the model to before the last {@link #next}. */
    public void rollback() {
        keyed = savedKeyed;
        keyless = savedKeyless;
    }

    private void replayModel(List<Op> prefix) {
        rollback();
        savedKeyed = deepCopyKeyed();
        savedKeyless = deepCopyKeyless();
        for (Op op : prefix) {
            Rel t = tables.stream()
                    .filter(x -> x.name().equals(op.table()))
                    .findFirst()
                    .orElseThrow();
            applyToModel(t, op);
        }
    }

    private Map<String, LinkedHashMap<List<Object>, Map<String, Object>>> deepCopyKeyed() {
        Map<String, LinkedHashMap<List<Object>, Map<String, Object>>> out = new HashMap<>();
        keyed.forEach((k, v) -> out.put(k, new LinkedHashMap<>(v)));
        return out;
    }

    private Map<String, List<Map<String, Object>>> deepCopyKeyless() {
        Map<String, List<Map<String, Object>>> out = new HashMap<>();
        keyless.forEach((k, v) -> out.put(k, new ArrayList<>(v)));
        return out;
    }

    private Op op(Rel t) {
        Op op = t.pk().isEmpty() ? keylessOp(t) : keyedOp(t);
        applyToModel(t, op);
        return op;
    }

    private Op keyedOp(Rel t) {
        LinkedHashMap<List<Object>, Map<String, Object>> rows = keyed.get(t.name());
        List<List<Object>> keys = new ArrayList<>(rows.keySet());
        int choice = rnd.nextInt(10);
        if (keys.isEmpty() || choice < 4) {
            Map<String, Object> key = key(t);
            if (rows.containsKey(keyValues(t, key))) return Op.upsert(t.name(), row(t, key));
            return Op.insert(t.name(), row(t, key));
        }
        List<Object> existing = keys.get(rnd.nextInt(keys.size()));
        Map<String, Object> key = new HashMap<>();
        for (int i = 0; i < t.pk().size(); i++) {
            key.put(t.pk().get(i), existing.get(i));
        }
        if (choice < 6) return Op.update(t.name(), row(t, key));
        if (choice < 7) return Op.upsert(t.name(), row(t, rnd.nextBoolean() ? key : key(t)));
        return Op.deleteKey(t.name(), key);
    }

    private Op keylessOp(Rel t) {
        List<Map<String, Object>> rows = keyless.get(t.name());
        if (rows.isEmpty() || rnd.nextInt(10) < 6) {
            if (!rows.isEmpty() && rnd.nextInt(4) == 0) return Op.insert(t.name(), rows.get(rnd.nextInt(rows.size())));
            return Op.insert(t.name(), row(t, new HashMap<>()));
        }
        return Op.deleteRow(t.name(), rows.get(rnd.nextInt(rows.size())));
    }

    private void applyToModel(Rel t, Op op) {
        if (t.pk().isEmpty()) {
            List<Map<String, Object>> rows = keyless.get(t.name());
            if (op instanceof Op.Insert i) rows.add(i.row());
            else rows.remove(((Op.Delete) op).row());
            return;
        }
        LinkedHashMap<List<Object>, Map<String, Object>> rows = keyed.get(t.name());
        if (op instanceof Op.Delete d) rows.remove(keyValues(t, d.key()));
        else if (op instanceof Op.Insert i) rows.put(keyValues(t, i.row()), i.row());
        else if (op instanceof Op.Update u) rows.put(keyValues(t, u.row()), u.row());
        else rows.put(keyValues(t, ((Op.Upsert) op).row()), ((Op.Upsert) op).row());
    }

    private static List<Object> keyValues(Rel t, Map<String, Object> row) {
        return t.pk().stream().map(row::get).toList();
    }

    private Map<String, Object> key(Rel t) {
        Map<String, Object> key = new HashMap<>();
        for (Col c : t.cols()) {
            if (!t.pk().contains(c.name())) continue;
            key.put(
                    c.name(),
                    c.kind() == Kind.STR
                            ? (rnd.nextBoolean() ? "a" : "b")
                            : (long) rnd.nextInt(c.name().equals("id") ? 12 : 3));
        }
        return key;
    }

    /** A full row with the given key values and random others (dates and timestamps sometimes as ISO strings). */
    private Map<String, Object> row(Rel t, Map<String, Object> key) {
        Map<String, Object> row = new HashMap<>(key);
        for (Col c : t.cols()) {
            if (row.containsKey(c.name())) continue;
            Object v = RandomSchema.value(rnd, c.kind(), c.nullable());
            if (v instanceof java.time.LocalDate d && rnd.nextBoolean()) v = d.toString();
            if (v instanceof java.time.LocalDateTime ts && rnd.nextBoolean())
                v = rnd.nextBoolean() ? ts.toString() : ts.toString().replace('T', ' ');
            if (v != null || rnd.nextBoolean()) row.put(c.name(), v);
        }
        return row;
    }
}
