package io.shardview.circuit.compiler;

import io.shardview.circuit.data.ZSet;
import io.shardview.circuit.operator.Operator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operators of a tenant's views, one for each sub-plan however many views hold it, as a DBSP circuit shares a
 * stream: two views filtering one table the same way keep one filter, two joining the same filtered inputs one join
 * and its two indexes. An operator is identified by its node's key ({@link NodeKeys}) and its inputs: the relations
 * it reads, or the shared operators below it, by identity, so sharing goes up from the tables as far as two plans
 * agree.
 *
 * <p>A view is filled with operators of its own ({@link Dataflow#step} of a fresh dataflow over the relations'
 * contents), then takes the shared ones in their place ({@link #share}); in a batch each operator steps once, the
 * views after the first taking its output ({@link Batch}).
 * No operator is counted: one lives while a view holds it. The index is only what the current views hold, so it is
 * forgotten whenever a view goes (a drop, a request rolled back) and built again from the views when next needed.
 */
public final class SharedOperators {
    /** What identifies an operator: its node's key and its inputs (relation names, or operators by identity). */
    record Key(String node, List<Object> inputs) {}

    /** Each operator by its key; null: to be built again from the views. */
    private Map<Key, Operator> index;

    /** The same operators, each once, in the order the views first hold them. */
    private List<Operator> operators;

    /** Those two or more views hold. */
    private Set<Operator> shared;

    /** Forgets the index: a view went, and with it maybe the last holder of some operators. */
    public void forget() {
        index = null;
        operators = null;
        shared = null;
    }

    /**
     * The view's fresh dataflow with each operator these views' dataflows hold already in its place; its other
     * operators are shared from now on. {@code views}: the dataflows of the tenant's other views.
     */
    public Dataflow share(Dataflow fresh, Iterable<Dataflow> views) {
        build(views);
        return fresh.sharing(this);
    }

    /** Each operator of the views once (see {@link #share}). */
    public List<Operator> operators(Iterable<Dataflow> views) {
        build(views);
        return operators;
    }

    /**
     * What a batch through the views needs to step each shared operator once (see {@link Batch}); null when no two
     * views share an operator, so a tenant without sharing pays nothing for it.
     */
    public Batch batch(Iterable<Dataflow> views) {
        build(views);
        return shared.isEmpty() ? null : new Batch(shared);
    }

    /**
     * One batch's steps of shared operators: the output of each one stepped so far, which the other views holding
     * it take instead of stepping it again (it would count its input twice). Safe for views stepping in parallel.
     */
    public static final class Batch {
        private final Set<Operator> shared;
        final Map<Operator, ZSet> outputs = new ConcurrentHashMap<>();

        private Batch(Set<Operator> shared) {
            this.shared = shared;
        }

        boolean shares(Operator op) {
            return shared.contains(op);
        }
    }

    /** How many of the views hold each operator. */
    public static Map<Operator, Integer> holders(Iterable<Dataflow> views) {
        Map<Operator, Integer> out = new IdentityHashMap<>();
        for (Dataflow d : views) {
            for (Operator op : d.operators()) out.merge(op, 1, Integer::sum);
        }
        return out;
    }

    private void build(Iterable<Dataflow> views) {
        if (index != null) return;
        index = new HashMap<>();
        operators = new ArrayList<>();
        shared = Collections.newSetFromMap(new IdentityHashMap<>());
        Map<Operator, Integer> holders = holders(views);
        for (Dataflow d : views) {
            d.keys((key, op) -> {
                index.putIfAbsent(key, op);
                Integer n = holders.put(op, 0); // 0: listed
                if (n != null && n > 0) operators.add(op);
                if (n != null && n > 1) shared.add(op);
            });
        }
    }

    /** The operator for a node over these inputs: the one already held, else {@code own}, held from now on. */
    Operator intern(Key key, Operator own) {
        Operator held = index.putIfAbsent(key, own);
        if (held != null) {
            shared.add(held);
            return held;
        }
        operators.add(own);
        return own;
    }
}
