package io.tessera.kernel.iam.users;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.tessera.kernel.iam.api.IamTypes;
import java.util.Optional;
import java.util.function.Consumer;

/** Read-modify-write of a User with optimistic concurrency (retries on 409). */
public final class UserWriter {

    private static final int ATTEMPTS = 5;
    private final KubernetesClient client;

    public UserWriter(KubernetesClient client) {
        this.client = client;
    }

    /** @return the stored result, empty when the user does not exist */
    public Optional<GenericKubernetesResource> modify(String name, Consumer<GenericKubernetesResource> change) {
        var op = client.genericKubernetesResources(IamTypes.USERS).withName(name);
        for (int attempt = 1; ; attempt++) {
            GenericKubernetesResource current = op.get();
            if (current == null) {
                return Optional.empty();
            }
            change.accept(current);
            try {
                return Optional.of(client.genericKubernetesResources(IamTypes.USERS).resource(current).update());
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    public Optional<GenericKubernetesResource> fetch(String name) {
        return Optional.ofNullable(client.genericKubernetesResources(IamTypes.USERS).withName(name).get());
    }
}
