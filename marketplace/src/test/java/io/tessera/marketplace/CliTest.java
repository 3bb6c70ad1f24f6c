package io.tessera.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.marketplace.cli.KeyCommand;
import io.tessera.marketplace.cli.RepoCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The developer commands as a publisher runs them: key new, repo index, sign, verify, export, import. */
class CliTest {

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
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void publisherFlowAndTamperDetection() throws Exception {
        Path key = tmp.resolve("home/.tessera/signing-key");
        Path repo = tmp.resolve("repo");
        Fixtures.pkg(repo, "acme-hello", "1.0.0", Map.of(), ">=0.1.0");

        Run k = run(new KeyCommand(), "new", "--file", key.toString());
        assertThat(k.code()).as(k.err()).isZero();
        assertThat(Files.exists(key.resolveSibling("signing-key.pub"))).isTrue();
        assertThat(run(new KeyCommand(), "new", "--file", key.toString()).err()).contains("already exists");

        Run idx = run(new RepoCommand(), "index", repo.toString());
        assertThat(idx.code()).as(idx.err()).isZero();
        assertThat(idx.out()).contains("acme-hello-1.0.0").contains("unsigned");

        Run unsignedVerify = run(new RepoCommand(), "verify", repo.toString(), "--trust", key.resolveSibling("signing-key.pub").toString());
        assertThat(unsignedVerify.code()).isEqualTo(1);
        assertThat(unsignedVerify.err()).contains("acme-hello-1.0.0").contains("unsigned");

        Run sign = run(new RepoCommand(), "sign", repo.toString(), "--key", key.toString());
        assertThat(sign.code()).as(sign.err()).isZero();
        Run ok = run(new RepoCommand(), "verify", repo.toString(), "--trust", key.resolveSibling("signing-key.pub").toString());
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("ok      acme-hello-1.0.0");

        Path archive = tmp.resolve("offline.tsr");
        assertThat(run(new RepoCommand(), "export", repo.toString(), "-o", archive.toString()).code()).isZero();
        Path imported = tmp.resolve("imported");
        assertThat(run(new RepoCommand(), "import", archive.toString(), "--into", imported.toString()).code()).isZero();
        assertThat(run(new RepoCommand(), "verify", imported.toString(), "--trust", key.resolveSibling("signing-key.pub").toString()).code())
                .isZero();

        Path pkg = repo.resolve("acme-hello-1.0.0.tsx.zip");
        byte[] bytes = Files.readAllBytes(pkg);
        bytes[bytes.length - 30] ^= 1;
        Files.write(pkg, bytes);
        Run tampered = run(new RepoCommand(), "verify", repo.toString(), "--trust", key.resolveSibling("signing-key.pub").toString());
        assertThat(tampered.code()).isEqualTo(1);
        assertThat(tampered.err()).contains("package acme-hello-1.0.0 refused: checksum mismatch");
    }

    @Test
    void signWithoutKeySaysHowToMakeOne() throws Exception {
        Path repo = tmp.resolve("repo");
        Fixtures.pkg(repo, "acme-hello", "1.0.0", Map.of(), ">=0.1.0");
        assertThat(run(new RepoCommand(), "index", repo.toString()).code()).isZero();
        Run r = run(new RepoCommand(), "sign", repo.toString(), "--key", tmp.resolve("none").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("no signing key at").contains("tessera key new");
    }
}
