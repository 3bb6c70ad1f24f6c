package io.tessera.kernel.http.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * Issues the development serving certificate with Bouncy Castle. A class of its own so that a
 * restart, which only reads the certificate, never opens the Bouncy Castle jars (signed: each is
 * verified when first opened, and their classes never enter the class-data archive).
 */
final class SelfSignedCertificate {

    private SelfSignedCertificate() {
    }

    /** A serving certificate (not a CA) for the loopback names, this host and {@code address}. */
    static X509Certificate issue(KeyPair pair, String address, Duration validity) throws IOException {
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=tessera-development");
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(validity)), subject, pair.getPublic());
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alternativeNames(address)));
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(
                            "RSA".equals(pair.getPrivate().getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA").build(pair.getPrivate())));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot issue the development certificate: " + e.getMessage(), e);
        }
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
}
