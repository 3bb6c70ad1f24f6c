package io.tessera.marketplace.trust;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The public keys packages may be signed with, by key id. Several keys at once, so a publisher
 * can rotate: trust the new key, re-sign, then drop the old one.
 */
public final class TrustStore {

    private final Map<String, PublicKey> keys = new LinkedHashMap<>();

    public TrustStore add(PublicKey key) {
        keys.put(Keys.keyId(key), key);
        return this;
    }

    /** Adds one PEM public key file, or every {@code *.pub} / {@code *.pem} in a directory. */
    public TrustStore addPath(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            try (Stream<Path> s = Files.list(path)) {
                for (Path p : s.filter(f -> f.toString().endsWith(".pub") || f.toString().endsWith(".pem")).sorted().toList()) {
                    add(Keys.readPublic(p));
                }
            }
        } else {
            add(Keys.readPublic(path));
        }
        return this;
    }

    public Map<String, PublicKey> keys() {
        return Collections.unmodifiableMap(keys);
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }

    /**
     * Checks a package file against what its index says: the SHA-256 first (tampered bytes), then
     * that a signature exists (unsigned), that its key is trusted (untrusted), and that it verifies.
     */
    public void verify(String name, String version, Path file, String expectedSha256, String keyId, String signature)
            throws PackageRefusedException, IOException {
        String pkg = name + "-" + version;
        if (expectedSha256 == null || expectedSha256.isBlank()) {
            throw new PackageRefusedException(pkg, "the repository index has no sha256 for it");
        }
        String actual = Signatures.sha256(file);
        if (!actual.equalsIgnoreCase(expectedSha256)) {
            throw new PackageRefusedException(pkg, "checksum mismatch (index sha256 " + expectedSha256 + ", file "
                    + file.getFileName() + " has " + actual + "): the package was modified");
        }
        verifySignature(name, version, actual, keyId, signature);
    }

    /**
     * Checks an index entry's signature over name, version and SHA-256 without the package bytes
     * (what a repository sync can do before anything is downloaded): unsigned, untrusted key or
     * signature mismatch are refused.
     */
    public void verifySignature(String name, String version, String sha256, String keyId, String signature)
            throws PackageRefusedException {
        String pkg = name + "-" + version;
        if (signature == null || signature.isBlank() || keyId == null || keyId.isBlank()) {
            throw new PackageRefusedException(pkg, "it is unsigned (run 'tessera repo sign' on its repository)");
        }
        PublicKey key = keys.get(keyId);
        if (key == null) {
            throw new PackageRefusedException(pkg, "it is signed by key " + keyId + ", which is not trusted (trusted: "
                    + (keys.isEmpty() ? "none" : String.join(", ", keys.keySet())) + ")");
        }
        if (sha256 == null || !Signatures.verify(key, name, version, sha256.toLowerCase(java.util.Locale.ROOT), signature)) {
            throw new PackageRefusedException(pkg, "signature mismatch for key " + keyId + ": the package or its index entry was modified");
        }
    }
}
