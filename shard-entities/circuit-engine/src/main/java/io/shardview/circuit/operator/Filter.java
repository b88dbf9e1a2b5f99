package io.shardview.circuit.operator;

import io.shardview.circuit.data.ZSet;

/** WHERE / HAVING: keeps the delta rows whose predicate is TRUE, with their weights. Stateless. */
public final class Filter implements Operator {
    private final Expr predicate;

    public Filter(Expr predicate) {
        this.predicate = predicate;
    }

    @Override
    public ZSet step(ZSet[] inputs) {
        ZSet out = new ZSet(); // not sized for the input: a selective filter keeps few rows
        inputs[0].forEach((row, w) -> {
            if (predicate.test(row)) out.add(row, w);
        });
        return out;
    }
}
