package io.shardview.bench.http;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** Command-line options of the load generators: {@code --name value} pairs. */
final class Options {
    private final Map<String, String> values = new HashMap<>();

    Options(String[] args) {
        if (args.length % 2 != 0) throw new IllegalArgumentException("options come in pairs: " + Arrays.toString(args));
        for (int i = 0; i + 1 < args.length; i += 2) values.put(args[i], args[i + 1]);
    }

    String get(String name, String otherwise) {
        return values.getOrDefault(name, otherwise);
    }

    int getInt(String name, int otherwise) {
        return values.containsKey(name) ? Integer.parseInt(values.get(name)) : otherwise;
    }
}
