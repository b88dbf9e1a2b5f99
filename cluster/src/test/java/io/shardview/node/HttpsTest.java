package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.testsupport.SelfSignedCertificate;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS from PEM files: a node given a certificate and its PKCS#8 key serves HTTPS on its port, and a client that
 * trusts the certificate reaches it with a token; a key in the old RSA form is refused at start with how to convert
 * it. The certificate is made by the JDK's keytool, as an operator without openssl could.
 */
class HttpsTest {
    private static final String ADMIN = "admin-token-for-the-https-test";

    @TempDir
    Path dir;

    @Test
    void aNodeWithACertificateAndKeyServesHttps() throws Exception {
        Path certificate = dir.resolve("node.crt");
        Path privateKey = dir.resolve("node.key");
        KeyStore keys = SelfSignedCertificate.write(certificate, privateKey);
        ShardviewNode node = ShardviewNode.start(
                TestNodes.config(
                        dir.resolve("data"),
                        Map.of(
                                "shardview.auth.admin-token", ADMIN,
                                "shardview.http.tls.certificate", certificate.toString(),
                                "shardview.http.tls.private-key", privateKey.toString())),
                List.of(new TenantModule()));
        try {
            assertTrue(node.url().startsWith("https://"), node.url());
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("node", keys.getCertificate("node"));
            TrustManagerFactory trusted = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trusted.init(trust);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, trusted.getTrustManagers(), null);
            HttpClient client = HttpClient.newBuilder()
                    .sslContext(tls)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            // Ready first, over HTTPS, as every other test's node is: a request sent while the node is still joining
            // its cluster of one waits for sharding to have a home (this test once waited 50 s so).
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int ready = 0;
            while (ready != 200 && System.nanoTime() < deadline) {
                ready = client.send(
                                HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + node.httpPort() + "/ready"))
                                        .timeout(Duration.ofSeconds(5))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode();
                if (ready != 200) Thread.sleep(100);
            }
            assertEquals(200, ready, "the node never became ready");
            HttpResponse<String> tenants = client.send(
                    HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + node.httpPort() + "/v1/tenants"))
                            .header("Authorization", "Bearer " + ADMIN)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, tenants.statusCode(), tenants.body());
            // Plain HTTP on the same port is not served.
            HttpClient plain = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            assertThrows(
                    java.io.IOException.class,
                    () -> plain.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/health"))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString()));
        } finally {
            node.stop();
        }
    }

    @Test
    void anRsaKeyInTheOldFormIsRefusedWithHowToConvertIt() throws Exception {
        Path certificate = dir.resolve("node.crt");
        Path privateKey = dir.resolve("node.key");
        SelfSignedCertificate.write(certificate, privateKey);
        Files.writeString(privateKey, "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n");
        ShardviewNode.NodeStartException refused = assertThrows(
                ShardviewNode.NodeStartException.class,
                () -> ShardviewNode.start(
                        TestNodes.config(
                                dir.resolve("data"),
                                Map.of(
                                        "shardview.http.tls.certificate", certificate.toString(),
                                        "shardview.http.tls.private-key", privateKey.toString())),
                        List.of(new TenantModule())));
        assertTrue(refused.getMessage().contains("openssl pkcs8"), refused.getMessage());
    }
}
