package io.tessera.marketplace.build;

import io.tessera.marketplace.index.IndexBuilder;
import io.tessera.marketplace.index.RepositoryIndex;
import io.tessera.marketplace.index.RepositorySigner;
import io.tessera.marketplace.trust.Keys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PrivateKey;
import java.security.PublicKey;

/**
 * Run by the distribution build (exec:java): indexes and signs the built-in repository with the
 * build's key and writes its public key into the distribution's trusted keys. The key lives
 * outside the source tree ({@code -Dtessera.signing.key}, else ~/.tessera/signing-key) and is
 * generated the first time (a CI machine starting from an empty home gets one then), so rebuilds
 * on one machine keep verifying packages signed earlier.
 *
 * <p>Arguments: REPOSITORY_DIR TRUSTED_KEYS_DIR KEY_FILE [EXTENSIONS_DIR…]: every
 * {@code EXTENSIONS_DIR/<module>/target/*.tsx.zip} is copied (flat) into the repository first.
 */
public final class SignBuiltInRepository {

    private SignBuiltInRepository() {
    }

    private static void collect(Path extensions, Path repo) throws java.io.IOException {
        if (!Files.isDirectory(extensions)) {
            return;
        }
        try (var modules = Files.list(extensions)) {
            for (Path m : modules.filter(Files::isDirectory).sorted().toList()) {
                Path target = m.resolve("target");
                if (!Files.isDirectory(target)) {
                    continue;
                }
                try (var files = Files.list(target)) {
                    for (Path f : files.filter(x -> x.getFileName().toString().endsWith(".tsx.zip")).toList()) {
                        Files.copy(f, repo.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: SignBuiltInRepository REPOSITORY_DIR TRUSTED_KEYS_DIR [KEY_FILE]");
        }
        Path repo = Path.of(args[0]);
        Path trusted = Path.of(args[1]);
        Path key = args.length > 2 && !args[2].isBlank() ? Path.of(args[2])
                : System.getProperty("tessera.signing.key") != null && !System.getProperty("tessera.signing.key").isBlank()
                        ? Path.of(System.getProperty("tessera.signing.key"))
                        : Path.of(System.getProperty("user.home"), ".tessera", "signing-key");
        if (!Files.exists(key)) {
            Keys.generateInto(key);
            System.out.println("event=marketplace.build.key.generated file=" + key);
        }
        PrivateKey priv = Keys.readPrivate(key);
        PublicKey pub = Keys.readPublic(Keys.publicFile(key));
        Files.createDirectories(repo);
        for (int i = 3; i < args.length; i++) {
            collect(Path.of(args[i]), repo);
        }
        IndexBuilder.build(repo).write(repo.resolve(RepositoryIndex.FILE));
        RepositoryIndex idx = RepositorySigner.sign(repo, priv, pub);
        Files.createDirectories(trusted);
        Files.copy(Keys.publicFile(key), trusted.resolve("builtin-" + Keys.keyId(pub) + ".pub"), StandardCopyOption.REPLACE_EXISTING);
        System.out.println("event=marketplace.build.signed repository=" + repo + " packages=" + idx.entries().size()
                + " key=" + Keys.keyId(pub));
    }
}
