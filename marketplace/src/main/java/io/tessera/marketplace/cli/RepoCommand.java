package io.tessera.marketplace.cli;

import io.tessera.kernel.cli.TesseraCommand;
import io.tessera.marketplace.archive.RepositoryArchive;
import io.tessera.marketplace.index.IndexBuilder;
import io.tessera.marketplace.index.IndexEntry;
import io.tessera.marketplace.index.RepositoryIndex;
import io.tessera.marketplace.index.RepositorySigner;
import io.tessera.marketplace.trust.Keys;
import io.tessera.marketplace.trust.PackageRefusedException;
import io.tessera.marketplace.trust.TrustStore;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tessera repo …} for files on disk: index, sign, verify, export and import a repository
 * (no server needed); {@code add}, {@code list} and {@code sync} manage the platform's Repository
 * objects ({@link RepositoryObjects}).
 */
@Command(name = "repo", mixinStandardHelpOptions = true,
        description = "Build, sign, verify, export and import extension repositories; add, list and sync the platform's.",
        subcommands = {RepoCommand.Index.class, RepoCommand.Sign.class, RepoCommand.Verify.class, RepoCommand.Export.class,
            RepoCommand.Import.class, RepositoryObjects.Add.class, RepositoryObjects.ListRepositories.class, RepositoryObjects.Sync.class})
public final class RepoCommand implements Callable<Integer>, TesseraCommand {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return spec.exitCodeOnInvalidInput();
    }

    @Command(name = "index", mixinStandardHelpOptions = true, description = "Write DIR/index.json for every *.tsx.zip under DIR (keeps signatures of unchanged packages).")
    static final class Index implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "DIR")
        Path dir;

        @Override
        public Integer call() throws Exception {
            RepositoryIndex idx = IndexBuilder.build(dir);
            idx.write(dir.resolve(RepositoryIndex.FILE));
            PrintWriter out = spec.commandLine().getOut();
            for (IndexEntry e : idx.entries()) {
                out.printf("%-40s %s %s%n", e.id(), e.sha256().substring(0, 12), e.signature() == null ? "unsigned" : "signed by " + e.keyId());
            }
            out.printf("indexed %d package(s) into %s%n", idx.entries().size(), dir.resolve(RepositoryIndex.FILE));
            out.flush();
            return 0;
        }
    }

    @Command(name = "sign", mixinStandardHelpOptions = true, description = "Sign every package listed in DIR/index.json with your key.")
    static final class Sign implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "DIR")
        Path dir;

        @Option(names = "--key", description = "Private key (default: $TESSERA_SIGNING_KEY or ~/.tessera/signing-key).")
        Path key;

        @Override
        public Integer call() throws Exception {
            Path k = key != null ? key : SigningKeys.defaultKey();
            if (!Files.exists(k)) {
                throw new java.io.IOException("no signing key at " + k + "; create one with 'tessera key new'");
            }
            RepositoryIndex idx = RepositorySigner.sign(dir, Keys.readPrivate(k), Keys.readPublic(Keys.publicFile(k)));
            PrintWriter out = spec.commandLine().getOut();
            out.printf("signed %d package(s) in %s with key %s%n", idx.entries().size(), dir,
                    idx.entries().isEmpty() ? Keys.keyId(Keys.readPublic(Keys.publicFile(k))) : idx.entries().get(0).keyId());
            out.flush();
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, description = "Check every package of DIR against its checksum and signature with the trusted keys.")
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "DIR")
        Path dir;

        @Option(names = "--trust", required = true, description = "A public key file or a directory of *.pub/*.pem (repeatable).")
        List<Path> trust;

        @Override
        public Integer call() throws Exception {
            TrustStore store = new TrustStore();
            for (Path t : trust) {
                store.addPath(t);
            }
            RepositoryIndex idx = RepositoryIndex.read(dir.resolve(RepositoryIndex.FILE));
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            int refused = 0;
            for (IndexEntry e : idx.entries()) {
                try {
                    store.verify(e.name(), e.version(), dir.resolve(e.file()), e.sha256(), e.keyId(), e.signature());
                    out.printf("ok      %s (key %s)%n", e.id(), e.keyId());
                } catch (PackageRefusedException x) {
                    err.println("refused " + x.getMessage());
                    refused++;
                }
            }
            out.flush();
            err.flush();
            return refused == 0 ? 0 : 1;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true, description = "Write a directory repository (index + packages) into one file for air-gapped use.")
    static final class Export implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "DIR")
        Path dir;

        @Option(names = {"-o", "--output"}, required = true, description = "The archive to write (*.tsr).")
        Path output;

        @Override
        public Integer call() throws Exception {
            RepositoryArchive.export(dir, output);
            Output.say(spec, "exported %s to %s (%d bytes)", dir, output, Files.size(output));
            return 0;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true, description = "Unpack an exported repository file into a new directory repository.")
    static final class Import implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE")
        Path file;

        @Option(names = "--into", required = true, description = "A new (absent or empty) directory.")
        Path into;

        @Override
        public Integer call() throws Exception {
            RepositoryIndex idx = RepositoryArchive.importTo(file, into);
            Output.say(spec, "imported %d package(s) into %s", idx.entries().size(), into);
            return 0;
        }
    }
}
