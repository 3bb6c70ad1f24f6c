package io.tessera.marketplace.cli;

import io.tessera.kernel.cli.TesseraCommand;
import io.tessera.marketplace.client.PlatformClient;
import io.tessera.marketplace.client.Session;
import io.tessera.marketplace.client.SessionStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tessera logout}: revokes the access token at the server and forgets the session. */
@Command(name = "logout", mixinStandardHelpOptions = true, description = "Sign out: revoke the token and forget the session.")
public final class LogoutCommand implements Callable<Integer>, TesseraCommand {

    @Spec
    CommandSpec spec;

    @Option(names = "--server", paramLabel = "URL", description = "Default: $TESSERA_SERVER, else the last server.")
    String server;

    @Override
    public Integer call() throws Exception {
        SessionStore store = SessionStore.forUser();
        String url = server != null ? server : Connect.serverOverride();
        Session session = store.find(url).orElse(null);
        PrintWriter out = spec.commandLine().getOut();
        if (session == null) {
            out.println(url == null ? "Not logged in." : "Not logged in to " + SessionStore.normalize(url) + ".");
            out.flush();
            return 0;
        }
        try {
            PlatformClient.fromSession(store, session.server()).logout();
        } catch (IOException e) {
            // the session is forgotten anyway: an unreachable server must not keep a user logged in here
            spec.commandLine().getErr().println("tessera: the server did not revoke the token (" + e.getMessage() + ")");
            spec.commandLine().getErr().flush();
        }
        store.remove(session.server());
        out.printf("Logged out of %s.%n", session.server());
        out.flush();
        return 0;
    }
}
