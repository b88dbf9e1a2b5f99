package io.shardview.node;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * HTTPS from PEM files ({@code shardview.http.tls.certificate} and {@code private-key}): the certificate chain as
 * issued, the key in PKCS#8 ({@code BEGIN PRIVATE KEY}, RSA or EC). Read with the JDK alone.
 */
final class Tls {
    private Tls() {}

    /** The server's TLS context, or null when neither file is set (plain HTTP). */
    static SSLContext serverContext(Config config) {
        String certificate = config.getString("shardview.http.tls.certificate");
        String privateKey = config.getString("shardview.http.tls.private-key");
        if (certificate.isBlank() && privateKey.isBlank()) return null;
        if (certificate.isBlank() || privateKey.isBlank()) {
            throw new ShardviewNode.NodeStartException(
                    "HTTPS needs both shardview.http.tls.certificate and shardview.http.tls.private-key", null);
        }
        try {
            Collection<? extends Certificate> chain;
            try (InputStream in = Files.newInputStream(Path.of(certificate))) {
                chain = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (chain.isEmpty()) throw new GeneralSecurityException("no certificate in " + certificate);
            PrivateKey key = readKey(Path.of(privateKey));
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] password = new char[0];
            store.setKeyEntry("shardview", key, password, chain.toArray(Certificate[]::new));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new ShardviewNode.NodeStartException("cannot set up HTTPS: " + e.getMessage(), e);
        }
    }

    private static PrivateKey readKey(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        if (pem.contains("BEGIN RSA PRIVATE KEY") || pem.contains("BEGIN EC PRIVATE KEY")) {
            throw new GeneralSecurityException(file + " holds a PKCS#1/SEC1 key; convert it to PKCS#8 with "
                    + "`openssl pkcs8 -topk8 -nocrypt -in " + file + "`");
        }
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) throw new GeneralSecurityException("no PKCS#8 private key in " + file);
        String body = pem.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end)
                .replaceAll("\\s", "");
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body));
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException wrongAlgorithm) {
                // try the next
            }
        }
        throw new GeneralSecurityException("the key in " + file + " is not an RSA, EC or Ed25519 key");
    }
}
