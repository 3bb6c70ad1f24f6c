package io.tessera.kernel.http.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.kernel.config.KernelConfig;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevelopmentCertificateTest {

    @TempDir
    Path data;

    @Test
    void isMadeOnceAsPemWithAnOwnerOnlyKeyAndThenReused() throws Exception {
        KernelConfig.Https first = DevelopmentCertificate.ensure(data, "127.0.0.1", 8443);
        Path tls = data.resolve("tls");
        assertThat(first.certificate()).isEqualTo(tls.resolve("serving.crt"));
        assertThat(first.key()).isEqualTo(tls.resolve("serving.key"));
        assertThat(first.keystore()).isNull();
        assertThat(first.enabled()).isTrue();
        assertThat(Files.getPosixFilePermissions(first.key())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        X509Certificate certificate = ServingKeys.readCertificates(first.certificate())[0];
        assertThat(certificate.getSubjectAlternativeNames().stream().map(name -> String.valueOf(name.get(1))))
                .contains("localhost", "127.0.0.1");
        String pem = Files.readString(first.certificate());

        KernelConfig.Https again = DevelopmentCertificate.ensure(data, "127.0.0.1", 8443);
        assertThat(Files.readString(again.certificate())).as("kubeconfigs handed out earlier stay valid").isEqualTo(pem);
        assertThat(ServingKeys.load(again).trustAnchorPem()).isEqualTo(pem);
    }

    @Test
    void aKeystoreOfAnEarlierVersionIsConvertedKeepingItsCertificate() throws Exception {
        Path tls = Files.createDirectories(data.resolve("tls"));
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        X509Certificate certificate = SelfSignedCertificate.issue(pair, null, Duration.ofDays(1));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("tessera", pair.getPrivate(), "pw".toCharArray(), new X509Certificate[] {certificate});
        try (OutputStream out = Files.newOutputStream(tls.resolve(DevelopmentCertificate.LEGACY_KEYSTORE))) {
            store.store(out, "pw".toCharArray());
        }
        Files.writeString(tls.resolve(DevelopmentCertificate.LEGACY_PASSWORD), "pw\n");

        KernelConfig.Https https = DevelopmentCertificate.ensure(data, "127.0.0.1", 8443);

        assertThat(ServingKeys.readCertificates(https.certificate())[0]).isEqualTo(certificate);
        ServingKeys keys = ServingKeys.load(https);
        assertThat(keys.keyStore().getKey(ServingKeys.ALIAS, keys.password().toCharArray())).isEqualTo(pair.getPrivate());
        assertThat(tls.resolve(DevelopmentCertificate.LEGACY_KEYSTORE)).doesNotExist();
        assertThat(tls.resolve(DevelopmentCertificate.LEGACY_PASSWORD)).doesNotExist();
    }
}
