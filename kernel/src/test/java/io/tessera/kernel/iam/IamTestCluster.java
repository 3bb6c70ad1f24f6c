package io.tessera.kernel.iam;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tessera.devcluster.DevCluster;
import io.tessera.kernel.iam.api.IamCrds;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** A development cluster with the IAM CRDs applied, for tests below the kernel. */
public final class IamTestCluster implements AutoCloseable {

    public final DevCluster cluster;
    public final KubernetesClient client;
    private final Path dir;

    public IamTestCluster() throws Exception {
        dir = Files.createTempDirectory("iam-test");
        cluster = DevCluster.start(dir, "127.0.0.1", 0);
        client = cluster.newClient();
        for (String crd : IamCrds.RESOURCES) {
            try (InputStream in = IamTestCluster.class.getClassLoader().getResourceAsStream(crd)) {
                CustomResourceDefinition def = client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
                client.apiextensions().v1().customResourceDefinitions().resource(def).create();
            }
        }
    }

    @Override
    public void close() throws Exception {
        client.close();
        cluster.close();
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
