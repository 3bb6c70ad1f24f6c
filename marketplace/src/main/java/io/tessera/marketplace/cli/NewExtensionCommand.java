package io.tessera.marketplace.cli;

import io.tessera.marketplace.scaffold.Scaffold;
import java.io.IOException;
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

/** {@code tessera ext new NAME}: a new extension project in {@code ./NAME/} (docs/extension-guide.md). */
@Command(name = "new", mixinStandardHelpOptions = true,
        description = {"Create a new extension project in ./NAME/: Maven, an API route, a console page and a test",
            "in a real kernel; it builds against the distribution's SDK (sdk/repository)."})
final class NewExtensionCommand implements Callable<Integer> {

    /** Set by bin/tessera: the distribution folder, whose sdk/ this command uses. */
    static final String HOME_PROPERTY = "tessera.home";

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "The extension's name: lowercase letters, digits and '-'.")
    String name;

    @Option(names = "--group-id", defaultValue = "com.example", description = "Maven groupId and Java package prefix (default ${DEFAULT-VALUE}).")
    String groupId;

    @Option(names = "--sdk", paramLabel = "DIR", description = "Tessera's SDK folder (default: the distribution's sdk/).")
    Path sdk;

    @Option(names = "--dir", paramLabel = "DIR", description = "Where to create the project (default: ./NAME).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        Path sdkDir = sdk != null ? sdk : defaultSdk();
        Path repository = sdkDir.resolve("repository");
        if (!Files.isDirectory(repository)) {
            throw new UserError("no SDK repository at " + repository + " (run the distribution's bin/tessera, or pass --sdk DIR)");
        }
        Path wrapper = sdkDir.resolve("maven-wrapper");
        Path target = (dir != null ? dir : Path.of(name)).toAbsolutePath().normalize();
        List<Path> files;
        try {
            files = new Scaffold(name, groupId, repository, Files.isDirectory(wrapper) ? wrapper : null).writeTo(target);
        } catch (IllegalArgumentException | IOException e) {
            throw new UserError(e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("Created %s (%d files):%n", target, files.size());
        for (Path f : files) {
            out.println("  " + target.relativize(f));
        }
        boolean hasWrapper = files.stream().anyMatch(f -> f.getFileName().toString().equals("mvnw"));
        out.printf("%nNext:%n  cd %s%n  %s verify        # builds target/%s-1.0.0.tsx.zip and tests it in a kernel%n",
                Path.of("").toAbsolutePath().relativize(target), hasWrapper ? "./mvnw" : "mvn", name);
        out.printf("  tessera ext package --into ../repo   # or: repo index + repo sign (docs/extension-guide.md)%n");
        out.flush();
        return 0;
    }

    static Path defaultSdk() throws IOException {
        String home = System.getProperty(HOME_PROPERTY);
        if (home == null) {
            throw new UserError("no Tessera distribution folder known (tessera.home); pass --sdk DIR");
        }
        return Path.of(home, "sdk");
    }
}
