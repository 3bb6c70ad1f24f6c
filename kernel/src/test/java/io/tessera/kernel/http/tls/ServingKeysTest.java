package io.tessera.kernel.http.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.config.KernelConfig;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServingKeysTest {

    @TempDir
    Path tmp;

    @Test
    void aPkcs8KeyAndItsCertificateServeAndTheCertificateIsTheTrustAnchor() throws Exception {
        KeyPair pair = ec();
        X509Certificate certificate = SelfSignedCertificate.issue(pair, "127.0.0.1", Duration.ofDays(1));
        ServingKeys keys = ServingKeys.load(KernelConfig.Https.pem(0,
                write("tls.crt", ServingKeys.pem("CERTIFICATE", certificate.getEncoded())), write("tls.key", ServingKeys.pem("PRIVATE KEY", pair.getPrivate().getEncoded()))));

        assertThat(keys.trustAnchorPem()).isEqualTo(ServingKeys.pem("CERTIFICATE", certificate.getEncoded()));
        assertThat(keyManagerKey(keys)).isEqualTo(pair.getPrivate());
    }

    @Test
    void anRsaKeyInOpenSslsTraditionalFormatIsRead() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair rsa = generator.generateKeyPair();
        X509Certificate certificate = SelfSignedCertificate.issue(rsa, "127.0.0.1", Duration.ofDays(1));
        String traditional = bouncyCastlePem(rsa.getPrivate());
        assertThat(traditional).startsWith("-----BEGIN RSA PRIVATE KEY-----");

        ServingKeys keys = ServingKeys.load(KernelConfig.Https.pem(0,
                write("tls.crt", ServingKeys.pem("CERTIFICATE", certificate.getEncoded())), write("tls.key", traditional)));

        assertThat(keyManagerKey(keys).getEncoded()).isEqualTo(rsa.getPrivate().getEncoded());
    }

    @Test
    void aKeyOfAnotherCertificateIsRefusedWithBothFilesNamed() throws Exception {
        KeyPair pair = ec();
        Path certificate = write("tls.crt", ServingKeys.pem("CERTIFICATE", SelfSignedCertificate.issue(pair, null, Duration.ofDays(1)).getEncoded()));
        Path other = write("other.key", ServingKeys.pem("PRIVATE KEY", ec().getPrivate().getEncoded()));

        assertThatThrownBy(() -> ServingKeys.load(KernelConfig.Https.pem(0, certificate, other)))
                .isInstanceOf(IOException.class)
                .hasMessage("the HTTPS key " + other + " is not the key of the certificate in " + certificate);
    }

    @Test
    void unreadableOrEncryptedFilesAreRefusedInOneLine() throws Exception {
        KeyPair pair = ec();
        Path certificate = write("tls.crt", ServingKeys.pem("CERTIFICATE", SelfSignedCertificate.issue(pair, null, Duration.ofDays(1)).getEncoded()));
        Path missing = tmp.resolve("missing.key");
        assertThatThrownBy(() -> ServingKeys.load(KernelConfig.Https.pem(0, certificate, missing)))
                .hasMessage("cannot read " + missing + ": no such file");

        Path encrypted = write("enc.key", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
        assertThatThrownBy(() -> ServingKeys.load(KernelConfig.Https.pem(0, certificate, encrypted)))
                .hasMessageStartingWith("the HTTPS key " + encrypted + " is encrypted");

        Path notPem = write("plain.crt", "hello");
        assertThatThrownBy(() -> ServingKeys.load(KernelConfig.Https.pem(0, notPem, missing)))
                .hasMessageStartingWith("the HTTPS certificate " + notPem);
    }

    private static KeyPair ec() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static PrivateKey keyManagerKey(ServingKeys keys) throws Exception {
        KeyStore store = keys.keyStore();
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, keys.password().toCharArray());
        return (PrivateKey) store.getKey(ServingKeys.ALIAS, keys.password().toCharArray());
    }

    private static String bouncyCastlePem(PrivateKey key) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(key);
        }
        return out.toString();
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(tmp.resolve(name), text, StandardCharsets.US_ASCII);
    }
}
