package io.shardview.bench.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Byte-level mutations of seed inputs, in the manner of libFuzzer's mutators: bit flips, random
 * bytes, deletions, duplications, a target's dictionary tokens, interesting numbers, splices with
 * other seeds, and now and then a large repetition to reach the size limits. Deterministic for a
 * given {@link Random}, so a run can be repeated from its seed.
 */
final class Mutator {
    private static final List<byte[]> NUMBERS = tokens(
            "0",
            "-1",
            "-0",
            "1e309",
            "-1e309",
            "1e-400",
            "NaN",
            "+Inf",
            "-Inf",
            "9223372036854775807",
            "-9223372036854775808",
            "18446744073709551616",
            "2147483648",
            "99999999999999999999999",
            "0x1p3",
            "1_000",
            ".5",
            "5.",
            "1e99999",
            "4294967295",
            "00000000000000000001");

    private final Random random;
    private final int maxBytes;

    Mutator(Random random, int maxBytes) {
        this.random = random;
        this.maxBytes = maxBytes;
    }

    static List<byte[]> tokens(String... texts) {
        return Arrays.stream(texts).map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
    }

    /** A mutant of one of {@code seeds}: one to eight mutations stacked. */
    byte[] mutate(List<byte[]> seeds, List<byte[]> dictionary) {
        byte[] data = seeds.get(random.nextInt(seeds.size()));
        int rounds = 1 + random.nextInt(8);
        for (int i = 0; i < rounds; i++) data = mutateOnce(data, seeds, dictionary);
        return data.length > maxBytes ? Arrays.copyOf(data, maxBytes) : data;
    }

    private byte[] mutateOnce(byte[] data, List<byte[]> seeds, List<byte[]> dictionary) {
        int n = data.length;
        switch (random.nextInt(n == 0 ? 3 : 13)) {
            case 0:
                return insert(data, n == 0 ? 0 : random.nextInt(n + 1), pick(dictionary));
            case 1:
                return insert(data, n == 0 ? 0 : random.nextInt(n + 1), pick(NUMBERS));
            case 2: {
                byte[] bytes = new byte[1 + random.nextInt(8)];
                random.nextBytes(bytes);
                return insert(data, n == 0 ? 0 : random.nextInt(n + 1), bytes);
            }
            case 3: {
                byte[] copy = data.clone();
                copy[random.nextInt(n)] ^= (byte) (1 << random.nextInt(8));
                return copy;
            }
            case 4: {
                byte[] copy = data.clone();
                copy[random.nextInt(n)] = (byte) random.nextInt(256);
                return copy;
            }
            case 5: { // delete a range
                int from = random.nextInt(n);
                int to = Math.min(n, from + 1 + random.nextInt(Math.min(n, 32)));
                return concat(Arrays.copyOfRange(data, 0, from), Arrays.copyOfRange(data, to, n));
            }
            case 6: { // duplicate a range in place
                int from = random.nextInt(n);
                int to = Math.min(n, from + 1 + random.nextInt(Math.min(n, 64)));
                return insert(data, to, Arrays.copyOfRange(data, from, to));
            }
            case 7: { // overwrite with a dictionary token
                byte[] token = pick(dictionary);
                int at = random.nextInt(n);
                byte[] copy = Arrays.copyOf(data, Math.max(n, at + token.length));
                System.arraycopy(token, 0, copy, at, token.length);
                return copy;
            }
            case 8: { // splice with another seed
                byte[] other = seeds.get(random.nextInt(seeds.size()));
                int cut = random.nextInt(n + 1);
                int otherCut = random.nextInt(other.length + 1);
                return concat(Arrays.copyOfRange(data, 0, cut), Arrays.copyOfRange(other, otherCut, other.length));
            }
            case 9: // truncate
                return Arrays.copyOf(data, random.nextInt(n));
            case 10: { // swap two bytes
                byte[] copy = data.clone();
                int a = random.nextInt(n);
                int b = random.nextInt(n);
                byte t = copy[a];
                copy[a] = copy[b];
                copy[b] = t;
                return copy;
            }
            case 11: { // repeat a range many times: long values, many labels, deep nesting, big bodies
                if (random.nextInt(64) != 0) return insert(data, random.nextInt(n + 1), pick(dictionary));
                int from = random.nextInt(n);
                int to = Math.min(n, from + 1 + random.nextInt(Math.min(n, 16)));
                int times = 1 << (4 + random.nextInt(12));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(data, 0, to);
                byte[] range = Arrays.copyOfRange(data, from, to);
                for (int i = 0; i < times && out.size() < maxBytes; i++) out.write(range, 0, range.length);
                out.write(data, to, n - to);
                return out.toByteArray();
            }
            default: { // replace a digit run with an interesting number
                byte[] number = pick(NUMBERS);
                int at = random.nextInt(n);
                while (at < n && (data[at] < '0' || data[at] > '9')) at++;
                if (at == n) return insert(data, random.nextInt(n + 1), number);
                int end = at;
                while (end < n && data[end] >= '0' && data[end] <= '9') end++;
                return concat(concat(Arrays.copyOfRange(data, 0, at), number), Arrays.copyOfRange(data, end, n));
            }
        }
    }

    private byte[] pick(List<byte[]> options) {
        return options.get(random.nextInt(options.size()));
    }

    private static byte[] insert(byte[] data, int at, byte[] bytes) {
        byte[] out = new byte[data.length + bytes.length];
        System.arraycopy(data, 0, out, 0, at);
        System.arraycopy(bytes, 0, out, at, bytes.length);
        System.arraycopy(data, at, out, at + bytes.length, data.length - at);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
