package io.tessera.console;

import io.tessera.kernel.spi.KernelContext;
import io.tessera.kernel.spi.KernelModule;
import java.util.List;

/**
 * The web console (issue 8): static ES modules served at {@code /}. Only the files are public;
 * every view reads and writes through the platform's public APIs with the user's own token, so
 * the console can do nothing the user could not do with curl.
 */
public final class ConsoleModule implements KernelModule {

    @Override
    public String name() {
        return "console";
    }

    /** After IAM, whose public paths and authorizer are in place by then. */
    @Override
    public List<String> dependsOn() {
        return List.of("iam");
    }

    @Override
    public void start(KernelContext context) {
        context.addPublicPath("GET /");
        context.addPublicPath("HEAD /");
        context.addPublicPath("GET " + StaticFiles.ASSETS + "/*");
        context.addPublicPath("HEAD " + StaticFiles.ASSETS + "/*");
        context.mountPath("/", new StaticFiles());
    }
}
