package io.tessera.kernel.cli;

import io.tessera.kernel.health.BuildInfo;
import java.io.PrintWriter;
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
        BuildInfo build = BuildInfo.load();
        PrintWriter out = spec.commandLine().getOut();
        out.printf("tessera %s%n", build.version());
        if (!build.gitCommit().isEmpty()) {
            out.printf("commit  %s%s%n", build.gitCommit(), build.gitTreeState().isEmpty() ? "" : " (" + build.gitTreeState() + ")");
        }
        if (!build.buildDate().isEmpty()) {
            out.printf("built   %s%n", build.buildDate());
        }
        out.printf("java    %s (%s)%n", System.getProperty("java.version"), System.getProperty("java.vendor"));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
