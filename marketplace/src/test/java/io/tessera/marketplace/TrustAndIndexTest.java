package io.tessera.marketplace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.marketplace.archive.RepositoryArchive;
import io.tessera.marketplace.index.IndexBuilder;
import io.tessera.marketplace.index.IndexEntry;
import io.tessera.marketplace.index.RepositoryIndex;
import io.tessera.marketplace.index.RepositorySigner;
import io.tessera.marketplace.trust.Keys;
import io.tessera.marketplace.trust.PackageRefusedException;
import io.tessera.marketplace.trust.TrustStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustAndIndexTest {

    @TempDir
    Path tmp;

    private Path signedRepo(KeyPair[] out) throws Exception {
        Path repo = tmp.resolve("repo");
        Fixtures.pkg(repo, "acme-b", "1.2.0", Map.of(), ">=0.1.0");
        Fixtures.pkg(repo, "acme-a", "1.0.0", Map.of("acme-b", ">=1.0.0 <2.0.0"), ">=0.1.0");
        Path key = tmp.resolve("keys/signing-key");
        KeyPair pair = Keys.generateInto(key);
        out[0] = pair;
        IndexBuilder.build(repo).write(repo.resolve(RepositoryIndex.FILE));
        RepositorySigner.sign(repo, Keys.readPrivate(key), Keys.readPublic(Keys.publicFile(key)));
        return repo;
    }

    private static void verify(TrustStore trust, Path repo, IndexEntry e) throws Exception {
        trust.verify(e.name(), e.version(), repo.resolve(e.file()), e.sha256(), e.keyId(), e.signature());
    }

    @Test
    void indexCarriesCatalogFieldsAndSignedPackagesVerify() throws Exception {
        KeyPair[] pair = new KeyPair[1];
        Path repo = signedRepo(pair);
        RepositoryIndex idx = RepositoryIndex.read(repo.resolve(RepositoryIndex.FILE));
        IndexEntry a = idx.find("acme-a", "1.0.0").orElseThrow();
        assertThat(a.dependencies()).containsEntry("acme-b", ">=1.0.0 <2.0.0");
        assertThat(a.readme()).isEqualTo("# acme-a");
        assertThat(a.category()).isEqualTo("dev-tools");
        assertThat(a.permissions()).hasSize(1);
        assertThat(a.sha256()).hasSize(64);
        assertThat(a.keyId()).isEqualTo(Keys.keyId(pair[0].getPublic()));
        assertThat(idx.categories()).extracting(RepositoryIndex.Category::name).containsExactly("dev-tools");
        TrustStore trust = new TrustStore().add(pair[0].getPublic());
        for (IndexEntry e : idx.entries()) {
            verify(trust, repo, e);
        }
    }

    @Test
    void flippedByteIsRefusedNamingPackageAndReason() throws Exception {
        KeyPair[] pair = new KeyPair[1];
        Path repo = signedRepo(pair);
        RepositoryIndex idx = RepositoryIndex.read(repo.resolve(RepositoryIndex.FILE));
        IndexEntry b = idx.find("acme-b", "1.2.0").orElseThrow();
        Path file = repo.resolve(b.file());
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Files.write(file, bytes);
        assertThatThrownBy(() -> verify(new TrustStore().add(pair[0].getPublic()), repo, b))
                .isInstanceOf(PackageRefusedException.class)
                .hasMessageContaining("acme-b-1.2.0").hasMessageContaining("checksum mismatch");
    }

    @Test
    void forgedIndexEntryFailsSignature() throws Exception {
        KeyPair[] pair = new KeyPair[1];
        Path repo = signedRepo(pair);
        IndexEntry b = RepositoryIndex.read(repo.resolve(RepositoryIndex.FILE)).find("acme-b", "1.2.0").orElseThrow();
        // same bytes presented under another version: the signature covers name and version too
        assertThatThrownBy(() -> new TrustStore().add(pair[0].getPublic())
                .verify("acme-b", "1.3.0", repo.resolve(b.file()), b.sha256(), b.keyId(), b.signature()))
                .hasMessageContaining("acme-b-1.3.0").hasMessageContaining("signature mismatch");
    }

    @Test
    void unsignedAndUntrustedAreRefused() throws Exception {
        KeyPair[] pair = new KeyPair[1];
        Path repo = signedRepo(pair);
        IndexEntry b = RepositoryIndex.read(repo.resolve(RepositoryIndex.FILE)).find("acme-b", "1.2.0").orElseThrow();
        TrustStore other = new TrustStore().add(Keys.generate().getPublic());
        assertThatThrownBy(() -> verify(other, repo, b)).hasMessageContaining("acme-b-1.2.0")
                .hasMessageContaining("not trusted").hasMessageContaining(b.keyId());
        assertThatThrownBy(() -> verify(other, repo, b.signed(null, null))).hasMessageContaining("unsigned");
        // rotation: a store with the old and a new key accepts the old signature
        other.add(pair[0].getPublic());
        verify(other, repo, b);
    }

    @Test
    void reindexKeepsSignaturesOfUnchangedPackagesOnly() throws Exception {
        KeyPair[] pair = new KeyPair[1];
        Path repo = signedRepo(pair);
        Fixtures.pkg(repo, "acme-c", "0.1.0", Map.of(), ">=0.1.0");
        RepositoryIndex again = IndexBuilder.build(repo);
        assertThat(again.find("acme-a", "1.0.0").orElseThrow().signature()).isNotNull();
        assertThat(again.find("acme-c", "0.1.0").orElseThrow().signature()).isNull();
    }

    @Test
    void signingRefusesFilesChangedSinceIndexing() throws Exception {
        KeyPair[] pair = new KeyPair[1];
        Path repo = signedRepo(pair);
        Path a = repo.resolve("acme-a-1.0.0.tsx.zip");
        byte[] bytes = Files.readAllBytes(a);
        bytes[10] ^= 1;
        Files.write(a, bytes);
        byte[] indexBefore = Files.readAllBytes(repo.resolve(RepositoryIndex.FILE));
        assertThatThrownBy(() -> RepositorySigner.sign(repo, pair[0].getPrivate(), pair[0].getPublic()))
                .hasMessageContaining("acme-a-1.0.0").hasMessageContaining("changed since it was indexed");
        assertThat(Files.readAllBytes(repo.resolve(RepositoryIndex.FILE))).isEqualTo(indexBefore);
    }

    @Test
    void exportImportRoundTripVerifiesWithoutTheOriginal() throws Exception {
        KeyPair[] pair = new KeyPair[1];
        Path repo = signedRepo(pair);
        Path archive = tmp.resolve("offline" + RepositoryArchive.SUFFIX);
        RepositoryArchive.export(repo, archive);
        Path imported = tmp.resolve("imported");
        RepositoryIndex idx = RepositoryArchive.importTo(archive, imported);
        assertThat(idx.entries()).hasSize(2);
        TrustStore trust = new TrustStore().add(pair[0].getPublic());
        for (IndexEntry e : idx.entries()) {
            verify(trust, imported, e);
        }
        // importing over a non-empty directory is refused and leaves it as it was
        assertThatThrownBy(() -> RepositoryArchive.importTo(archive, imported)).hasMessageContaining("not empty");
    }

    @Test
    void archiveWithoutIndexIsRefusedAndLeavesNothing() throws Exception {
        Path bad = tmp.resolve("bad.tsr");
        Files.write(bad, new byte[] {'P', 'K', 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        Path target = tmp.resolve("target-repo");
        assertThatThrownBy(() -> RepositoryArchive.importTo(bad, target)).hasMessageContaining("no index.json");
        assertThat(target).doesNotExist();
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".import-"));
        }
    }

    @Test
    void keyIsNotOverwritten() throws Exception {
        Path key = tmp.resolve("k/signing-key");
        Keys.generateInto(key);
        assertThatThrownBy(() -> Keys.generateInto(key)).hasMessageContaining("already exists");
    }
}
