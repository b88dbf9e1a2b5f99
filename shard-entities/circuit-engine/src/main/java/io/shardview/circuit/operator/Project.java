package io.shardview.circuit.operator;

import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.ZSet;

/** SELECT list: maps each delta row through the expressions; rows that map equal add weights. Stateless. */
public final class Project implements Operator {
    private final Expr[] expressions;

    public Project(Expr[] expressions) {
        this.expressions = expressions;
    }

    @Override
    public ZSet step(ZSet[] inputs) {
        ZSet out = new ZSet(inputs[0].size());
        inputs[0].forEach((row, w) -> out.add(apply(row), w));
        return out;
    }

    Row apply(Row row) {
        Object[] values = new Object[expressions.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = expressions[i].eval(row);
        }
        return Row.wrap(values);
    }
}
