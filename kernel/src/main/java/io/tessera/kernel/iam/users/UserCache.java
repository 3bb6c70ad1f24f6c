package io.tessera.kernel.iam.users;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.tessera.kernel.iam.api.IamTypes;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Users from an informer: authentication reads them on every request without an API call. */
public final class UserCache implements AutoCloseable {

    private final SharedIndexInformer<GenericKubernetesResource> informer;

    public UserCache(KubernetesClient client) {
        this.informer = client.genericKubernetesResources(IamTypes.USERS).inform();
    }

    public boolean synced() {
        return informer.hasSynced();
    }

    public Optional<GenericKubernetesResource> get(String name) {
        return Optional.ofNullable(informer.getStore().getByKey(name));
    }

    /** By name, or else by e-mail address (KubeSphere accepts either at login). */
    public Optional<GenericKubernetesResource> byNameOrEmail(String login) {
        Optional<GenericKubernetesResource> byName = get(login);
        if (byName.isPresent() || !login.contains("@")) {
            return byName;
        }
        return informer.getStore().list().stream().filter(u -> login.equalsIgnoreCase(IamTypes.str(u, "spec", "email"))).findFirst();
    }

    public List<GenericKubernetesResource> list() {
        return informer.getStore().list();
    }

    /** Tokens issued before this instant are revoked (password change, "log out everywhere"). */
    public static Instant tokensNotBefore(GenericKubernetesResource user) {
        String v = IamTypes.annotation(user, IamTypes.ANN_TOKENS_NOT_BEFORE);
        if (v.isEmpty()) {
            return Instant.EPOCH;
        }
        try {
            return Instant.ofEpochSecond(Long.parseLong(v));
        } catch (NumberFormatException e) {
            return Instant.EPOCH;
        }
    }

    public static String state(GenericKubernetesResource user) {
        String s = IamTypes.str(user, "status", "state");
        return s.isEmpty() ? IamTypes.STATE_ACTIVE : s;
    }

    @Override
    public void close() {
        informer.close();
    }
}
