package io.tessera.kernel.iam.oauth;

import io.tessera.kernel.config.KernelConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/** The OAuth clients from the kernel configuration; all are trusted (may use the password grant). */
public final class OAuthClients {

    private final List<KernelConfig.OAuthClient> clients;

    public OAuthClients(List<KernelConfig.OAuthClient> clients) {
        this.clients = List.copyOf(clients);
    }

    public Optional<KernelConfig.OAuthClient> find(String id) {
        return clients.stream().filter(c -> c.id().equals(id)).findFirst();
    }

    public List<KernelConfig.OAuthClient> all() {
        return clients;
    }

    /** Constant-time comparison, so response timing does not leak the secret. */
    public static boolean secretMatches(KernelConfig.OAuthClient client, String presented) {
        return presented != null && MessageDigest.isEqual(client.secret().getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }
}
