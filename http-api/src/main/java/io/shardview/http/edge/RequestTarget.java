package io.shardview.http.edge;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A request's target (RFC 9112, 3.2): checked once, then split into the path's segments and the query's parameters,
 * both percent-decoded as UTF-8. Characters a client may leave unencoded in practice ({@code [ ] |}, as curl sends
 * Prometheus' {@code match[]}) are taken as they are; a control character, a space or a '%' without two hex digits
 * after it is refused.
 */
public final class RequestTarget {
    private RequestTarget() {}

    /** Why {@code target} is not a request target the node serves, or null when it is. */
    static String problem(String target) {
        if (target.equals("*")) return null;
        int start = pathStart(target);
        if (start < 0) return "the request target must be a path starting with '/'";
        for (int i = start; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c == 0x7f) return "the request target has a control character or space at " + i;
            if (c == '%'
                    && (i + 2 >= target.length() || hex(target.charAt(i + 1)) < 0 || hex(target.charAt(i + 2)) < 0)) {
                return "the request target has an invalid percent-encoding at " + i;
            }
        }
        return null;
    }

    /** Where the path starts: 0 in origin form ({@code /path}), past the authority in absolute form; -1 if neither. */
    static int pathStart(String target) {
        if (target.startsWith("/")) return 0;
        int scheme = target.startsWith("http://") ? 7 : target.startsWith("https://") ? 8 : -1;
        if (scheme < 0) return -1;
        int slash = target.indexOf('/', scheme);
        return slash < 0 ? target.length() : slash;
    }

    /** The segments of a raw path ({@code /v1/tenants/a%20b} is v1, tenants, "a b"); an empty path has none. */
    public static List<String> segments(String rawPath) {
        List<String> segments = new ArrayList<>(6);
        int from = rawPath.startsWith("/") ? 1 : 0;
        if (from >= rawPath.length()) return segments;
        while (true) {
            int slash = rawPath.indexOf('/', from);
            segments.add(decode(rawPath, from, slash < 0 ? rawPath.length() : slash, false));
            if (slash < 0) return segments;
            from = slash + 1;
        }
    }

    /** Calls {@code parameter} with each name and value of a raw query, in order ('+' is a space in both). */
    public static void forEachParameter(String rawQuery, BiConsumer<String, String> parameter) {
        if (rawQuery == null || rawQuery.isEmpty()) return;
        int from = 0;
        while (from <= rawQuery.length()) {
            int amp = rawQuery.indexOf('&', from);
            int end = amp < 0 ? rawQuery.length() : amp;
            if (end > from) {
                int eq = rawQuery.indexOf('=', from);
                if (eq < 0 || eq > end) parameter.accept(decode(rawQuery, from, end, true), "");
                else parameter.accept(decode(rawQuery, from, eq, true), decode(rawQuery, eq + 1, end, true));
            }
            if (amp < 0) return;
            from = amp + 1;
        }
    }

    /** {@code raw[from, to)} percent-decoded as UTF-8 ('+' as a space when {@code plusIsSpace}). */
    static String decode(String raw, int from, int to, boolean plusIsSpace) {
        boolean plain = true;
        for (int i = from; i < to && plain; i++) {
            char c = raw.charAt(i);
            plain = c != '%' && !(plusIsSpace && c == '+');
        }
        if (plain) return raw.substring(from, to);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < to && hex(raw.charAt(i + 1)) >= 0 && hex(raw.charAt(i + 2)) >= 0) {
                bytes.write(hex(raw.charAt(i + 1)) * 16 + hex(raw.charAt(i + 2)));
                i += 2;
            } else if (plusIsSpace && c == '+') {
                bytes.write(' ');
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }
}
