package io.tessera.kernel.http.tls;

import io.tessera.kernel.config.KernelConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Collections;

/**
 * A self-signed serving certificate for the embedded default, kept in {@code <data-dir>/tls/} as
 * PEM: {@code serving.crt} and {@code serving.key} (owner-only), as kubeadm and k3s keep theirs.
 * kubectl sends a token only over HTTPS, so without it a platform kubeconfig could not work on a
 * fresh machine. Made once and reused, so a kubeconfig handed out earlier stays valid.
 */
public final class DevelopmentCertificate {

    /** The certificate (PEM), also what clients trust: {@code tessera login --certificate-authority}. */
    public static final String CERTIFICATE = "serving.crt";
    /** Its private key (PKCS#8 PEM). */
    public static final String KEY = "serving.key";
    /** Earlier versions kept the key in a PKCS12 keystore with its password beside it; converted once. */
    static final String LEGACY_KEYSTORE = "serving.p12";
    static final String LEGACY_PASSWORD = "serving.password";
    private static final Duration VALIDITY = Duration.ofDays(825);

    private DevelopmentCertificate() {
    }

    /** HTTPS settings on {@code port} with the data dir's development certificate, made if absent. */
    public static KernelConfig.Https ensure(Path dataDir, String address, int port) throws IOException {
        Path dir = dataDir.resolve("tls");
        Path certificate = dir.resolve(CERTIFICATE);
        Path key = dir.resolve(KEY);
        if (!(Files.isReadable(certificate) && Files.isReadable(key))) {
            if (Files.isReadable(dir.resolve(LEGACY_KEYSTORE)) && Files.isReadable(dir.resolve(LEGACY_PASSWORD))) {
                convertLegacy(dir);
            } else {
                create(dir, address);
            }
        }
        return KernelConfig.Https.pem(port, certificate, key);
    }

    private static void create(Path dir, String address) throws IOException {
        Files.createDirectories(dir);
        KeyPair pair;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            pair = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot create the development certificate in " + dir + ": " + e.getMessage(), e);
        }
        X509Certificate certificate = SelfSignedCertificate.issue(pair, address, VALIDITY);
        write(dir, pair.getPrivate(), certificate);
    }

    /** Keeps the certificate (and so the kubeconfigs that trust it) of a data dir made by an earlier version. */
    private static void convertLegacy(Path dir) throws IOException {
        Path keystore = dir.resolve(LEGACY_KEYSTORE);
        char[] password = Files.readString(dir.resolve(LEGACY_PASSWORD), StandardCharsets.UTF_8).trim().toCharArray();
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            for (String alias : Collections.list(store.aliases())) {
                Key key = store.getKey(alias, password);
                Certificate[] chain = store.getCertificateChain(alias);
                if (key instanceof PrivateKey privateKey && chain != null && chain.length > 0
                        && chain[0] instanceof X509Certificate certificate) {
                    write(dir, privateKey, certificate);
                    Files.delete(keystore);
                    Files.delete(dir.resolve(LEGACY_PASSWORD));
                    return;
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the development certificate in " + keystore + ": " + e.getMessage(), e);
        }
        throw new IOException("the development keystore " + keystore + " has no key; delete " + dir + " to make a new certificate");
    }

    /** The key first, then the certificate, each under a temporary name and moved: {@link #ensure} needs both. */
    private static void write(Path dir, PrivateKey key, X509Certificate certificate) throws IOException {
        String keyPem = ServingKeys.pem("PRIVATE KEY", key.getEncoded());
        Path tmpKey = dir.resolve(KEY + ".tmp");
        Files.deleteIfExists(tmpKey);
        Files.createFile(tmpKey);
        ownerOnly(tmpKey);
        Files.writeString(tmpKey, keyPem, StandardCharsets.US_ASCII);
        Files.move(tmpKey, dir.resolve(KEY), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        String certificatePem;
        try {
            certificatePem = ServingKeys.pem("CERTIFICATE", certificate.getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IOException(e);
        }
        Path tmpCertificate = dir.resolve(CERTIFICATE + ".tmp");
        Files.writeString(tmpCertificate, certificatePem, StandardCharsets.US_ASCII);
        Files.move(tmpCertificate, dir.resolve(CERTIFICATE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void ownerOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the data dir's own permissions protect it
        }
    }
}
