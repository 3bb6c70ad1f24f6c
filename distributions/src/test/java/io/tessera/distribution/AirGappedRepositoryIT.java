package io.tessera.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.tessera.kernel.Kernel;
import io.tessera.kernel.config.KernelConfig;
import io.tessera.marketplace.archive.RepositoryArchive;
import io.tessera.marketplace.index.IndexEntry;
import io.tessera.marketplace.index.RepositoryIndex;
import io.tessera.marketplace.trust.TrustStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built distribution's repository/ is signed by the build's key that conf/trusted-keys trusts;
 * exported to one file ({@code tessera repo export}), that file is the only repository of a kernel
 * with a fresh data dir and no built-in repository (a Repository object pointing at the file), and
 * sample-hello installs from it with no network.
 */
class AirGappedRepositoryIT {

    private static final Path DIST = Path.of(System.getProperty("tessera.distribution"));
    private static final ResourceDefinitionContext PLANS = rdc("InstallPlan", "installplans");
    private static final ResourceDefinitionContext VERSIONS = rdc("ExtensionVersion", "extensionversions");
    private static final ResourceDefinitionContext REPOSITORIES = rdc("Repository", "repositories");

    private static ResourceDefinitionContext rdc(String kind, String plural) {
        return new ResourceDefinitionContext.Builder().withGroup("kubesphere.io").withVersion("v1alpha1").withKind(kind)
                .withPlural(plural).withNamespaced(false).build();
    }

    @TempDir
    Path tmp;

    @Test
    void builtInRepositoryIsSignedAndTrusted() throws Exception {
        RepositoryIndex idx = RepositoryIndex.read(DIST.resolve("repository/index.json"));
        assertThat(idx.entries()).extracting(IndexEntry::name).contains("sample-hello");
        TrustStore trust = new TrustStore().addPath(DIST.resolve("conf/trusted-keys"));
        for (IndexEntry e : idx.entries()) {
            trust.verify(e.name(), e.version(), DIST.resolve("repository").resolve(e.file()), e.sha256(), e.keyId(), e.signature());
        }
    }

    @Test
    void exportedRepositoryInstallsSampleHelloInAFreshDataDir() throws Exception {
        Path file = tmp.resolve("offline.tsr");
        RepositoryArchive.export(DIST.resolve("repository"), file);
        try (Kernel kernel = Kernel.start(KernelConfig.defaults(tmp.resolve("data")).withPort(0)
                .withExtensions(new KernelConfig.Extensions(null).withTrustedKeysDir(DIST.resolve("conf/trusted-keys"))));
                KubernetesClient client = kernel.embeddedCluster().newClient()) {
            GenericKubernetesResource repository = new GenericKubernetesResource();
            repository.setApiVersion("kubesphere.io/v1alpha1");
            repository.setKind("Repository");
            repository.setMetadata(new ObjectMetaBuilder().withName("offline").build());
            repository.setAdditionalProperty("spec", Map.of("url", file.toUri().toString()));
            client.genericKubernetesResources(REPOSITORIES).resource(repository).create();
            String version = RepositoryIndex.read(DIST.resolve("repository/index.json")).entries().stream()
                    .filter(e -> e.name().equals("sample-hello")).findFirst().orElseThrow().version();
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (client.genericKubernetesResources(VERSIONS).withName("sample-hello-" + version).get() == null) {
                assertThat(System.nanoTime()).as("sample-hello-%s never reached the catalog; repository status: %s", version,
                        client.genericKubernetesResources(REPOSITORIES).withName("offline").get().getAdditionalProperties().get("status"))
                        .isLessThan(until);
                Thread.sleep(50); // polling the catalog; the deadline bounds it
            }
            assertThat(client.genericKubernetesResources(REPOSITORIES).list().getItems()).extracting(r -> r.getMetadata().getName())
                    .containsExactly("offline");
            GenericKubernetesResource plan = new GenericKubernetesResource();
            plan.setApiVersion("kubesphere.io/v1alpha1");
            plan.setKind("InstallPlan");
            plan.setMetadata(new ObjectMetaBuilder().withName("sample-hello").build());
            plan.setAdditionalProperty("spec", Map.of("extension", Map.of("name", "sample-hello", "version", version), "enabled", true));
            client.genericKubernetesResources(PLANS).resource(plan).create();
            String state = null;
            Object conditions = null;
            long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (System.nanoTime() < end) {
                GenericKubernetesResource p = client.genericKubernetesResources(PLANS).withName("sample-hello").get();
                if (p.getAdditionalProperties().get("status") instanceof Map<?, ?> s) {
                    state = (String) s.get("state");
                    conditions = s.get("conditions");
                    if ("Installed".equals(state) || (state != null && state.endsWith("Failed"))) {
                        break;
                    }
                }
                Thread.sleep(50); // polling the plan's status; the deadline bounds it
            }
            assertThat(state).as("conditions: %s", conditions).isEqualTo("Installed");
        }
    }
}
