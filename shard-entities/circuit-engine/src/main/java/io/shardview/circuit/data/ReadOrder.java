package io.shardview.circuit.data;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Turns a Z-set into the list of rows a read returns: sorted, a row of weight n repeated n times. */
public final class ReadOrder {
    private ReadOrder() {}

    public static List<Row> expand(ZSet content, Comparator<Row> order) {
        List<Row> distinct = new ArrayList<>(content.entries().keySet());
        distinct.sort(order);
        List<Row> out = new ArrayList<>(distinct.size());
        for (Row r : distinct) {
            for (long i = content.weight(r); i > 0; i--) {
                out.add(r);
            }
        }
        return out;
    }

    /** The order-independent content hash of a Z-set, as hex. */
    public static String hash(ZSet content) {
        long h = 0;
        for (var e : content.entries().entrySet()) {
            h += e.getValue() * e.getKey().contentHash64();
        }
        return String.format("%016x", h);
    }
}
