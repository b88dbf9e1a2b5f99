package io.shardview.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for 127.0.0.1 and its key, as the PEM files a node's {@code shardview.http.tls} settings
 * read (the chain, and the key in PKCS#8). Made by the JDK's keytool, as an operator without openssl could.
 */
public final class SelfSignedCertificate {
    private SelfSignedCertificate() {}

    /** Writes the certificate and its key to the two files; returns the store holding them (alias {@code node}). */
    public static KeyStore write(Path certificate, Path privateKey) throws IOException, InterruptedException {
        Path store = Files.createTempFile(certificate.getParent(), "node", ".p12");
        Files.delete(store); // keytool makes it
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(
                        keytool.toString(),
                        "-genkeypair",
                        "-alias",
                        "node",
                        "-keyalg",
                        "RSA",
                        "-keysize",
                        "2048",
                        "-dname",
                        "CN=127.0.0.1",
                        "-ext",
                        "SAN=ip:127.0.0.1",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        store.toString(),
                        "-storepass",
                        "changeit")
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(in, "changeit".toCharArray());
            Files.writeString(
                    certificate, pem("CERTIFICATE", keys.getCertificate("node").getEncoded()));
            Files.writeString(
                    privateKey,
                    pem(
                            "PRIVATE KEY",
                            keys.getKey("node", "changeit".toCharArray()).getEncoded()));
            return keys;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code der} as a PEM block of {@code type}. */
    public static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
