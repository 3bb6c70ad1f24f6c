package io.tessera.kernel.http.tls;

import io.tessera.kernel.config.KernelConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed serving certificate for the embedded default, kept in {@code <data-dir>/tls/}.
 * kubectl sends a token only over HTTPS, so without it a platform kubeconfig could not work on a
 * fresh machine. Made once and reused, so a kubeconfig handed out earlier stays valid.
 */
public final class DevelopmentCertificate {

    static final String KEYSTORE = "serving.p12";
    static final String PASSWORD = "serving.password";
    /** The certificate alone (PEM), for clients to trust: {@code tessera login --certificate-authority}. */
    public static final String CERTIFICATE = "serving.crt";
    private static final Duration VALIDITY = Duration.ofDays(825);

    private DevelopmentCertificate() {
    }

    /** HTTPS settings on {@code port} with the data dir's development keystore, made if absent. */
    public static KernelConfig.Https ensure(Path dataDir, String address, int port) throws IOException {
        Path dir = dataDir.resolve("tls");
        Path keystore = dir.resolve(KEYSTORE);
        Path passwordFile = dir.resolve(PASSWORD);
        if (!(Files.isReadable(keystore) && Files.isReadable(passwordFile))) {
            create(dir, keystore, passwordFile, address);
        }
        String password = Files.readString(passwordFile, StandardCharsets.UTF_8).trim();
        if (!Files.isReadable(dir.resolve(CERTIFICATE))) {
            writeCertificate(keystore, password, dir.resolve(CERTIFICATE));
        }
        return new KernelConfig.Https(port, keystore, password);
    }

    /** The serving certificate as PEM beside the keystore (also for data dirs made before it existed). */
    private static void writeCertificate(Path keystore, String password, Path target) throws IOException {
        try (var in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            byte[] der = store.getCertificate("tessera").getEncoded();
            String pem = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(der) + "\n-----END CERTIFICATE-----\n";
            Path tmp = target.resolveSibling(CERTIFICATE + ".tmp");
            Files.writeString(tmp, pem, StandardCharsets.US_ASCII);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the development certificate in " + keystore + ": " + e.getMessage(), e);
        }
    }

    private static void create(Path dir, Path keystore, Path passwordFile, String address) throws IOException {
        Files.createDirectories(dir);
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            X509Certificate certificate = selfSigned(pair, address);
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("tessera", pair.getPrivate(), password.toCharArray(), new X509Certificate[] {certificate});
            // written under temporary names and moved, so a crash never leaves a keystore without its password
            Path tmpStore = dir.resolve(KEYSTORE + ".tmp");
            Path tmpPassword = dir.resolve(PASSWORD + ".tmp");
            try (OutputStream out = Files.newOutputStream(tmpStore)) {
                store.store(out, password.toCharArray());
            }
            Files.writeString(tmpPassword, password, StandardCharsets.UTF_8);
            ownerOnly(tmpStore);
            ownerOnly(tmpPassword);
            Files.move(tmpPassword, dir.resolve(PASSWORD), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.move(tmpStore, keystore, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot create the development certificate in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static X509Certificate selfSigned(KeyPair pair, String address)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=tessera-development");
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(VALIDITY)), subject, pair.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alternativeNames(address)));
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    }

    /** localhost, the loopback addresses, this host's name and the bind address. */
    static GeneralName[] alternativeNames(String address) {
        Set<String> dns = new LinkedHashSet<>(List.of("localhost"));
        Set<String> ips = new LinkedHashSet<>(List.of("127.0.0.1", "::1"));
        try {
            dns.add(InetAddress.getLocalHost().getHostName());
        } catch (IOException e) {
            // a machine without a resolvable host name still gets the loopback names
        }
        if (address != null && !address.isBlank() && !address.equals("0.0.0.0") && !address.equals("::")) {
            (looksLikeIp(address) ? ips : dns).add(address);
        }
        List<GeneralName> names = new ArrayList<>();
        dns.forEach(d -> names.add(new GeneralName(GeneralName.dNSName, d)));
        ips.forEach(i -> names.add(new GeneralName(GeneralName.iPAddress, i)));
        return names.toArray(GeneralName[]::new);
    }

    private static boolean looksLikeIp(String address) {
        return address.contains(":") || address.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    private static void ownerOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the data dir's own permissions protect it
        }
    }
}
