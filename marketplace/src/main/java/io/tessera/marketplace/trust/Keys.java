package io.tessera.marketplace.trust;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Ed25519 keys through the JDK (Java 15+), stored as PEM: the private key as PKCS#8
 * ({@code signing-key}), the public key as X.509 ({@code signing-key.pub}). A key's id is the
 * first 16 hex digits of the SHA-256 of its encoded public key, so an index names the key that
 * signed each package and a trust store can hold several keys during a rotation.
 */
public final class Keys {

    public static final String ALGORITHM = "Ed25519";

    private Keys() {
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java has no " + ALGORITHM + ": " + e.getMessage(), e);
        }
    }

    public static String keyId(PublicKey key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return HexFormat.of().formatHex(d).substring(0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code file} (owner-only) and {@code file.pub}; refuses to overwrite an existing key. */
    public static KeyPair generateInto(Path file) throws IOException {
        if (Files.exists(file)) {
            throw new IOException("a key already exists at " + file + "; remove it first or choose another path");
        }
        KeyPair pair = generate();
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the directory's permissions are all there is
        }
        Files.writeString(publicFile(file), pem("PUBLIC KEY", pair.getPublic().getEncoded()), StandardCharsets.US_ASCII);
        Files.move(tmp, file);
        return pair;
    }

    public static Path publicFile(Path privateKeyFile) {
        return privateKeyFile.resolveSibling(privateKeyFile.getFileName() + ".pub");
    }

    public static PrivateKey readPrivate(Path file) throws IOException {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(unpem(Files.readString(file), "PRIVATE KEY", file.toString())));
        } catch (GeneralSecurityException e) {
            throw new IOException(file + " is not an " + ALGORITHM + " private key: " + e.getMessage());
        }
    }

    public static PublicKey readPublic(Path file) throws IOException {
        return parsePublic(Files.readString(file), file.toString());
    }

    /** A public key from PEM text; {@code origin} names where it came from in errors. */
    public static PublicKey parsePublic(String pem, String origin) throws IOException {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(unpem(pem, "PUBLIC KEY", origin)));
        } catch (GeneralSecurityException e) {
            throw new IOException(origin + " is not an " + ALGORITHM + " public key: " + e.getMessage());
        }
    }

    public static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static byte[] unpem(String text, String type, String origin) throws IOException {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        if (b < 0 || e < b) {
            throw new IOException(origin + " holds no '" + begin + "' block");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
        } catch (IllegalArgumentException x) {
            throw new IOException(origin + " has invalid base64 in its " + type + " block");
        }
    }
}
