package io.tessera.marketplace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code tessera ext new}: the project it writes (tokens filled, pointing at the SDK repository,
 * the Maven wrapper copied) and its refusals. Building the project for real: ExtensionGuideIT.
 */
class NewExtensionCommandTest {

    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new ExtCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setExecutionExceptionHandler((ex, c, p) -> {
            c.getErr().println("tessera: " + ex.getMessage());
            return 1;
        });
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    private Path sdk() throws Exception {
        Path sdk = tmp.resolve("sdk");
        Files.createDirectories(sdk.resolve("repository/io/tessera/tessera-extension-api"));
        Files.createDirectories(sdk.resolve("maven-wrapper/.mvn/wrapper"));
        Files.writeString(sdk.resolve("maven-wrapper/mvnw"), "#!/bin/sh\n");
        Files.writeString(sdk.resolve("maven-wrapper/mvnw.cmd"), "@echo off\n");
        Files.writeString(sdk.resolve("maven-wrapper/.mvn/wrapper/maven-wrapper.properties"), "distributionType=only-script\n");
        return sdk;
    }

    @Test
    void scaffoldIsAMavenProjectAgainstTheSdkWithAnApiRouteAConsolePageAndATestKitTest() throws Exception {
        Path sdk = sdk();
        Path project = tmp.resolve("acme-hello");
        Run r = run("new", "acme-hello", "--sdk", sdk.toString(), "--dir", project.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("./mvnw verify");

        String pom = Files.readString(project.resolve("pom.xml"));
        assertThat(pom).contains("<artifactId>acme-hello</artifactId>")
                .contains("<tessera.sdk>" + sdk.resolve("repository").toUri().toString().replaceAll("/$", "") + "</tessera.sdk>")
                .contains("<artifactId>tessera-extension-api</artifactId>").contains("<artifactId>tessera-extension-testkit</artifactId>")
                .doesNotContain("__");
        String extension = Files.readString(project.resolve("src/main/java/com/example/acmehello/AcmeHelloExtension.java"));
        assertThat(extension).contains("package com.example.acmehello;").contains("\"acme-hello.example.com\"")
                .contains("public final class AcmeHelloExtension implements Extension");
        assertThat(Files.readString(project.resolve("bnd.bnd"))).contains("Tessera-Extension: com.example.acmehello.AcmeHelloExtension");
        assertThat(Files.readString(project.resolve("src/extension/extension.yaml")))
                .contains("name: ${extension.name}").contains("bundles: [bundles/acme-hello.jar]")
                .contains("title: ACME_HELLO").contains("desc: ACME_HELLO_DESC").contains("kernelVersion: \">=0.1.0-0\"");
        // the manifest as the platform will read it once Maven filled in name and version
        String manifest = Files.readString(project.resolve("src/extension/extension.yaml"))
                .replace("${extension.name}", "acme-hello").replace("${extension.version}", "1.0.0");
        var parsed = io.tessera.kernel.extensions.ExtensionManifest.parse(
                new java.io.ByteArrayInputStream(manifest.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(parsed.name()).isEqualTo("acme-hello");
        assertThat(parsed.consoleEntry()).isEqualTo("console/index.js");
        assertThat(parsed.configDefaults()).containsEntry("salutation", "Hello");
        assertThat(Files.readString(project.resolve("src/extension/console/index.js"))).contains("/kapis/acme-hello.example.com/v1alpha1/hello");
        assertThat(Files.readString(project.resolve("src/test/java/com/example/acmehello/AcmeHelloIT.java")))
                .contains("TesseraKernel.installing").contains("class AcmeHelloIT");
        assertThat(project.resolve("mvnw")).isExecutable();
        assertThat(project.resolve(".mvn/wrapper/maven-wrapper.properties")).exists();
        try (Stream<Path> files = Files.walk(project)) {
            assertThat(files.filter(Files::isRegularFile).map(NewExtensionCommandTest::read).filter(t -> t.contains("__")))
                    .as("no template token left").isEmpty();
        }
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertThat(siblings.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("sdk", "acme-hello");
        }
    }

    @Test
    void refusesABadNameAnExistingFolderAndAMissingSdk() throws Exception {
        Path sdk = sdk();
        assertThat(run("new", "Acme_Hello", "--sdk", sdk.toString(), "--dir", tmp.resolve("x").toString()).err())
                .contains("must be lowercase letters, digits and '-'");
        Files.createDirectories(tmp.resolve("taken"));
        Files.writeString(tmp.resolve("taken/keep.txt"), "mine");
        Run taken = run("new", "taken", "--sdk", sdk.toString(), "--dir", tmp.resolve("taken").toString());
        assertThat(taken.code()).isEqualTo(1);
        assertThat(taken.err()).contains("already exists and is not empty");
        assertThat(Files.readString(tmp.resolve("taken/keep.txt"))).isEqualTo("mine");
        Run noSdk = run("new", "ok", "--sdk", tmp.resolve("nowhere").toString(), "--dir", tmp.resolve("ok").toString());
        assertThat(noSdk.code()).isEqualTo(1);
        assertThat(noSdk.err()).contains("no SDK repository at");
        assertThat(tmp.resolve("ok")).doesNotExist();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
