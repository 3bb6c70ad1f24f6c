package io.tessera.marketplace.cli;

import io.tessera.kernel.cli.TesseraCommand;
import io.tessera.marketplace.client.PlatformClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code tessera token}: the session's access token (refreshed when it expires), for calling the
 * platform's APIs with other tools: {@code curl -H "Authorization: Bearer $(tessera token)" …}.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Print the access token of your session (refreshed if expired), e.g. for curl -H \"Authorization: Bearer $(tessera token)\".")
public final class TokenCommand implements Callable<Integer>, TesseraCommand {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PlatformClient client = Connect.client();
        // a cheap authenticated request: refreshes an expired token and proves it is still accepted
        client.get("/oauth/userinfo");
        spec.commandLine().getOut().println(client.session().accessToken());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
