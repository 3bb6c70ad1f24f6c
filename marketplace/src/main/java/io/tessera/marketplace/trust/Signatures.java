package io.tessera.marketplace.trust;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.HexFormat;

/**
 * What a package signature covers: the package's name, version and SHA-256, so a signature can be
 * neither moved to other bytes nor to another name or version of the same bytes.
 */
public final class Signatures {

    private Signatures() {
    }

    static byte[] message(String name, String version, String sha256) {
        return ("tessera-package-v1\n" + name + "\n" + version + "\n" + sha256 + "\n").getBytes(StandardCharsets.UTF_8);
    }

    public static String sign(PrivateKey key, String name, String version, String sha256) {
        try {
            Signature s = Signature.getInstance(Keys.ALGORITHM);
            s.initSign(key);
            s.update(message(name, version, sha256));
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing " + name + "-" + version + ": " + e.getMessage(), e);
        }
    }

    static boolean verify(PublicKey key, String name, String version, String sha256, String signature) {
        try {
            Signature s = Signature.getInstance(Keys.ALGORITHM);
            s.initVerify(key);
            s.update(message(name, version, sha256));
            return s.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
