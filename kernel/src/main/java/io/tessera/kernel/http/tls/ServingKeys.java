package io.tessera.kernel.http.tls;

import io.tessera.kernel.config.KernelConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTPS listener's private key and certificate chain, read once at start from the configured
 * PKCS12 keystore or PEM files, and handed to Jetty as a loaded {@link KeyStore}.
 *
 * <p>PEM files are kept in an in-memory JKS store: a PKCS12 store would encrypt the key again with
 * 10,000 rounds of PBKDF2 only to decrypt it for the key manager, which in a cold JVM costs a
 * quarter of a second of CPU on the boot's critical path (and a long C2 compilation beside it).
 */
public final class ServingKeys {

    static final String ALIAS = "tessera";
    private static final Pattern PEM_BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*(.*?)-----END \\1-----", Pattern.DOTALL);

    private final KeyStore keyStore;
    private final char[] password;
    private final X509Certificate trustAnchor;

    private ServingKeys(KeyStore keyStore, char[] password, X509Certificate trustAnchor) {
        this.keyStore = keyStore;
        this.password = password;
        this.trustAnchor = trustAnchor;
    }

    /** Reads what {@code https} names; the message of the exception is one line for the operator. */
    public static ServingKeys load(KernelConfig.Https https) throws IOException {
        if (https.keystore() != null) {
            return fromKeystore(https.keystore(), https.keystorePassword());
        }
        if (https.certificate() != null && https.key() != null) {
            return fromPem(https.certificate(), https.key());
        }
        throw new IllegalArgumentException("HTTPS needs server.https.keystore, or server.https.certificate and server.https.key");
    }

    public KeyStore keyStore() {
        return keyStore;
    }

    /** The password of {@link #keyStore()} and of its key entry. */
    public String password() {
        return password == null ? null : new String(password);
    }

    /**
     * The certificate a client must trust to reach the listener (the top of the chain: the
     * certificate itself when self-signed, else the last one given), as PEM.
     */
    public String trustAnchorPem() {
        try {
            return pem("CERTIFICATE", trustAnchor.getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code der} as a PEM block of {@code type} ({@code CERTIFICATE}, {@code PRIVATE KEY}). */
    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static ServingKeys fromKeystore(Path file, String password) throws IOException {
        char[] secret = password == null ? null : password.toCharArray();
        KeyStore store;
        try (InputStream in = Files.newInputStream(file)) {
            store = KeyStore.getInstance("PKCS12");
            store.load(in, secret);
        } catch (NoSuchFileException e) {
            throw new IOException("cannot read the HTTPS keystore " + file + ": no such file", e);
        } catch (IOException | GeneralSecurityException e) {
            // the JDK says "null" or "Tag mismatch" here; what the operator needs is the two likely causes
            throw new IOException("cannot load the HTTPS keystore " + file + ": not a PKCS12 keystore, or the password is wrong", e);
        }
        try {
            for (String alias : Collections.list(store.aliases())) {
                Certificate[] chain = store.isKeyEntry(alias) ? store.getCertificateChain(alias) : null;
                if (chain != null && chain.length > 0 && chain[chain.length - 1] instanceof X509Certificate top) {
                    return new ServingKeys(store, secret, top);
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the HTTPS keystore " + file + ": " + e.getMessage(), e);
        }
        throw new IOException("the HTTPS keystore " + file + " has no private key with a certificate");
    }

    private static ServingKeys fromPem(Path certificateFile, Path keyFile) throws IOException {
        X509Certificate[] chain = readCertificates(certificateFile);
        PrivateKey key = readKey(keyFile, chain[0]);
        if (!matches(key, chain[0])) {
            throw new IOException("the HTTPS key " + keyFile + " is not the key of the certificate in " + certificateFile);
        }
        try {
            char[] secret = randomPassword();
            KeyStore store = KeyStore.getInstance("JKS");
            store.load(null, null);
            store.setKeyEntry(ALIAS, key, secret, chain);
            return new ServingKeys(store, secret, chain[chain.length - 1]);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the HTTPS key " + keyFile + ": " + e.getMessage(), e);
        }
    }

    static X509Certificate[] readCertificates(Path file) throws IOException {
        Collection<? extends Certificate> read;
        try (InputStream in = read(file)) {
            read = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (GeneralSecurityException e) {
            throw new IOException("the HTTPS certificate " + file + " is not a PEM certificate: " + e.getMessage(), e);
        }
        if (read.isEmpty()) {
            throw new IOException("the HTTPS certificate " + file + " has no certificate");
        }
        return read.stream().map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
    }

    /** A PKCS#8 key is read by the JDK; PKCS#1 and SEC1 keys, as OpenSSL and cert-manager write them, by Bouncy Castle. */
    static PrivateKey readKey(Path file, X509Certificate certificate) throws IOException {
        String text;
        try (InputStream in = read(file)) {
            text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        Matcher block = PEM_BLOCK.matcher(text);
        while (block.find()) {
            String type = block.group(1);
            switch (type) {
                case "PRIVATE KEY":
                    byte[] der = Base64.getMimeDecoder().decode(block.group(2));
                    try {
                        return KeyFactory.getInstance(certificate.getPublicKey().getAlgorithm())
                                .generatePrivate(new PKCS8EncodedKeySpec(der));
                    } catch (GeneralSecurityException e) {
                        throw new IOException("the HTTPS key " + file + " is not a " + certificate.getPublicKey().getAlgorithm()
                                + " key (the certificate's kind): " + e.getMessage(), e);
                    }
                case "RSA PRIVATE KEY":
                case "EC PRIVATE KEY":
                    if (block.group(2).contains("ENCRYPTED")) {
                        throw encrypted(file);
                    }
                    return LegacyPemKeys.read(block.group(0), file);
                case "ENCRYPTED PRIVATE KEY":
                    throw encrypted(file);
                default:
                    // e.g. "EC PARAMETERS" before the key, as `openssl ecparam -genkey` writes it
            }
        }
        throw new IOException("the HTTPS key " + file + " has no PEM private key");
    }

    private static IOException encrypted(Path file) {
        return new IOException("the HTTPS key " + file + " is encrypted; give it unencrypted "
                + "(openssl pkey -in KEY -out PLAIN), with file permissions protecting it");
    }

    /** Whether {@code key} belongs to the certificate's public key (a mismatch would only show in every handshake). */
    private static boolean matches(PrivateKey key, X509Certificate certificate) throws IOException {
        if (key instanceof RSAPrivateCrtKey rsa && certificate.getPublicKey() instanceof RSAPublicKey pub) {
            return rsa.getModulus().equals(pub.getModulus());
        }
        try {
            String algorithm = switch (key.getAlgorithm()) {
                case "EC" -> "SHA256withECDSA";
                case "RSA" -> "SHA256withRSA";
                default -> key.getAlgorithm(); // Ed25519, Ed448
            };
            byte[] probe = "tessera serving key check".getBytes(StandardCharsets.US_ASCII);
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(probe);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(certificate.getPublicKey());
            verify.update(probe);
            return verify.verify(signature);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot check the HTTPS key against its certificate: " + e.getMessage(), e);
        }
    }

    private static InputStream read(Path file) throws IOException {
        try {
            return Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new IOException("cannot read " + file + ": no such file", e);
        }
    }

    private static char[] randomPassword() {
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        return Base64.getEncoder().encodeToString(random).toCharArray();
    }
}
