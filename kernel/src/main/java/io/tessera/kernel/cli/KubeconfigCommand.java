package io.tessera.kernel.cli;

import io.tessera.kernel.kubeproxy.KubeconfigClient;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tessera kubeconfig}: signs in at the platform and prints (or writes) a kubeconfig that
 * points kubectl at the platform with the user's token, so kubectl acts with the user's platform
 * permissions. Until the CLI keeps a login session, the credentials come from options or
 * {@code TESSERA_SERVER}/{@code TESSERA_USERNAME}/{@code TESSERA_PASSWORD}.
 */
@Command(name = "kubeconfig", description = "Print a kubeconfig for kubectl that goes through the platform as you.")
public final class KubeconfigCommand implements Callable<Integer>, TesseraCommand {

    @Spec
    CommandSpec spec;

    @Option(names = "--server", description = "The platform's URL (default: $TESSERA_SERVER or http://127.0.0.1:8080).")
    String server;

    @Option(names = "--username", description = "Default: $TESSERA_USERNAME.")
    String username;

    @Option(names = "--password", description = "Default: $TESSERA_PASSWORD (prefer the variable: options show in ps).")
    String password;

    @Option(names = {"-o", "--output"}, description = "Write the kubeconfig to this file (mode 600) instead of printing it.")
    Path output;

    @Option(names = "--insecure-skip-tls-verify", description = "Do not verify the platform's certificate while fetching (a development certificate).")
    boolean insecure;

    @Override
    public Integer call() throws Exception {
        String url = firstNonBlank(server, System.getenv("TESSERA_SERVER"), "http://127.0.0.1:8080");
        String user = firstNonBlank(username, System.getenv("TESSERA_USERNAME"), null);
        String pass = firstNonBlank(password, System.getenv("TESSERA_PASSWORD"), null);
        if (user == null || pass == null) {
            throw new IllegalArgumentException("a username and a password are needed: --username/--password or TESSERA_USERNAME/TESSERA_PASSWORD");
        }
        String kubeconfig = new KubeconfigClient(URI.create(url), insecure).fetch(user, pass, "kubesphere", "kubesphere");
        if (output == null) {
            PrintWriter out = spec.commandLine().getOut();
            out.print(kubeconfig);
            out.flush();
            return 0;
        }
        // it holds a bearer token: readable by the owner only
        Files.deleteIfExists(output);
        try {
            Files.createFile(output, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(output);
        }
        Files.writeString(output, kubeconfig, StandardOpenOption.TRUNCATE_EXISTING);
        spec.commandLine().getErr().println("kubeconfig for " + user + " written to " + output);
        return 0;
    }

    private static String firstNonBlank(String a, String b, String fallback) {
        if (a != null && !a.isBlank()) {
            return a;
        }
        if (b != null && !b.isBlank()) {
            return b;
        }
        return fallback;
    }
}
