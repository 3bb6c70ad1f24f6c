package io.tessera.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.marketplace.index.IndexBuilder;
import io.tessera.marketplace.index.RepositoryIndex;
import io.tessera.marketplace.index.RepositorySigner;
import io.tessera.marketplace.kernel.SignatureTrust;
import io.tessera.marketplace.trust.Keys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;

/**
 * A repository holding the real sample-hello package that extensions/sample-hello built (the
 * reactor builds it first: a test dependency), signed as the distribution's is, with its key
 * trusted through the marketplace's system property until {@link #close()}.
 */
final class SampleHelloRepository implements AutoCloseable {

    final Path dir;

    SampleHelloRepository(Path dir, Path keys) throws IOException {
        this.dir = dir;
        Path pkg = Path.of(System.getProperty("console.samplePackage", "../extensions/sample-hello/target/sample-hello-1.0.0.tsx.zip"));
        assertThat(pkg).as("build extensions/sample-hello first (mvn -pl console-shell -am)").exists();
        Files.copy(pkg, dir.resolve(pkg.getFileName()));
        KeyPair key = Keys.generateInto(keys.resolve("signing-key"));
        IndexBuilder.build(dir).write(dir.resolve(RepositoryIndex.FILE));
        RepositorySigner.sign(dir, key.getPrivate(), key.getPublic());
        System.setProperty(SignatureTrust.KEYS_PROPERTY, Keys.publicFile(keys.resolve("signing-key")).toString());
    }

    @Override
    public void close() {
        System.clearProperty(SignatureTrust.KEYS_PROPERTY);
    }
}
