package io.shardview.circuit.operator;

import io.shardview.circuit.data.ZSet;

/** UNION ALL: the sum of the input deltas (Z-set addition). Stateless. */
public final class UnionAll implements Operator {
    @Override
    public ZSet step(ZSet[] inputs) {
        ZSet out = new ZSet();
        for (ZSet in : inputs) {
            out.addAll(in);
        }
        return out;
    }
}
