package io.tessera.marketplace.cli;

import io.tessera.kernel.extensions.ExtensionManifest;
import io.tessera.kernel.extensions.ExtensionPackage;
import io.tessera.marketplace.index.IndexBuilder;
import io.tessera.marketplace.index.IndexEntry;
import io.tessera.marketplace.index.RepositoryIndex;
import io.tessera.marketplace.index.RepositorySigner;
import io.tessera.marketplace.trust.Keys;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tessera ext package [DIR]}: builds an extension project with its Maven wrapper (or
 * {@code mvn}), checks the package it produced exactly as the platform will read it, and with
 * {@code --into REPO} adds it to a repository folder, indexed and signed with your key.
 */
@Command(name = "package", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Build an extension project and check its package (target/NAME-VERSION.tsx.zip);",
            "--into REPO also copies it into a repository folder, indexes and signs it with your key."})
final class PackageExtensionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", arity = "0..1", defaultValue = ".", description = "The project (default: the current folder).")
    Path dir;

    @Option(names = "--no-build", description = "Use the package already in target/ (no Maven run).")
    boolean noBuild;

    @Option(names = "--into", paramLabel = "REPO", description = "A repository folder to copy the package into, then index and sign.")
    Path into;

    @Option(names = "--key", paramLabel = "FILE", description = "Private key for --into (default: $TESSERA_SIGNING_KEY or ~/.tessera/signing-key).")
    Path key;

    @Override
    public Integer call() throws Exception {
        Path project = dir.toAbsolutePath().normalize();
        if (!Files.isRegularFile(project.resolve("pom.xml"))) {
            throw new UserError(project + " has no pom.xml: not an extension project (create one with 'tessera ext new NAME')");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (!noBuild) {
            build(project, out);
        }
        Path pkg = newestPackage(project.resolve("target"));
        ExtensionPackage opened;
        try {
            opened = ExtensionPackage.open(pkg);
        } catch (ExtensionManifest.InvalidManifestException e) {
            throw new UserError(pkg.getFileName() + ": " + String.join("; ", e.errors()));
        }
        ExtensionManifest m = opened.manifest();
        String expected = m.name() + "-" + m.version() + ExtensionPackage.SUFFIX;
        if (!pkg.getFileName().toString().equals(expected)) {
            throw new UserError(pkg.getFileName() + " holds " + m.name() + " " + m.version() + "; the file must be named " + expected);
        }
        out.printf("package %s: %s %s, %d bytes%n", project.relativize(pkg), m.name(), m.version(), Files.size(pkg));
        if (into != null) {
            Path k = key != null ? key : SigningKeys.defaultKey();
            if (!Files.exists(k)) {
                throw new UserError("no signing key at " + k + "; create one with 'tessera key new'");
            }
            Files.createDirectories(into);
            Files.copy(pkg, into.resolve(pkg.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            IndexBuilder.build(into).write(into.resolve(RepositoryIndex.FILE));
            RepositoryIndex signed = RepositorySigner.sign(into, Keys.readPrivate(k), Keys.readPublic(Keys.publicFile(k)));
            IndexEntry entry = signed.find(m.name(), m.version()).orElseThrow();
            out.printf("added to %s, signed with key %s (sha256 %s)%n", into, entry.keyId(), entry.sha256().substring(0, 12));
            out.printf("next: trust %s on the platform, then 'tessera repo add NAME %s'%n", Keys.publicFile(k), into.toAbsolutePath());
        }
        out.flush();
        return 0;
    }

    /** Runs the project's build, passing Maven's errors through; the tests run with 'verify', not here. */
    private void build(Path project, PrintWriter out) throws IOException, InterruptedException {
        Path wrapper = project.resolve("mvnw");
        List<String> command = new ArrayList<>();
        command.add(Files.isExecutable(wrapper) ? wrapper.toString() : "mvn");
        command.addAll(List.of("-B", "-q", "package", "-DskipTests"));
        out.printf("building %s (%s package)…%n", project, command.get(0).endsWith("mvnw") ? "./mvnw" : "mvn");
        out.flush();
        Process p;
        try {
            p = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UserError("cannot run " + command.get(0) + " (install Maven or keep the project's mvnw): " + e.getMessage());
        }
        List<String> tail = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                tail.add(line);
                if (tail.size() > 40) {
                    tail.remove(0);
                }
            }
        }
        if (p.waitFor() != 0) {
            PrintWriter err = spec.commandLine().getErr();
            tail.forEach(err::println);
            err.flush();
            throw new UserError("the build of " + project + " failed (exit " + p.exitValue() + "); its last lines are above");
        }
    }

    private static Path newestPackage(Path target) throws IOException {
        if (!Files.isDirectory(target)) {
            throw new UserError("no " + target + ": build the project first (./mvnw package)");
        }
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(f -> f.getFileName().toString().endsWith(ExtensionPackage.SUFFIX))
                    .max(Comparator.comparing(f -> f.toFile().lastModified()))
                    .orElseThrow(() -> new UserError("no *" + ExtensionPackage.SUFFIX + " in " + target + ": build the project first (./mvnw package)"));
        }
    }
}
