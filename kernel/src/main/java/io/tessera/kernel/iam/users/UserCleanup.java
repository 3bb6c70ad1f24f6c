package io.tessera.kernel.iam.users;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.tessera.kernel.iam.api.IamTypes;
import io.tessera.kernel.iam.loginrecord.LoginRecords;

/**
 * What goes with a deleted user (reference §3.1 user lifecycle): login records and role bindings
 * at every scope found by the {@code iam.kubesphere.io/user-ref} label. Idempotent: run by the
 * delete handler and again by the user controller when a User disappears some other way (kubectl).
 */
public final class UserCleanup {

    private UserCleanup() {
    }

    public static void removeEverythingOf(KubernetesClient client, LoginRecords records, String user) {
        records.deleteAllOf(user);
        client.genericKubernetesResources(IamTypes.GLOBAL_ROLE_BINDINGS).withLabel(IamTypes.LABEL_USER_REF, user).delete();
        client.genericKubernetesResources(IamTypes.WORKSPACE_ROLE_BINDINGS).withLabel(IamTypes.LABEL_USER_REF, user).delete();
        client.genericKubernetesResources(IamTypes.CLUSTER_ROLE_BINDINGS).withLabel(IamTypes.LABEL_USER_REF, user).delete();
        client.genericKubernetesResources(IamTypes.ROLE_BINDINGS).inAnyNamespace().withLabel(IamTypes.LABEL_USER_REF, user).delete();
    }
}
