package io.tessera.marketplace.index;

import io.tessera.marketplace.trust.Keys;
import io.tessera.marketplace.trust.Signatures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code tessera repo sign DIR}: signs every entry of a directory repository's index with one
 * key, after checking that each file still has the SHA-256 the index recorded (signing bytes that
 * changed since indexing would bless a tampered package).
 */
public final class RepositorySigner {

    private RepositorySigner() {
    }

    public static RepositoryIndex sign(Path dir, PrivateKey key, PublicKey pub) throws IOException {
        Path file = dir.resolve(RepositoryIndex.FILE);
        if (!Files.exists(file)) {
            throw new IOException(dir + " has no " + RepositoryIndex.FILE + "; run 'tessera repo index " + dir + "' first");
        }
        RepositoryIndex idx = RepositoryIndex.read(file);
        String keyId = Keys.keyId(pub);
        List<IndexEntry> out = new ArrayList<>();
        for (IndexEntry e : idx.entries()) {
            Path pkg = dir.resolve(e.file());
            if (!Files.exists(pkg)) {
                throw new IOException(e.id() + ": " + e.file() + " is listed in the index but missing");
            }
            String actual = Signatures.sha256(pkg);
            if (!actual.equals(e.sha256())) {
                throw new IOException(e.id() + ": " + e.file() + " changed since it was indexed; run 'tessera repo index' again");
            }
            out.add(e.signed(keyId, Signatures.sign(key, e.name(), e.version(), e.sha256())));
        }
        RepositoryIndex signed = idx.withEntries(out);
        signed.write(file);
        return signed;
    }
}
