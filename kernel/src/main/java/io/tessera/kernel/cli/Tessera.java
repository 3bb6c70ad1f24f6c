package io.tessera.kernel.cli;

import io.tessera.kernel.health.BuildInfo;
import java.io.PrintWriter;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * The {@code tessera} program: the server ({@code up}, {@code dev-cluster}) and, later, the
 * command-line client ({@code login}, {@code ext …}). Subcommands are {@link TesseraCommand}s
 * found with {@link ServiceLoader}.
 *
 * <p>Exit codes: 0 success (also after a clean stop by Ctrl-C or SIGTERM), 1 error, 2 bad usage.
 * Errors are one line on stderr; {@code --debug} (or {@code TESSERA_DEBUG=true}) adds the stack
 * trace.
 */
@Command(name = "tessera", mixinStandardHelpOptions = true, versionProvider = Tessera.Version.class,
        description = "Tessera: a KubeSphere-compatible container platform.",
        subcommands = CommandLine.HelpCommand.class)
public final class Tessera implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        quietLibraryLogs();
        int code = execute(args);
        if (code != 0) {
            dropClassDataRecording();
        }
        System.exit(code);
    }

    /**
     * On a distribution's first {@code up} the launcher has the JVM record a class-data archive
     * when it exits, and names that recording in {@code tessera.cds.recording}. A command that
     * failed (a port in use, say) loaded only some of the classes, so the launcher is told, by a
     * {@code .failed} file beside the recording, to drop it rather than keep it as the archive.
     */
    static void dropClassDataRecording() {
        String recording = System.getProperty("tessera.cds.recording");
        if (recording == null) {
            return;
        }
        try {
            java.nio.file.Files.writeString(java.nio.file.Path.of(recording + ".failed"), "");
        } catch (java.io.IOException | RuntimeException ignored) {
            // then the partial recording becomes the archive: later starts are slower, not wrong
        }
    }

    /**
     * Servers ({@code up}, {@code dev-cluster}) log to stdout, so that stderr carries only the one
     * line that says why a start failed. Must run before the first logger exists.
     */
    static void serverLogsToStdout() {
        if (System.getProperty("org.slf4j.simpleLogger.logFile") == null) {
            System.setProperty("org.slf4j.simpleLogger.logFile", "System.out");
        }
    }

    /** This build's version, e.g. {@code 0.1.0-SNAPSHOT}. */
    static String version() {
        return BuildInfo.load().version();
    }

    /**
     * Libraries log every connection at INFO, which buries the lines an operator needs. Applied only
     * when nothing else configures logging (no {@code simplelogger.properties} on the class path, no
     * system property set by the user), and before the first logger exists.
     */
    static void quietLibraryLogs() {
        if (Tessera.class.getClassLoader().getResource("simplelogger.properties") == null) {
            for (String noisy : new String[] {"io.fabric8", "org.eclipse.jetty", "io.vertx", "io.netty", "okhttp3",
                    "org.glassfish.jersey"}) {
                String property = "org.slf4j.simpleLogger.log." + noisy;
                if (System.getProperty(property) == null) {
                    System.setProperty(property, "warn");
                }
            }
        }
        if (System.getProperty("java.util.logging.config.file") == null) {
            // JUL carries Jersey's and the fabric8 mock server's messages; warnings still show
            java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        }
    }

    /** Runs one command line and returns its exit code (tests call this in-process). */
    public static int execute(String... args) {
        return commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true)).execute(args);
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Tessera());
        for (TesseraCommand command : ServiceLoader.load(TesseraCommand.class)) {
            cli.addSubcommand(command);
        }
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((ex, args) -> {
            CommandLine failed = ex.getCommandLine();
            String name = failed.getCommandSpec().qualifiedName();
            failed.getErr().println(name + ": " + ex.getMessage() + " (see '" + name + " --help')");
            failed.getErr().flush();
            return failed.getCommandSpec().exitCodeOnInvalidInput();
        });
        cli.setExecutionExceptionHandler((ex, failed, parseResult) -> {
            PrintWriter e = failed.getErr();
            e.println("tessera: " + Errors.describe(ex));
            if (debugRequested(parseResult)) {
                ex.printStackTrace(e);
            }
            e.flush();
            return 1;
        });
        return cli;
    }

    private static boolean debugRequested(ParseResult parseResult) {
        if ("true".equalsIgnoreCase(System.getenv("TESSERA_DEBUG"))) {
            return true;
        }
        for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--debug") && Boolean.TRUE.equals(p.matchedOptionValue("--debug", false))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        err.println("tessera: a command is needed, e.g. 'tessera up'");
        spec.commandLine().usage(err);
        err.flush();
        return spec.exitCodeOnInvalidInput();
    }

    /** {@code tessera --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"tessera " + version()};
        }
    }
}
