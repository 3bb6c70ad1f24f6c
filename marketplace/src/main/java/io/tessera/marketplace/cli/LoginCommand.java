package io.tessera.marketplace.cli;

import io.tessera.kernel.cli.TesseraCommand;
import io.tessera.marketplace.client.PlatformClient;
import io.tessera.marketplace.client.Session;
import io.tessera.marketplace.client.SessionStore;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tessera login}: the OAuth2 password grant at the platform's {@code /oauth/token}; the
 * token pair is kept in the user's configuration directory for the other commands, which refresh
 * it when it expires.
 */
@Command(name = "login", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Sign in at a Tessera platform; the session is kept in your configuration directory",
            "($XDG_CONFIG_HOME/tessera/session.json or ~/.config/tessera/session.json, owner-only)."})
public final class LoginCommand implements Callable<Integer>, TesseraCommand {

    @Spec
    CommandSpec spec;

    @Option(names = "--server", paramLabel = "URL", description = "The platform, e.g. https://127.0.0.1:8443 (default: $TESSERA_SERVER, else the last server).")
    String server;

    @Option(names = {"-u", "--username"}, description = "Default: $TESSERA_USERNAME, else asked.")
    String username;

    @Option(names = {"-p", "--password"}, description = "Default: $TESSERA_PASSWORD, else asked without echo (an option shows in ps).")
    String password;

    @Option(names = "--certificate-authority", paramLabel = "FILE",
            description = "PEM certificate(s) to trust for HTTPS, e.g. <data-dir>/tls/serving.crt of 'tessera up'.")
    Path certificateAuthority;

    @Option(names = "--insecure-skip-tls-verify", description = "Do not verify the server's certificate (insecure).")
    boolean insecure;

    @Override
    public Integer call() throws Exception {
        SessionStore store = SessionStore.forUser();
        String url = firstNonBlank(server, Connect.serverOverride());
        if (url == null) {
            url = store.find(null).map(Session::server).orElse(null);
        }
        if (url == null) {
            throw new UserError("which platform? pass --server URL (or set TESSERA_SERVER)");
        }
        if (certificateAuthority != null && !Files.isReadable(certificateAuthority)) {
            throw new UserError("--certificate-authority " + certificateAuthority + " cannot be read");
        }
        String user = firstNonBlank(username, System.getenv("TESSERA_USERNAME"));
        if (user == null) {
            user = ask("Username: ", false);
        }
        String pass = firstNonBlank(password, System.getenv("TESSERA_PASSWORD"));
        if (pass == null) {
            pass = ask("Password: ", true);
        }
        if (user == null || user.isBlank() || pass == null || pass.isEmpty()) {
            throw new UserError("a username and a password are needed");
        }
        Session session = PlatformClient.login(url, user, pass,
                certificateAuthority == null ? null : certificateAuthority.toAbsolutePath().toString(), insecure);
        store.save(session);
        spec.commandLine().getOut().printf("Logged in to %s as %s (session in %s).%n", session.server(), user, store.file());
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** From the terminal (the password without echo), else one line of standard input (scripts). */
    private static String ask(String prompt, boolean secret) throws IOException {
        Console console = System.console();
        if (console != null) {
            if (secret) {
                char[] chars = console.readPassword("%s", prompt);
                return chars == null ? null : new String(chars);
            }
            return console.readLine("%s", prompt);
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        return in.readLine();
    }

    private static String firstNonBlank(String a, String b) {
        if (a != null && !a.isBlank()) {
            return a;
        }
        return b != null && !b.isBlank() ? b : null;
    }
}
