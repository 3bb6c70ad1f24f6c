package io.tessera.kernel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line in-process: subcommand discovery, usage errors, configuration errors. */
class TesseraCliTest {

    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Tessera.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
        return cli.execute(args);
    }

    private String[] errLines() {
        return err.toString().lines().filter(l -> !l.isBlank()).toArray(String[]::new);
    }

    @Test
    void subcommandsAreFoundThroughTheServiceLoader() {
        CommandLine cli = Tessera.commandLine(new PrintWriter(out), new PrintWriter(err));
        assertThat(cli.getSubcommands()).containsKeys("up", "dev-cluster", "version", "help");
    }

    @Test
    void noCommandIsAUsageError() {
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString()).contains("a command is needed").contains("up").contains("dev-cluster");
    }

    @Test
    void unknownCommandOrOptionIsOneLineAndExitTwo() {
        assertThat(run("nope")).isEqualTo(2);
        assertThat(errLines()).hasSize(1);
        assertThat(errLines()[0]).startsWith("tessera: ").contains("nope").contains("--help");

        err.getBuffer().setLength(0);
        assertThat(run("up", "--prot", "1")).isEqualTo(2);
        assertThat(errLines()).hasSize(1);
        assertThat(errLines()[0]).startsWith("tessera up: ").contains("--prot");
    }

    @Test
    void badConfigurationIsOneLineWithTheKeyAndExitOne() {
        assertThat(run("up", "--port", "eighty", "--data-dir", tmp.toString())).isEqualTo(1);
        assertThat(errLines()).containsExactly(
                "tessera: bad configuration: server.port (--port): 'eighty' is not a port number (0-65535; 0 picks a free port)");
        assertThat(out.toString()).doesNotContain("Starting");
    }

    @Test
    void unreadableKubeconfigIsOneLine() {
        Path missing = tmp.resolve("no-kubeconfig");
        assertThat(run("up", "--kubeconfig", missing.toString(), "--data-dir", tmp.toString())).isEqualTo(1);
        assertThat(errLines()).containsExactly(
                "tessera: bad configuration: kubeconfig (--kubeconfig): cannot read " + missing + ": no such file");
    }

    @Test
    void debugAddsTheStackTrace() {
        assertThat(run("up", "--port", "eighty", "--data-dir", tmp.toString(), "--debug")).isEqualTo(1);
        assertThat(errLines()[0]).startsWith("tessera: bad configuration: server.port");
        assertThat(err.toString()).contains("at io.tessera.kernel.config.ConfigLoader.load");
    }

    @Test
    void setNeedsKeyAndValue() {
        assertThat(run("up", "--set", "nokey", "--data-dir", tmp.toString())).isEqualTo(2);
        assertThat(errLines()).hasSize(1);
        assertThat(errLines()[0]).contains("--set needs KEY=VALUE");
    }

    @Test
    void versionPrintsTheBuildVersion() {
        assertThat(run("version")).isZero();
        assertThat(out.toString()).startsWith("tessera ").contains("java ");
    }

    @Test
    void wildcardListenerIsShownAsLoopback() {
        assertThat(UpCommand.consoleUrl(URI.create("http://0.0.0.0:8080"))).isEqualTo("http://127.0.0.1:8080/");
        assertThat(UpCommand.consoleUrl(URI.create("http://127.0.0.1:8080"))).isEqualTo("http://127.0.0.1:8080/");
    }

    @Test
    void errorsAreDescribedInOneLine() {
        assertThat(Errors.describe(new RuntimeException("outer", new java.net.BindException("Address already in use"))))
                .isEqualTo("cannot listen: Address already in use (another process uses the port; choose one with --port)");
        assertThat(Errors.describe(new IllegalStateException("first\nsecond")))
                .isEqualTo("IllegalStateException: first (run with --debug for the stack trace)");
    }
}
