package io.tessera.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.tessera.kernel.config.KernelConfig;
import io.tessera.kernel.kube.CrdInstaller;
import io.tessera.kernel.spi.KernelContext;
import io.tessera.kernel.spi.KernelModule;
import io.tessera.kernel.testing.TestSecurityModule;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kernel modules on the embedded cluster: dependency order, CRDs applied before start, a /kapis
 * route backed by the module's Kubernetes client, a readiness check, and HTTPS.
 */
class KernelModulesIT {

    static final List<String> EVENTS = new CopyOnWriteArrayList<>();
    static final AtomicBoolean WIDGETS_READY = new AtomicBoolean(true);
    static final ResourceDefinitionContext WIDGETS = new ResourceDefinitionContext.Builder()
            .withGroup("test.tessera.io").withVersion("v1").withPlural("widgets").withKind("Widget").withNamespaced(true).build();
    static final String PASSWORD = "test-keystore-pw";

    @TempDir
    static Path dataDir;
    @TempDir
    static Path tls;
    static Kernel kernel;
    static HttpClient http;
    static final ObjectMapper JSON = new ObjectMapper();

    @jakarta.ws.rs.Path("widgets")
    public static class WidgetResource {
        private final KubernetesClient client;

        WidgetResource(KubernetesClient client) {
            this.client = client;
        }

        @GET
        @Produces(MediaType.APPLICATION_JSON)
        public Map<String, Object> list() {
            List<String> names = client.genericKubernetesResources(WIDGETS).inNamespace("default").list().getItems()
                    .stream().map(w -> w.getMetadata().getName()).sorted().toList();
            return Map.of("items", names, "totalItems", names.size());
        }
    }

    /** Depends on "widgets", declared first so that only the dependency orders them. */
    static final class Dependent implements KernelModule {
        @Override
        public String name() {
            return "dependent";
        }

        @Override
        public List<String> dependsOn() {
            return List.of("widgets");
        }

        @Override
        public void start(KernelContext context) {
            EVENTS.add("start dependent");
        }

        @Override
        public void stop() {
            EVENTS.add("stop dependent");
        }
    }

    static final class Widgets implements KernelModule {
        @Override
        public String name() {
            return "widgets";
        }

        @Override
        public List<String> crdResources() {
            return List.of("test-crds/widgets.yaml");
        }

        @Override
        public void start(KernelContext context) {
            // the CRD is there before start
            CustomResourceDefinition crd = context.kubernetes().apiextensions().v1().customResourceDefinitions()
                    .withName("widgets.test.tessera.io").get();
            EVENTS.add("start widgets crd=" + (crd != null));
            context.mountKapis("widgets.test.tessera.io", "v1", new WidgetResource(context.kubernetes()));
            context.addReadinessCheck("widgets-synced", WIDGETS_READY::get);
        }

        @Override
        public void stop() {
            EVENTS.add("stop widgets");
        }
    }

    @BeforeAll
    static void boot() throws Exception {
        Path keystore = tls.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "tessera", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD).inheritIO().start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).isZero();

        KernelConfig base = KernelConfig.defaults(dataDir);
        KernelConfig config = base.withServer(new KernelConfig.Server("127.0.0.1", 0,
                new KernelConfig.Https(0, keystore, PASSWORD), Duration.ofSeconds(5)));
        kernel = Kernel.start(config, List.of(new TestSecurityModule(), new Dependent(), new Widgets()));

        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(keystore)) {
            trust.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        http = HttpClient.newBuilder().sslContext(ssl).build();
    }

    @AfterAll
    static void shutdown() {
        if (kernel != null) {
            kernel.close();
            assertThat(EVENTS).endsWith("stop dependent", "stop widgets");
        }
    }

    static HttpResponse<String> get(java.net.URI base, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", TestSecurityModule.ADMIN).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void modulesStartInDependencyOrderAfterTheirCrds() {
        assertThat(EVENTS).containsSubsequence("start widgets crd=true", "start dependent");
    }

    @Test
    void kapisRouteOfAModuleReadsTheCluster() throws Exception {
        try (KubernetesClient admin = kernel.embeddedCluster().newClient()) {
            for (String name : List.of("w1", "w2")) {
                GenericKubernetesResource widget = new GenericKubernetesResourceBuilder()
                        .withApiVersion("test.tessera.io/v1").withKind("Widget")
                        .withNewMetadata().withName(name).withNamespace("default").endMetadata()
                        .addToAdditionalProperties("spec", Map.of("size", 3)).build();
                admin.genericKubernetesResources(WIDGETS).inNamespace("default").resource(widget).create();
            }
        }
        HttpResponse<String> r = get(kernel.baseUri(), "/kapis/widgets.test.tessera.io/v1/widgets");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("totalItems").asInt()).isEqualTo(2);
        assertThat(body.path("items").toString()).isEqualTo("[\"w1\",\"w2\"]");
    }

    @Test
    void readinessIncludesModuleChecks() throws Exception {
        assertThat(get(kernel.baseUri(), "/readyz").statusCode()).isEqualTo(200);
        WIDGETS_READY.set(false);
        try {
            HttpResponse<String> r = get(kernel.baseUri(), "/readyz");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).contains("[-]widgets-synced failed").contains("[+]kubernetes ok");
        } finally {
            WIDGETS_READY.set(true);
        }
    }

    @Test
    void httpsServesTheSameChain() throws Exception {
        assertThat(kernel.httpsUri()).isNotNull();
        assertThat(kernel.httpsUri().getScheme()).isEqualTo("https");
        assertThat(get(kernel.httpsUri(), "/healthz").statusCode()).isEqualTo(200);
        assertThat(get(kernel.httpsUri(), "/kapis/widgets.test.tessera.io/v1/widgets").statusCode()).isEqualTo(200);
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(kernel.httpsUri().resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }

    @Test
    void crdsApplyIdempotentlyAndUpdate() throws Exception {
        CrdInstaller installer = new CrdInstaller(kernel.embeddedCluster().newClient());
        List<GenericKubernetesResource> crds = installer.read(getClass().getClassLoader(), "test-crds/widgets.yaml");
        @SuppressWarnings("unchecked")
        Map<String, Object> names = (Map<String, Object>) ((Map<String, Object>) crds.get(0).getAdditionalProperties().get("spec")).get("names");
        names.put("shortNames", List.of("wd"));
        installer.apply(crds);
        installer.apply(crds);
        try (KubernetesClient admin = kernel.embeddedCluster().newClient()) {
            CustomResourceDefinition stored = admin.apiextensions().v1().customResourceDefinitions()
                    .withName("widgets.test.tessera.io").get();
            assertThat(stored.getSpec().getNames().getShortNames()).containsExactly("wd");
        }
    }

    @Test
    void versionCarriesWhatTheClusterAnswers() throws Exception {
        HttpResponse<String> ours = get(kernel.baseUri(), "/version");
        JsonNode version = JSON.readTree(ours.body());
        HttpResponse<String> cluster = http.send(HttpRequest.newBuilder(
                java.net.URI.create(kernel.embeddedCluster().url() + "/version")).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode clusterVersion = JSON.readTree(cluster.body());
        if (clusterVersion.has("gitVersion")) {
            assertThat(version.path("kubernetes")).isEqualTo(clusterVersion);
        } else {
            // the cluster gave no version document: none is made up
            assertThat(version.has("kubernetes")).isFalse();
        }
    }
}
