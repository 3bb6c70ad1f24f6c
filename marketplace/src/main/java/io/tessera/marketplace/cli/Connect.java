package io.tessera.marketplace.cli;

import io.tessera.marketplace.client.PlatformClient;
import io.tessera.marketplace.client.SessionStore;
import java.io.IOException;

/** The platform client of the commands: the session of {@code $TESSERA_SERVER}, else of the last login. */
final class Connect {

    static final String SERVER_ENV = "TESSERA_SERVER";

    private Connect() {
    }

    static PlatformClient client() throws IOException {
        return PlatformClient.fromSession(SessionStore.forUser(), serverOverride());
    }

    static String serverOverride() {
        String env = System.getenv(SERVER_ENV);
        return env == null || env.isBlank() ? null : env;
    }
}
