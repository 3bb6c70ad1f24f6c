package io.tessera.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.marketplace.cli.ExtCommand;
import io.tessera.marketplace.cli.KeyCommand;
import io.tessera.marketplace.index.IndexEntry;
import io.tessera.marketplace.index.RepositoryIndex;
import io.tessera.marketplace.trust.TrustStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tessera ext package --no-build}: checks a built package and adds it, indexed and signed, to a repository folder. */
class ExtPackageCommandTest {

    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {
    }

    private static Run run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setExecutionExceptionHandler((ex, c, p) -> {
            c.getErr().println("tessera: " + ex.getMessage());
            return 1;
        });
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    @Test
    void aBuiltPackageIsCheckedThenIndexedAndSignedIntoARepositoryThatVerifies() throws Exception {
        Path project = Files.createDirectories(tmp.resolve("acme-hello"));
        Files.writeString(project.resolve("pom.xml"), "<project/>");
        Fixtures.pkg(project.resolve("target"), "acme-hello", "1.0.0", Map.of(), ">=0.1.0-0");
        Path key = tmp.resolve("home/.tessera/signing-key");
        assertThat(run(new KeyCommand(), "new", "--file", key.toString()).code()).isZero();
        Path repo = tmp.resolve("repo");

        Run r = run(new ExtCommand(), "package", project.toString(), "--no-build", "--into", repo.toString(), "--key", key.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("package target/acme-hello-1.0.0.tsx.zip: acme-hello 1.0.0").contains("signed with key");
        IndexEntry entry = RepositoryIndex.read(repo.resolve("index.json")).find("acme-hello", "1.0.0").orElseThrow();
        new TrustStore().addPath(key.resolveSibling("signing-key.pub"))
                .verify(entry.name(), entry.version(), repo.resolve(entry.file()), entry.sha256(), entry.keyId(), entry.signature());
    }

    @Test
    void aPackageNamedAfterAnotherVersionOrNoProjectIsRefused() throws Exception {
        Path project = Files.createDirectories(tmp.resolve("p"));
        Run noPom = run(new ExtCommand(), "package", project.toString(), "--no-build");
        assertThat(noPom.code()).isEqualTo(1);
        assertThat(noPom.err()).contains("has no pom.xml");

        Files.writeString(project.resolve("pom.xml"), "<project/>");
        Path built = Fixtures.pkg(project.resolve("target"), "acme-hello", "1.0.0", Map.of(), ">=0.1.0-0");
        Files.move(built, built.resolveSibling("acme-hello-2.0.0.tsx.zip"));
        Run misnamed = run(new ExtCommand(), "package", project.toString(), "--no-build");
        assertThat(misnamed.code()).isEqualTo(1);
        assertThat(misnamed.err()).contains("acme-hello-2.0.0.tsx.zip holds acme-hello 1.0.0; the file must be named acme-hello-1.0.0.tsx.zip");
    }
}
