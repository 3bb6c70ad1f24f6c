package io.tessera.marketplace.cli;

import java.nio.file.Path;

/** Where a developer's signing key lives by default: outside any repository, under the home. */
final class SigningKeys {

    private SigningKeys() {
    }

    /** {@code $TESSERA_SIGNING_KEY}, else {@code -Dtessera.signing.key}, else ~/.tessera/signing-key. */
    static Path defaultKey() {
        String env = System.getenv("TESSERA_SIGNING_KEY");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String prop = System.getProperty("tessera.signing.key");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        return Path.of(System.getProperty("user.home"), ".tessera", "signing-key");
    }
}
