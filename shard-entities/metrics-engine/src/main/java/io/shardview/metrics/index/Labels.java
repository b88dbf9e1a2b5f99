package io.shardview.metrics.index;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * An immutable label set, the identity of a series within a tenant: pairs sorted by name,
 * names unique, no empty values (as in Prometheus an empty value means the label is absent).
 *
 * <p>Names sort by Unicode code point (the same order as their UTF-8 bytes), so the canonical
 * form does not depend on Java's UTF-16 ordering. Canonical bytes: for each pair in order,
 * var-int length + UTF-8 of the name, var-int length + UTF-8 of the value (var-int: 7 bits per
 * byte, low group first, high bit = more). {@link #stableHash()} is FNV-1a 64 over the canonical
 * bytes followed by the MurmurHash3 fmix64 finalizer: it depends only on the labels, never on JVM
 * hash seeds, map order or the process, so every node picks the same shard for a series.
 */
public final class Labels implements Comparable<Labels> {
    /** The label holding the metric name. */
    public static final String METRIC_NAME = "__name__";

    private static final Labels EMPTY = new Labels(new String[0], new String[0]);

    private final String[] names;
    private final String[] values;
    private final byte[] canonical;
    private final long hash;

    private Labels(String[] names, String[] values) {
        this(names, values, encode(names, values));
    }

    private Labels(String[] names, String[] values, byte[] canonical) {
        this.names = names;
        this.values = values;
        this.canonical = canonical;
        this.hash = fnv1aFmix(canonical);
    }

    /** Builds from alternating name, value arguments in any order; empty values are dropped. */
    public static Labels of(String... nameValuePairs) {
        if (nameValuePairs.length % 2 != 0) {
            throw new IllegalArgumentException("labels need name/value pairs");
        }
        int n = nameValuePairs.length / 2;
        String[] names = new String[n];
        String[] values = new String[n];
        for (int i = 0; i < n; i++) {
            names[i] = nameValuePairs[2 * i];
            values[i] = nameValuePairs[2 * i + 1];
        }
        return sorted(names, values);
    }

    /** Builds from a map; empty values are dropped. */
    public static Labels of(Map<String, String> map) {
        String[] names = new String[map.size()];
        String[] values = new String[map.size()];
        int i = 0;
        for (Map.Entry<String, String> e : map.entrySet()) {
            names[i] = e.getKey();
            values[i++] = e.getValue();
        }
        return sorted(names, values);
    }

    private static Labels sorted(String[] names, String[] values) {
        if (names.length > 0 && isCanonicalOrder(names, values)) { // as most label sets arrive: no sorting
            return new Labels(names, values);
        }
        Integer[] order = new Integer[names.length];
        int kept = 0;
        for (int i = 0; i < names.length; i++) {
            if (names[i] == null || names[i].isEmpty()) {
                throw new IllegalArgumentException("empty label name");
            }
            if (values[i] == null) {
                throw new IllegalArgumentException("null value for label " + names[i]);
            }
            if (!values[i].isEmpty()) {
                order[kept++] = i;
            }
        }
        Integer[] live = Arrays.copyOf(order, kept);
        Arrays.sort(live, (a, b) -> compareCodePoints(names[a], names[b]));
        String[] n = new String[kept];
        String[] v = new String[kept];
        for (int i = 0; i < kept; i++) {
            n[i] = names[live[i]];
            v[i] = values[live[i]];
            if (i > 0 && n[i].equals(n[i - 1])) {
                throw new IllegalArgumentException("duplicate label name " + n[i]);
            }
        }
        return kept == 0 ? EMPTY : new Labels(n, v);
    }

    /** Whether the pairs are already canonical: names non-empty and strictly increasing, values non-empty. */
    private static boolean isCanonicalOrder(String[] names, String[] values) {
        for (int i = 0; i < names.length; i++) {
            if (names[i] == null || names[i].isEmpty() || values[i] == null || values[i].isEmpty()) {
                return false;
            }
            if (i > 0 && compareCodePoints(names[i - 1], names[i]) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** Number of labels. */
    public int size() {
        return names.length;
    }

    /** Name of the i-th label in canonical order. */
    public String name(int i) {
        return names[i];
    }

    /** Value of the i-th label in canonical order. */
    public String value(int i) {
        return values[i];
    }

    /** The value of {@code name}, or null if the set has no such label. */
    public String get(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return values[i];
            }
        }
        return null;
    }

    /** This set without the labels named in {@code drop} (PromQL's {@code without}, name dropping). */
    public Labels without(java.util.Collection<String> drop) {
        return filter(drop, false);
    }

    /** This set with only the labels named in {@code keep} (PromQL's {@code by} and {@code on}). */
    public Labels keep(java.util.Collection<String> keep) {
        return filter(keep, true);
    }

    /** This set without {@code __name__}. */
    public Labels withoutName() {
        return get(METRIC_NAME) == null ? this : without(List.of(METRIC_NAME));
    }

    /** This set with {@code name} set to {@code value}; an empty value removes the label. */
    public Labels with(String name, String value) {
        Map<String, String> map = toMap();
        if (value.isEmpty()) map.remove(name);
        else map.put(name, value);
        return of(map);
    }

    /** The pairs as a map, in canonical order. */
    public Map<String, String> toMap() {
        Map<String, String> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) map.put(names[i], values[i]);
        return map;
    }

    private Labels filter(java.util.Collection<String> set, boolean keep) {
        int kept = 0;
        for (String name : names) if (set.contains(name) == keep) kept++;
        if (kept == names.length) return this;
        if (kept == 0) return EMPTY;
        String[] n = new String[kept];
        String[] v = new String[kept];
        for (int i = 0, j = 0; i < names.length; i++) {
            if (set.contains(names[i]) == keep) {
                n[j] = names[i];
                v[j++] = values[i];
            }
        }
        return new Labels(n, v);
    }

    /** The canonical byte form (a copy). */
    public byte[] canonicalBytes() {
        return canonical.clone();
    }

    /** Stable 64-bit hash of the canonical bytes (see the class comment). */
    public long stableHash() {
        return hash;
    }

    /**
     * The shard in {@code [0, shards)} for this series, by jump consistent hash (Lamping and Veach,
     * 2014) of {@link #stableHash()}: growing from n to n+1 shards moves only 1/(n+1) of the series.
     */
    public int shard(int shards) {
        if (shards <= 0) {
            throw new IllegalArgumentException("shards must be positive");
        }
        long key = hash;
        long b = -1;
        long j = 0;
        while (j < shards) {
            b = j;
            key = key * 2862933555777941757L + 1;
            j = (long) ((b + 1) * ((double) (1L << 31) / (double) ((key >>> 33) + 1)));
        }
        return (int) b;
    }

    /** Writes the canonical bytes, length-prefixed. */
    public void write(DataOutput out) throws IOException {
        out.writeInt(canonical.length);
        out.write(canonical);
    }

    /** Reads what {@link #write} wrote. */
    public static Labels read(DataInput in) throws IOException {
        int len = in.readInt();
        if (len < 0 || len > (64 << 20)) {
            throw new IOException("corrupt label set length " + len);
        }
        byte[] bytes = new byte[len];
        in.readFully(bytes);
        return fromCanonicalBytes(bytes);
    }

    /** Parses canonical bytes, validating order and uniqueness. */
    public static Labels fromCanonicalBytes(byte[] bytes) {
        int[] pos = {0};
        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        while (pos[0] < bytes.length) {
            names.add(readString(bytes, pos));
            values.add(readString(bytes, pos));
        }
        String[] n = names.toArray(new String[0]);
        String[] v = values.toArray(new String[0]);
        if (n.length > 0 && isAscii(bytes) && isCanonicalOrder(n, v) && minimalAsciiSize(n, v) == bytes.length) {
            // ASCII decodes and encodes back to the same bytes, and the size rules out padded lengths
            return new Labels(n, v, bytes.clone());
        }
        Labels labels = sorted(n, v);
        if (!Arrays.equals(labels.canonical, bytes)) {
            throw new IllegalArgumentException("label bytes are not canonical");
        }
        return labels;
    }

    @Override
    public int compareTo(Labels o) {
        for (int i = 0; i < Math.min(names.length, o.names.length); i++) {
            int c = compareCodePoints(names[i], o.names[i]);
            if (c == 0) {
                c = compareCodePoints(values[i], o.values[i]);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(names.length, o.names.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Labels l && hash == l.hash && Arrays.equals(canonical, l.canonical);
    }

    @Override
    public int hashCode() {
        return (int) (hash ^ (hash >>> 32));
    }

    /** Prometheus notation, e.g. {@code {__name__="up", job="api"}}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < names.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(names[i]).append("=\"");
            sb.append(values[i].replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n"));
            sb.append('"');
        }
        return sb.append('}').toString();
    }

    /** Strings in the order of their UTF-8 bytes (by code point), as Prometheus sorts names and values. */
    public static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }

    /** The canonical size of ASCII pairs: each string's length as a minimal var-int, then its bytes. */
    private static int minimalAsciiSize(String[] names, String[] values) {
        int size = 0;
        for (int i = 0; i < names.length; i++) {
            size += varIntSize(names[i].length())
                    + names[i].length()
                    + varIntSize(values[i].length())
                    + values[i].length();
        }
        return size;
    }

    private static int varIntSize(int len) {
        int size = 1;
        while (len >= 0x80) {
            len >>>= 7;
            size++;
        }
        return size;
    }

    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] encode(String[] names, String[] values) {
        byte[][] utf8 = new byte[2 * names.length][];
        int size = 0;
        for (int i = 0; i < names.length; i++) {
            utf8[2 * i] = names[i].getBytes(StandardCharsets.UTF_8);
            utf8[2 * i + 1] = values[i].getBytes(StandardCharsets.UTF_8);
            size += utf8[2 * i].length + utf8[2 * i + 1].length + 10;
        }
        byte[] out = new byte[size];
        int at = 0;
        for (byte[] s : utf8) {
            int len = s.length;
            while (len >= 0x80) {
                out[at++] = (byte) ((len & 0x7F) | 0x80);
                len >>>= 7;
            }
            out[at++] = (byte) len;
            System.arraycopy(s, 0, out, at, s.length);
            at += s.length;
        }
        return Arrays.copyOf(out, at);
    }

    private static String readString(byte[] b, int[] pos) {
        int len = 0;
        for (int shift = 0; ; shift += 7) {
            if (pos[0] >= b.length || shift > 28) {
                throw new IllegalArgumentException("corrupt label bytes");
            }
            int x = b[pos[0]++];
            len |= (x & 0x7F) << shift;
            if (x >= 0) {
                break;
            }
        }
        if (len < 0 || pos[0] + len > b.length) {
            throw new IllegalArgumentException("corrupt label bytes");
        }
        String s = new String(b, pos[0], len, StandardCharsets.UTF_8);
        pos[0] += len;
        return s;
    }

    private static long fnv1aFmix(byte[] bytes) {
        long h = 0xcbf29ce484222325L;
        for (byte x : bytes) {
            h ^= x & 0xFF;
            h *= 0x100000001b3L;
        }
        return fmix64(h);
    }

    /** MurmurHash3's 64-bit finalizer: every input bit flips about half the output bits. */
    static long fmix64(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
