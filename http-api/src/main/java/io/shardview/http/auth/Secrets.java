package io.shardview.http.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Tenant tokens as clients hold them: {@code svt_<id>_<secret>}, the id 16 hex digits (not secret: it names the token
 * in /v1/tokens) and the secret 32 random bytes in URL-safe Base64. Only the SHA-256 of the secret is stored; a
 * presented secret is compared with it in constant time.
 */
public final class Secrets {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PREFIX = "svt_";

    private Secrets() {}

    /** A new token's id and secret. */
    public record NewToken(String id, String secret) {
        /** What the client sends as its bearer token. */
        public String token() {
            return PREFIX + id + "_" + secret;
        }
    }

    public static NewToken newToken() {
        byte[] id = new byte[8];
        byte[] secret = new byte[32];
        RANDOM.nextBytes(id);
        RANDOM.nextBytes(secret);
        return new NewToken(
                HexFormat.of().formatHex(id),
                Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
    }

    /** A presented tenant token split into id and secret, or null when it does not have that form. */
    public static NewToken parse(String token) {
        if (!token.startsWith(PREFIX) || token.length() < PREFIX.length() + 18) return null;
        int split = PREFIX.length() + 16;
        if (token.charAt(split) != '_') return null;
        return new NewToken(token.substring(PREFIX.length(), split), token.substring(split + 1));
    }

    public static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Whether {@code presented} hashes to {@code expectedSha256}, in time independent of where they differ. */
    public static boolean matches(String presented, byte[] expectedSha256) {
        return MessageDigest.isEqual(sha256(presented), expectedSha256);
    }
}
