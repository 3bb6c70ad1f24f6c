package io.tessera.kernel.iam.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.tessera.kernel.iam.IamTestCluster;
import io.tessera.kernel.iam.api.IamTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SigningKeysIT {

    private static IamTestCluster cluster;
    private static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        cluster = new IamTestCluster();
        client = cluster.client;
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    @Test
    void theIdTokenKeyIsCreatedOnFirstUseAndSharedByEveryReplica() {
        SigningKeys first = SigningKeys.loadOrCreate(client);
        assertThat(secret(SigningKeys.JWT_SECRET_NAME)).as("the access-token secret is made at start").isTrue();
        assertThat(secret(SigningKeys.SIGN_KEY_NAME)).as("no RSA key is generated before anything needs it").isFalse();

        String kid = first.rsaKey().getKeyID();
        assertThat(secret(SigningKeys.SIGN_KEY_NAME)).isTrue();
        assertThat(first.rsaKey()).as("generated once per process").isSameAs(first.rsaKey());

        SigningKeys second = SigningKeys.loadOrCreate(client);
        assertThat(second.rsaKey().getKeyID()).as("another replica reads the same key").isEqualTo(kid);
        assertThat(second.hmacSecret()).isEqualTo(first.hmacSecret());
    }

    private static boolean secret(String name) {
        return client.secrets().inNamespace(IamTypes.SYSTEM_NAMESPACE).withName(name).get() != null;
    }
}
