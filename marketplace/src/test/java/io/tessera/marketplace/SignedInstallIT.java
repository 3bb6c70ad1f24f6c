package io.tessera.marketplace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.tessera.kernel.Kernel;
import io.tessera.kernel.config.KernelConfig;
import io.tessera.marketplace.index.IndexBuilder;
import io.tessera.marketplace.index.RepositoryIndex;
import io.tessera.marketplace.index.RepositorySigner;
import io.tessera.marketplace.install.Installer;
import io.tessera.marketplace.kernel.SignatureTrust;
import io.tessera.marketplace.trust.Keys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One kernel whose built-in repository is a signed directory: refused packages never reach the
 * catalog, and a package whose bytes change after the catalog was built is refused at install
 * time, on the replica that loads it, with the package and reason in the InstallPlan's status.
 */
class SignedInstallIT {

    static final ResourceDefinitionContext PLANS = rdc("InstallPlan", "installplans");
    static final ResourceDefinitionContext VERSIONS = rdc("ExtensionVersion", "extensionversions");

    static Path tmp;
    static Path repo;
    static Kernel kernel;
    static KubernetesClient client;

    static ResourceDefinitionContext rdc(String kind, String plural) {
        return new ResourceDefinitionContext.Builder().withGroup("kubesphere.io").withVersion("v1alpha1").withKind(kind)
                .withPlural(plural).withNamespaced(false).build();
    }

    @BeforeAll
    static void boot() throws Exception {
        tmp = Files.createTempDirectory("tessera-market-it");
        repo = tmp.resolve("repository");
        BundlePackages.noop(repo, "acme-good", "1.0.0", Map.of());
        BundlePackages.noop(repo, "acme-swapped", "1.0.0", Map.of());
        BundlePackages.noop(repo, "acme-untrusted", "1.0.0", Map.of());
        BundlePackages.noop(repo, "acme-lib", "1.0.0", Map.of());
        BundlePackages.noop(repo, "acme-lib", "2.0.0", Map.of());
        BundlePackages.noop(repo, "acme-app", "1.0.0", Map.of("acme-lib", ">=1.0.0 <2.0.0"));
        Path key = tmp.resolve("keys/signing-key");
        KeyPair pair = Keys.generateInto(key);
        IndexBuilder.build(repo).write(repo.resolve(RepositoryIndex.FILE));
        RepositorySigner.sign(repo, pair.getPrivate(), pair.getPublic());
        // acme-untrusted is re-signed by a key nobody trusts
        KeyPair stranger = Keys.generate();
        RepositoryIndex idx = RepositoryIndex.read(repo.resolve(RepositoryIndex.FILE));
        idx.withEntries(idx.entries().stream().map(e -> e.name().equals("acme-untrusted")
                ? e.signed(Keys.keyId(stranger.getPublic()), io.tessera.marketplace.trust.Signatures.sign(stranger.getPrivate(),
                        e.name(), e.version(), e.sha256()))
                : e).toList()).write(repo.resolve(RepositoryIndex.FILE));
        BundlePackages.noop(repo.resolve("late"), "acme-unsigned", "1.0.0", Map.of());
        System.setProperty(SignatureTrust.KEYS_PROPERTY, Keys.publicFile(key).toString());
        kernel = Kernel.start(KernelConfig.defaults(tmp.resolve("data")).withPort(0)
                .withExtensions(new KernelConfig.Extensions(repo)));
        client = kernel.embeddedCluster().newClient();
    }

    @AfterAll
    static void shutdown() throws Exception {
        System.clearProperty(SignatureTrust.KEYS_PROPERTY);
        if (client != null) {
            client.close();
        }
        if (kernel != null) {
            kernel.close();
        }
        try (Stream<Path> s = Files.walk(tmp)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static List<String> catalog() {
        return client.genericKubernetesResources(VERSIONS).list().getItems().stream().map(r -> r.getMetadata().getName()).sorted().toList();
    }

    private static Map<?, ?> installAndWait(String name) throws Exception {
        GenericKubernetesResource plan = new GenericKubernetesResource();
        plan.setApiVersion("kubesphere.io/v1alpha1");
        plan.setKind("InstallPlan");
        plan.setMetadata(new ObjectMetaBuilder().withName(name).build());
        plan.setAdditionalProperty("spec", Map.of("extension", Map.of("name", name, "version", "1.0.0"), "enabled", true));
        client.genericKubernetesResources(PLANS).resource(plan).create();
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < end) {
            GenericKubernetesResource p = client.genericKubernetesResources(PLANS).withName(name).get();
            if (p.getAdditionalProperties().get("status") instanceof Map<?, ?> s && s.get("state") instanceof String st
                    && (st.equals("Installed") || st.endsWith("Failed"))) {
                return s;
            }
            Thread.sleep(50); // polling the plan's status; the deadline bounds it
        }
        throw new AssertionError("plan " + name + " reached no end state");
    }

    private static String lastMessage(Map<?, ?> status) {
        List<?> c = (List<?>) status.get("conditions");
        return String.valueOf(((Map<?, ?>) c.get(c.size() - 1)).get("message"));
    }

    @Test
    void onlyVerifiedPackagesReachTheCatalog() {
        assertThat(catalog()).contains("acme-good-1.0.0", "acme-swapped-1.0.0")
                .doesNotContain("acme-untrusted-1.0.0", "acme-unsigned-1.0.0");
    }

    @Test
    void dependencyInstalledFirstAndItsUninstallRefusedNamingTheDependent() throws Exception {
        Installer installer = new Installer(client, "0.1.0", Duration.ofSeconds(60));
        List<String> progress = new java.util.ArrayList<>();
        installer.install("acme-app", null, progress::add);
        assertThat(progress).containsSubsequence("acme-lib-1.0.0: Installed", "acme-app-1.0.0: Installed");
        assertThat(installer.installed()).containsEntry("acme-lib", "1.0.0").containsEntry("acme-app", "1.0.0");

        assertThatThrownBy(() -> installer.uninstall("acme-lib", false, progress::add))
                .hasMessageContaining("acme-lib is required by acme-app");
        // refused before anything changed: the plan is still there, not being deleted, still Installed
        GenericKubernetesResource lib = client.genericKubernetesResources(PLANS).withName("acme-lib").get();
        assertThat(lib.getMetadata().getDeletionTimestamp()).isNull();
        assertThat(installer.installed()).containsEntry("acme-lib", "1.0.0");

        installer.uninstall("acme-app", false, progress::add);
        installer.uninstall("acme-lib", false, progress::add);
        assertThat(installer.installed()).doesNotContainKeys("acme-app", "acme-lib");
    }

    @Test
    void keysFromTheSecretAreTrustedLiveForRotation() throws Exception {
        Path other = tmp.resolve("rotated");
        Path file = BundlePackages.noop(other, "acme-rotated", "1.0.0", Map.of());
        KeyPair next = Keys.generate();
        IndexBuilder.build(other).write(other.resolve(RepositoryIndex.FILE));
        RepositorySigner.sign(other, next.getPrivate(), next.getPublic());
        SignatureTrust trust = new SignatureTrust(client, List.of());
        var pkg = io.tessera.kernel.extensions.ExtensionPackage.open(file);
        assertThatThrownBy(() -> trust.check(pkg)).hasMessageContaining("acme-rotated-1.0.0").hasMessageContaining("not trusted");
        client.secrets().inNamespace(SignatureTrust.NAMESPACE).resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata().withName(SignatureTrust.SECRET).withNamespace(SignatureTrust.NAMESPACE).endMetadata()
                .addToStringData("next.pub", Keys.pem("PUBLIC KEY", next.getPublic().getEncoded())).build()).create();
        try {
            trust.check(pkg);
        } finally {
            client.secrets().inNamespace(SignatureTrust.NAMESPACE).withName(SignatureTrust.SECRET).delete();
        }
        assertThatThrownBy(() -> trust.check(pkg)).hasMessageContaining("not trusted");
    }

    @Test
    void signedPackageInstalls() throws Exception {
        Map<?, ?> s = installAndWait("acme-good");
        assertThat(s.get("state")).as(lastMessage(s)).isEqualTo("Installed");
    }

    @Test
    void packageChangedAfterCatalogIsRefusedAtLoadNamingPackageAndReason() throws Exception {
        Path file = repo.resolve("acme-swapped-1.0.0.tsx.zip");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Files.write(file, bytes);
        List<String> before = catalog();
        Map<?, ?> s = installAndWait("acme-swapped");
        assertThat(s.get("state")).isEqualTo("InstallFailed");
        assertThat(lastMessage(s)).contains("package acme-swapped-1.0.0 refused").contains("checksum mismatch");
        assertThat(catalog()).isEqualTo(before);
        // nothing started: no bundle of the refused package in this replica's Felix
        assertThat(kernel.osgi().context().getBundles()).noneMatch(b -> "test.acme-swapped".equals(b.getSymbolicName()));
    }
}
