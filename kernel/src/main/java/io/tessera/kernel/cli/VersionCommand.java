package io.tessera.kernel.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tessera version}: this program's version and the Java it runs on. */
@Command(name = "version", description = "Print the version of Tessera and of the Java runtime.")
public final class VersionCommand implements Callable<Integer>, TesseraCommand {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().printf("tessera %s%njava %s (%s)%n", BuildInfo.version(),
                System.getProperty("java.version"), System.getProperty("java.vendor"));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
