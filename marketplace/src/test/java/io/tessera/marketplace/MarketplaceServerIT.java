package io.tessera.marketplace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.tessera.kernel.Kernel;
import io.tessera.kernel.config.KernelConfig;
import io.tessera.marketplace.archive.RepositoryArchive;
import io.tessera.marketplace.index.IndexBuilder;
import io.tessera.marketplace.index.RepositoryIndex;
import io.tessera.marketplace.index.RepositorySigner;
import io.tessera.marketplace.kernel.SignatureTrust;
import io.tessera.marketplace.trust.Keys;
import io.tessera.marketplace.trust.Signatures;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One kernel with the marketplace: the built-in repository becomes the Repository {@code builtin};
 * more Repositories (a directory, an exported file, an HTTP server with basic auth) sync into
 * Extension/ExtensionVersion/Category objects; installs fetch and verify packages from their
 * repository and pull in dependencies first; the catalog API serves signed-in users.
 */
class MarketplaceServerIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final ResourceDefinitionContext PLANS = rdc("InstallPlan", "installplans");
    static final ResourceDefinitionContext VERSIONS = rdc("ExtensionVersion", "extensionversions");
    static final ResourceDefinitionContext EXTENSIONS = rdc("Extension", "extensions");
    static final ResourceDefinitionContext CATEGORIES = rdc("Category", "categories");
    static final ResourceDefinitionContext REPOSITORIES = rdc("Repository", "repositories");
    static final String CATALOG = "/kapis/package.kubesphere.io/v1alpha1";

    static Path tmp;
    static Path builtin;
    static Path trusted;
    static KeyPair oldKey;
    static KeyPair newKey;
    static Kernel kernel;
    static KubernetesClient client;
    static HttpServer http;
    static final AtomicBoolean httpDown = new AtomicBoolean();
    static final HttpClient WEB = HttpClient.newHttpClient();
    static String adminToken;

    static ResourceDefinitionContext rdc(String kind, String plural) {
        return new ResourceDefinitionContext.Builder().withGroup("kubesphere.io").withVersion("v1alpha1").withKind(kind)
                .withPlural(plural).withNamespaced(false).build();
    }

    static void indexAndSign(Path dir, KeyPair key) throws Exception {
        IndexBuilder.build(dir).write(dir.resolve(RepositoryIndex.FILE));
        RepositorySigner.sign(dir, key.getPrivate(), key.getPublic());
    }

    @BeforeAll
    static void boot() throws Exception {
        tmp = Files.createTempDirectory("tessera-marketplace-it");
        oldKey = Keys.generate();
        newKey = Keys.generate();
        trusted = tmp.resolve("trusted-keys");
        Files.createDirectories(trusted);
        Files.writeString(trusted.resolve("old.pub"), Keys.pem("PUBLIC KEY", oldKey.getPublic().getEncoded()));
        Files.writeString(trusted.resolve("new.pub"), Keys.pem("PUBLIC KEY", newKey.getPublic().getEncoded()));

        builtin = tmp.resolve("builtin");
        BundlePackages.noop(builtin, "acme-good", "1.0.0", Map.of());
        BundlePackages.noop(builtin, "acme-swapped", "1.0.0", Map.of());
        BundlePackages.noop(builtin, "acme-lib", "1.0.0", Map.of());
        BundlePackages.noop(builtin, "acme-lib", "2.0.0", Map.of());
        BundlePackages.noop(builtin, "acme-app", "1.0.0", Map.of("acme-lib", ">=1.0.0 <2.0.0"));
        BundlePackages.noop(builtin, "acme-a", "1.2.0", Map.of("acme-b", ">=2.0.0", "acme-c", "*"));
        BundlePackages.noop(builtin, "acme-b", "1.0.0", Map.of());
        BundlePackages.noop(builtin, "acme-b", "2.1.0", Map.of());
        BundlePackages.noop(builtin, "acme-c", "1.0.0", Map.of("acme-b", "<2.0.0"));
        BundlePackages.noop(builtin, "acme-k", "1.0.0", Map.of(), ">=0.1.0-0");
        BundlePackages.noop(builtin, "acme-k", "2.0.0", Map.of(), ">=99.0.0");
        BundlePackages.noop(builtin, "acme-mirror", "1.0.0", Map.of());
        BundlePackages.noop(builtin, "acme-mirror", "1.1.0", Map.of());
        indexAndSign(builtin, newKey);

        // an HTTP repository behind basic auth
        Path remote = tmp.resolve("remote");
        BundlePackages.noop(remote, "acme-remote", "1.0.0", Map.of());
        indexAndSign(remote, newKey);
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/repo/", exchange -> {
            String expected = "Basic " + Base64.getEncoder().encodeToString("reader:s3cret".getBytes(StandardCharsets.UTF_8));
            Path f = remote.resolve(exchange.getRequestURI().getPath().substring("/repo/".length())).normalize();
            int code = httpDown.get() ? 503 : !expected.equals(exchange.getRequestHeaders().getFirst("Authorization")) ? 401
                    : f.startsWith(remote) && Files.isRegularFile(f) ? 200 : 404;
            byte[] body = code == 200 ? Files.readAllBytes(f) : new byte[0];
            exchange.sendResponseHeaders(code, code == 200 ? body.length : -1);
            if (code == 200) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        http.start();

        kernel = Kernel.start(KernelConfig.defaults(tmp.resolve("data")).withPort(0)
                .withExtensions(new KernelConfig.Extensions(builtin).withTrustedKeysDir(trusted)));
        client = kernel.embeddedCluster().newClient();
        awaitSynced("builtin");
        adminToken = token("admin", "P@88w0rd");
    }

    @AfterAll
    static void shutdown() throws Exception {
        if (http != null) {
            http.stop(0);
        }
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

    // ---- helpers ---------------------------------------------------------------------------------

    static void repository(String name, String url, Map<String, Object> extraSpec) {
        GenericKubernetesResource r = new GenericKubernetesResource();
        r.setApiVersion("kubesphere.io/v1alpha1");
        r.setKind("Repository");
        r.setMetadata(new ObjectMetaBuilder().withName(name).build());
        Map<String, Object> spec = new java.util.LinkedHashMap<>(extraSpec);
        spec.put("url", url);
        r.setAdditionalProperty("spec", spec);
        client.genericKubernetesResources(REPOSITORIES).resource(r).create();
    }

    static Map<?, ?> synced(String repo) {
        GenericKubernetesResource r = client.genericKubernetesResources(REPOSITORIES).withName(repo).get();
        if (r == null || !(r.getAdditionalProperties().get("status") instanceof Map<?, ?> s) || !(s.get("conditions") instanceof List<?> c)
                || c.isEmpty()) {
            return null;
        }
        Map<String, Object> out = new java.util.LinkedHashMap<>((Map<String, Object>) c.get(0));
        out.put("lastSyncTime", s.get("lastSyncTime"));
        out.put("extensionCount", s.get("extensionCount"));
        return out;
    }

    static Map<?, ?> awaitSynced(String repo) {
        await().atMost(Duration.ofSeconds(60)).until(() -> synced(repo) != null);
        return synced(repo);
    }

    /** Requests a sync with the contract's annotation and waits until lastSyncTime reaches it. */
    static Map<?, ?> syncNow(String repo) {
        Instant at = Instant.now();
        // a merge patch without a resourceVersion, as `kubectl annotate` sends: the controller writes
        // the Repository's status meanwhile, and a locked edit would then fail with 409
        client.genericKubernetesResources(REPOSITORIES).withName(repo).patch(
                PatchContext.of(PatchType.JSON_MERGE),
                "{\"metadata\":{\"annotations\":{\"kubesphere.io/sync-requested-at\":\"" + at + "\"}}}");
        await().atMost(Duration.ofSeconds(60)).until(() -> synced(repo) != null
                && !Instant.parse((String) synced(repo).get("lastSyncTime")).isBefore(at));
        return synced(repo);
    }

    static GenericKubernetesResource get(ResourceDefinitionContext rdc, String name) {
        return client.genericKubernetesResources(rdc).withName(name).get();
    }

    static List<String> versionNames() {
        return client.genericKubernetesResources(VERSIONS).list().getItems().stream().map(r -> r.getMetadata().getName()).sorted().toList();
    }

    static void plan(String name, String version) {
        GenericKubernetesResource plan = new GenericKubernetesResource();
        plan.setApiVersion("kubesphere.io/v1alpha1");
        plan.setKind("InstallPlan");
        plan.setMetadata(new ObjectMetaBuilder().withName(name).build());
        plan.setAdditionalProperty("spec", Map.of("extension", Map.of("name", name, "version", version), "enabled", true));
        client.genericKubernetesResources(PLANS).resource(plan).create();
    }

    static Map<?, ?> planStatus(String name) {
        GenericKubernetesResource p = get(PLANS, name);
        return p != null && p.getAdditionalProperties().get("status") instanceof Map<?, ?> s ? s : Map.of();
    }

    static Map<?, ?> awaitEnd(String name) {
        await().atMost(Duration.ofSeconds(90)).until(() -> planStatus(name).get("state") instanceof String st
                && (st.equals("Installed") || st.endsWith("Failed")));
        return planStatus(name);
    }

    static Map<?, ?> install(String name, String version) {
        plan(name, version);
        return awaitEnd(name);
    }

    static String lastMessage(Map<?, ?> status) {
        List<?> c = (List<?>) status.get("conditions");
        return String.valueOf(((Map<?, ?>) c.get(c.size() - 1)).get("message"));
    }

    static String lastReason(Map<?, ?> status) {
        List<?> c = (List<?>) status.get("conditions");
        return String.valueOf(((Map<?, ?>) c.get(c.size() - 1)).get("reason"));
    }

    static long bundleId(String extension) {
        return Stream.of(kernel.osgi().context().getBundles()).filter(b -> ("test." + extension).equals(b.getSymbolicName()))
                .mapToLong(b -> b.getBundleId()).max().orElse(-1);
    }

    static String token(String user, String password) throws Exception {
        String form = Stream.of(new String[][] {{"grant_type", "password"}, {"username", user}, {"password", password},
                        {"client_id", "kubesphere"}, {"client_secret", "kubesphere"}})
                .map(kv -> kv[0] + "=" + URLEncoder.encode(kv[1], StandardCharsets.UTF_8)).reduce((a, b) -> a + "&" + b).orElseThrow();
        HttpResponse<String> r = WEB.send(HttpRequest.newBuilder(kernel.baseUri().resolve("/oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return (String) JSON.readValue(r.body(), Map.class).get("access_token");
    }

    static HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(kernel.baseUri().resolve(path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return WEB.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> getJson(String path, String token) throws Exception {
        HttpResponse<String> r = call("GET", path, token, null);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return JSON.readValue(r.body(), Map.class);
    }

    static List<String> names(Map<String, Object> list) {
        return ((List<?>) list.get("items")).stream().map(i -> (String) ((Map<?, ?>) ((Map<?, ?>) i).get("metadata")).get("name")).toList();
    }

    // ---- the built-in repository -----------------------------------------------------------------

    @Test
    void builtinRepositoryIsSyncedIntoKubeSphereShapedCatalogAndTheKernelIsReady() throws Exception {
        Map<?, ?> s = synced("builtin");
        assertThat(s.get("status")).as(String.valueOf(s)).isEqualTo("True");
        assertThat(versionNames()).contains("acme-good-1.0.0", "acme-lib-1.0.0", "acme-lib-2.0.0", "acme-app-1.0.0");
        GenericKubernetesResource v = get(VERSIONS, "acme-app-1.0.0");
        assertThat(v.getMetadata().getLabels()).containsEntry("kubesphere.io/repository-ref", "builtin")
                .containsEntry("kubesphere.io/extension-ref", "acme-app").containsEntry("kubesphere.io/category", "dev-tools");
        assertThat(v.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getKind()).isEqualTo("Extension");
            assertThat(o.getName()).isEqualTo("acme-app");
        });
        Map<?, ?> spec = (Map<?, ?>) v.getAdditionalProperties().get("spec");
        assertThat(spec.get("dependencies")).isEqualTo(Map.of("acme-lib", ">=1.0.0 <2.0.0"));
        assertThat(spec.get("kernelVersion")).isEqualTo(">=0.1.0-0");
        assertThat((String) spec.get("digest")).isEqualTo(Signatures.sha256(builtin.resolve("acme-app-1.0.0.tsx.zip")));
        assertThat(spec.get("permissions")).isEqualTo(List.of(Map.of("group", "", "resources", List.of("configmaps"), "verbs", List.of("get"))));
        assertThat(get(EXTENSIONS, "acme-app").getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getKind()).isEqualTo("Repository"));
        // recommendedVersion: the highest whose kernel range admits this kernel (2.0.0 needs kernel >=99)
        assertThat(((Map<?, ?>) get(EXTENSIONS, "acme-k").getAdditionalProperties().get("status")).get("recommendedVersion"))
                .isEqualTo("1.0.0");
        GenericKubernetesResource category = get(CATEGORIES, "dev-tools");
        long devTools = client.genericKubernetesResources(EXTENSIONS).withLabel("kubesphere.io/category", "dev-tools").list().getItems().size();
        assertThat(category.getMetadata().getAnnotations()).containsEntry("kubesphere.io/count", String.valueOf(devTools));
        // no package bytes in the cluster: nothing but digests
        assertThat(client.configMaps().inAnyNamespace().list().getItems()).noneMatch(c -> c.getBinaryData() != null
                && c.getBinaryData().keySet().stream().anyMatch(k -> k.endsWith(".tsx.zip")));
        HttpResponse<String> ready = call("GET", "/readyz?verbose", null, null);
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(ready.body()).contains("[+]marketplace-builtin-repository ok");
    }

    // ---- installing ------------------------------------------------------------------------------

    @Test
    void dependencyIsInstalledFirstAndItsUninstallIsRefusedNamingTheDependent() throws Exception {
        // only acme-app is asked for; the server resolves acme-lib >=1.0.0 <2.0.0 to 1.0.0 and installs it first
        Map<?, ?> app = install("acme-app", "1.0.0");
        assertThat(app.get("state")).as(lastMessage(app)).isEqualTo("Installed");
        Map<?, ?> lib = planStatus("acme-lib");
        assertThat(lib.get("state")).isEqualTo("Installed");
        assertThat(lib.get("version")).isEqualTo("1.0.0");
        assertThat(get(PLANS, "acme-lib").getMetadata().getAnnotations()).containsEntry("kubesphere.io/required-by", "acme-app");
        assertThat(bundleId("acme-lib")).isPositive().isLessThan(bundleId("acme-app"));
        assertThat(((List<?>) app.get("stateHistory")).stream().map(h -> String.valueOf(((Map<?, ?>) h).get("state"))).toList()).contains("Preparing");

        client.genericKubernetesResources(PLANS).withName("acme-lib").delete();
        await().atMost(Duration.ofSeconds(30)).until(() -> "UninstallFailed".equals(planStatus("acme-lib").get("state")));
        assertThat(lastMessage(planStatus("acme-lib"))).contains("acme-lib is required by acme-app");
        assertThat(bundleId("acme-lib")).isPositive();

        client.genericKubernetesResources(PLANS).withName("acme-app").delete();
        // with its dependent gone, the pending uninstall of acme-lib proceeds
        await().atMost(Duration.ofSeconds(60)).until(() -> get(PLANS, "acme-app") == null && get(PLANS, "acme-lib") == null);
    }

    @Test
    void storedExtensionStatusFollowsItsInstallPlanAndIsResetAfterUninstall() throws Exception {
        assertThat(extensionStatus("acme-mirror")).containsEntry("recommendedVersion", "1.1.0").doesNotContainKeys("state", "installedVersion");
        Map<?, ?> s = install("acme-mirror", "1.0.0");
        assertThat(s.get("state")).as(lastMessage(s)).isEqualTo("Installed");
        // the object itself, as kubectl get extension shows it (not the catalog API's view)
        await().atMost(Duration.ofSeconds(30)).until(() -> "1.0.0".equals(extensionStatus("acme-mirror").get("installedVersion")));
        Map<String, Object> installed = extensionStatus("acme-mirror");
        assertThat(installed).containsEntry("state", "Installed").containsEntry("enabled", true)
                .containsEntry("plannedInstallVersion", "1.0.0").containsEntry("recommendedVersion", "1.1.0");
        assertThat(installed.get("conditions")).isEqualTo(s.get("conditions"));

        // unlocked, as kubectl patch: the installer writes the plan's status meanwhile
        client.genericKubernetesResources(PLANS).withName("acme-mirror").patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"spec\":{\"extension\":{\"name\":\"acme-mirror\",\"version\":\"1.1.0\"},\"enabled\":true}}");
        await().atMost(Duration.ofSeconds(60)).until(() -> "1.1.0".equals(extensionStatus("acme-mirror").get("installedVersion"))
                && "Installed".equals(extensionStatus("acme-mirror").get("state")));
        assertThat(extensionStatus("acme-mirror")).containsEntry("plannedInstallVersion", "1.1.0");

        client.genericKubernetesResources(PLANS).withName("acme-mirror").delete();
        await().atMost(Duration.ofSeconds(60)).until(() -> get(PLANS, "acme-mirror") == null
                && !extensionStatus("acme-mirror").containsKey("state"));
        assertThat(extensionStatus("acme-mirror")).doesNotContainKeys("installedVersion", "plannedInstallVersion", "enabled", "conditions")
                .containsEntry("recommendedVersion", "1.1.0").containsKey("versions");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> extensionStatus(String name) {
        GenericKubernetesResource e = get(EXTENSIONS, name);
        return e != null && e.getAdditionalProperties().get("status") instanceof Map<?, ?> s ? (Map<String, Object>) s : Map.of();
    }

    @Test
    void conflictingDependenciesAreRefusedNamingBothSides() {
        Map<?, ?> s = install("acme-a", "1.2.0");
        assertThat(s.get("state")).isEqualTo("InstallFailed");
        assertThat(lastReason(s)).isEqualTo("DependencyConflict");
        assertThat(lastMessage(s)).contains("acme-a 1.2.0 needs acme-b >=2.0.0 but acme-c 1.0.0 needs acme-b <2.0.0");
        assertThat(get(PLANS, "acme-b")).isNull();
        assertThat(get(PLANS, "acme-c")).isNull();
    }

    @Test
    void kernelVersionRangeIsChecked() {
        Map<?, ?> s = install("acme-k", "2.0.0");
        assertThat(s.get("state")).isEqualTo("InstallFailed");
        assertThat(lastMessage(s)).contains("acme-k 2.0.0 needs kernel >=99.0.0");
    }

    @Test
    void packageWithOneFlippedByteIsRefusedNamingPackageAndReasonAndNothingChanges() throws Exception {
        Path file = builtin.resolve("acme-swapped-1.0.0.tsx.zip");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Files.write(file, bytes);
        List<String> before = versionNames();
        String versionRv = get(VERSIONS, "acme-swapped-1.0.0").getMetadata().getResourceVersion();
        Map<?, ?> s = install("acme-swapped", "1.0.0");
        assertThat(s.get("state")).isEqualTo("InstallFailed");
        assertThat(lastReason(s)).isEqualTo("PackageRefused");
        assertThat(lastMessage(s)).contains("package acme-swapped-1.0.0 refused").contains("checksum mismatch");
        assertThat(versionNames()).isEqualTo(before);
        assertThat(get(VERSIONS, "acme-swapped-1.0.0").getMetadata().getResourceVersion()).isEqualTo(versionRv);
        assertThat(bundleId("acme-swapped")).isEqualTo(-1);
        assertThat(client.namespaces().withName("extension-acme-swapped").get()).isNull();
    }

    // ---- other repositories ----------------------------------------------------------------------

    @Test
    void exportedRepositoryFileServesInstallsWithoutUnpacking() throws Exception {
        Path dir = tmp.resolve("offline-src");
        BundlePackages.noop(dir, "acme-offline", "1.0.0", Map.of());
        indexAndSign(dir, newKey);
        Path file = tmp.resolve("offline.tsr");
        RepositoryArchive.export(dir, file);
        Files.walk(dir).sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        repository("offline", file.toUri().toString(), Map.of());
        assertThat(awaitSynced("offline").get("status")).isEqualTo("True");
        Map<?, ?> s = install("acme-offline", "1.0.0");
        assertThat(s.get("state")).as(lastMessage(s)).isEqualTo("Installed");
    }

    @Test
    void cachedPackagesAreKeptWhileInstalledOrListedAndPrunedOnceNothingRefersToThem() throws Exception {
        Path dir = tmp.resolve("prunable");
        BundlePackages.noop(dir, "acme-prune", "1.0.0", Map.of());
        BundlePackages.noop(dir, "acme-prune", "2.0.0", Map.of());
        indexAndSign(dir, newKey);
        repository("prunable", dir.toUri().toString(), Map.of());
        assertThat(awaitSynced("prunable").get("status")).isEqualTo("True");
        Map<?, ?> s = install("acme-prune", "1.0.0");
        assertThat(s.get("state")).as(lastMessage(s)).isEqualTo("Installed");
        Path cache = tmp.resolve("data/marketplace/repositories/prunable");
        Path v1 = cache.resolve("acme-prune-1.0.0.tsx.zip");
        assertThat(v1).isRegularFile();
        Path stray = Files.writeString(cache.resolve("left-over.tsx.zip"), "from an index long gone");

        // 1.0.0 leaves the repository: its catalog entry goes, its package stays while the plan runs it
        Files.delete(dir.resolve("acme-prune-1.0.0.tsx.zip"));
        indexAndSign(dir, newKey);
        assertThat(syncNow("prunable").get("status")).isEqualTo("True");
        await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(stray));
        assertThat(get(VERSIONS, "acme-prune-1.0.0")).isNull();
        assertThat(v1).isRegularFile();

        client.genericKubernetesResources(PLANS).withName("acme-prune").delete();
        await().atMost(Duration.ofSeconds(60)).until(() -> get(PLANS, "acme-prune") == null);
        syncNow("prunable");
        await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(cache));
    }

    @Test
    void httpRepositoryWithBasicAuthSyncsAndAFailedSyncKeepsTheCatalog() throws Exception {
        String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/repo/";
        repository("remote-wrong", url, Map.of("basicAuth", Map.of("username", "reader", "password", "wrong")));
        Map<?, ?> wrong = awaitSynced("remote-wrong");
        assertThat(wrong.get("status")).isEqualTo("False");
        assertThat(wrong.get("reason")).isEqualTo("IndexUnavailable");
        assertThat((String) wrong.get("message")).contains("401");

        repository("remote", url, Map.of("basicAuth", Map.of("username", "reader", "password", "s3cret"),
                "updateStrategy", Map.of("registryPoll", Map.of("interval", "1h"), "timeout", "10s")));
        assertThat(awaitSynced("remote").get("status")).isEqualTo("True");
        assertThat(get(VERSIONS, "acme-remote-1.0.0").getMetadata().getLabels()).containsEntry("kubesphere.io/repository-ref", "remote");
        String extRv = get(EXTENSIONS, "acme-remote").getMetadata().getResourceVersion();
        String verRv = get(VERSIONS, "acme-remote-1.0.0").getMetadata().getResourceVersion();

        httpDown.set(true);
        try {
            Map<?, ?> failed = syncNow("remote");
            assertThat(failed.get("status")).isEqualTo("False");
            assertThat((String) failed.get("message")).contains("503");
            assertThat(get(EXTENSIONS, "acme-remote").getMetadata().getResourceVersion()).isEqualTo(extRv);
            assertThat(get(VERSIONS, "acme-remote-1.0.0").getMetadata().getResourceVersion()).isEqualTo(verRv);
        } finally {
            httpDown.set(false);
        }
        assertThat(syncNow("remote").get("status")).isEqualTo("True");
        Map<?, ?> s = install("acme-remote", "1.0.0");
        assertThat(s.get("state")).as(lastMessage(s)).isEqualTo("Installed");
    }

    @Test
    void httpsRepositoryIsTrustedThroughItsCaBundleOrInsecureOnly() throws Exception {
        Path dir = tmp.resolve("tls");
        BundlePackages.noop(dir, "acme-tls", "1.0.0", Map.of());
        indexAndSign(dir, newKey);
        // a self-signed server certificate made by the JDK's keytool
        Path store = tmp.resolve("tls.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "repo", "-keyalg", "EC", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit");
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        String caBundle = Keys.pem("CERTIFICATE", ks.getCertificate("repo").getEncoded());
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(ssl));
        https.createContext("/", exchange -> {
            Path f = dir.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
            boolean ok = f.startsWith(dir) && Files.isRegularFile(f);
            byte[] body = ok ? Files.readAllBytes(f) : new byte[0];
            exchange.sendResponseHeaders(ok ? 200 : 404, ok ? body.length : -1);
            if (ok) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        https.start();
        try {
            String url = "https://127.0.0.1:" + https.getAddress().getPort() + "/";
            repository("tls-untrusted", url, Map.of());
            Map<?, ?> untrusted = awaitSynced("tls-untrusted");
            assertThat(untrusted.get("status")).isEqualTo("False");
            assertThat(untrusted.get("reason")).isEqualTo("IndexUnavailable");
            repository("tls-ca", url, Map.of("caBundle", caBundle));
            assertThat(awaitSynced("tls-ca").get("status")).as(String.valueOf(synced("tls-ca"))).isEqualTo("True");
            assertThat(get(VERSIONS, "acme-tls-1.0.0").getMetadata().getLabels()).containsEntry("kubesphere.io/repository-ref", "tls-ca");
            client.genericKubernetesResources(REPOSITORIES).withName("tls-ca").delete();
            await().atMost(Duration.ofSeconds(30)).until(() -> get(VERSIONS, "acme-tls-1.0.0") == null);
            repository("tls-insecure", url, Map.of("insecure", true));
            assertThat(awaitSynced("tls-insecure").get("status")).as(String.valueOf(synced("tls-insecure"))).isEqualTo("True");
        } finally {
            https.stop(0);
        }
    }

    static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
    }

    @Test
    void badIndexOrSignatureFailsTheSyncAndKeepsWhatWasGood() throws Exception {
        Path dir = tmp.resolve("moving");
        BundlePackages.noop(dir, "acme-move", "1.0.0", Map.of());
        BundlePackages.noop(dir, "acme-move", "1.1.0", Map.of());
        indexAndSign(dir, newKey);
        repository("moving", dir.toUri().toString(), Map.of());
        assertThat(awaitSynced("moving").get("status")).isEqualTo("True");
        assertThat(versionNames()).contains("acme-move-1.0.0", "acme-move-1.1.0");

        // a broken index: Synced=False, catalog untouched
        byte[] good = Files.readAllBytes(dir.resolve("index.json"));
        Files.writeString(dir.resolve("index.json"), "{not json");
        Map<?, ?> broken = syncNow("moving");
        assertThat(broken.get("status")).isEqualTo("False");
        assertThat(broken.get("reason")).isEqualTo("IndexUnavailable");
        assertThat(versionNames()).contains("acme-move-1.0.0", "acme-move-1.1.0");

        // a forged signature on 1.1.0: refused and named; its catalog objects stay as they were
        Files.write(dir.resolve("index.json"), good);
        RepositoryIndex idx = RepositoryIndex.read(dir.resolve("index.json"));
        KeyPair stranger = Keys.generate();
        RepositoryIndex forged = idx.withEntries(idx.entries().stream().map(e -> e.version().equals("1.1.0")
                ? e.signed(Keys.keyId(stranger.getPublic()), Signatures.sign(stranger.getPrivate(), e.name(), e.version(), e.sha256())) : e)
                .toList());
        forged.write(dir.resolve("index.json"));
        Map<?, ?> refused = syncNow("moving");
        assertThat(refused.get("status")).isEqualTo("False");
        assertThat(refused.get("reason")).isEqualTo("PackagesRefused");
        assertThat((String) refused.get("message")).contains("package acme-move-1.1.0 refused").contains("not trusted");
        assertThat(versionNames()).contains("acme-move-1.0.0", "acme-move-1.1.0");

        // a version that left the index is deleted
        Files.delete(dir.resolve("acme-move-1.1.0.tsx.zip"));
        indexAndSign(dir, newKey);
        assertThat(syncNow("moving").get("status")).isEqualTo("True");
        assertThat(versionNames()).contains("acme-move-1.0.0").doesNotContain("acme-move-1.1.0");
        assertThat(((Map<?, ?>) get(EXTENSIONS, "acme-move").getAdditionalProperties().get("status")).get("recommendedVersion"))
                .isEqualTo("1.0.0");
    }

    @Test
    void extensionOwnedByAnotherRepositoryIsSkipped() throws Exception {
        Path dir = tmp.resolve("shadow");
        BundlePackages.noop(dir, "acme-good", "9.0.0", Map.of());
        indexAndSign(dir, newKey);
        repository("shadow", dir.toUri().toString(), Map.of());
        Map<?, ?> s = awaitSynced("shadow");
        assertThat(s.get("status")).isEqualTo("False");
        assertThat((String) s.get("message")).contains("extension acme-good is provided by repository builtin");
        assertThat(get(VERSIONS, "acme-good-9.0.0")).isNull();
        assertThat(get(EXTENSIONS, "acme-good").getMetadata().getLabels()).containsEntry("kubesphere.io/repository-ref", "builtin");
    }

    // ---- trusted keys ----------------------------------------------------------------------------

    @Test
    void keysRotate_oldAndNewTrustedThenOldRemovedRefusesItsPackages() throws Exception {
        Path oldDir = tmp.resolve("rot-old");
        BundlePackages.noop(oldDir, "acme-rot-old", "1.0.0", Map.of());
        indexAndSign(oldDir, oldKey);
        Path newDir = tmp.resolve("rot-new");
        BundlePackages.noop(newDir, "acme-rot-new", "1.0.0", Map.of());
        indexAndSign(newDir, newKey);
        repository("rot-old", oldDir.toUri().toString(), Map.of());
        repository("rot-new", newDir.toUri().toString(), Map.of());
        // both keys trusted (the trusted-keys directory from extensions.trustedKeysDir): both sync
        assertThat(awaitSynced("rot-old").get("status")).isEqualTo("True");
        assertThat(awaitSynced("rot-new").get("status")).isEqualTo("True");

        Path removed = tmp.resolve("old.pub.removed");
        Files.move(trusted.resolve("old.pub"), removed);
        try {
            Map<?, ?> old = install("acme-rot-old", "1.0.0");
            assertThat(old.get("state")).isEqualTo("InstallFailed");
            assertThat(lastMessage(old)).contains("package acme-rot-old-1.0.0 refused").contains("which is not trusted");
            Map<?, ?> fresh = install("acme-rot-new", "1.0.0");
            assertThat(fresh.get("state")).as(lastMessage(fresh)).isEqualTo("Installed");
        } finally {
            Files.move(removed, trusted.resolve("old.pub"));
        }
    }

    @Test
    void keysFromTheSecretAreTrustedLive() throws Exception {
        Path other = tmp.resolve("secret-keyed");
        Path file = BundlePackages.noop(other, "acme-rotated", "1.0.0", Map.of());
        KeyPair next = Keys.generate();
        indexAndSign(other, next);
        SignatureTrust trust = new SignatureTrust(client, List.of());
        var pkg = io.tessera.kernel.extensions.ExtensionPackage.open(file);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> trust.check(pkg)).hasMessageContaining("acme-rotated-1.0.0")
                .hasMessageContaining("not trusted");
        client.secrets().inNamespace(SignatureTrust.NAMESPACE).resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata().withName(SignatureTrust.SECRET).withNamespace(SignatureTrust.NAMESPACE).endMetadata()
                .addToStringData("next.pub", Keys.pem("PUBLIC KEY", next.getPublic().getEncoded())).build()).create();
        try {
            trust.check(pkg);
        } finally {
            client.secrets().inNamespace(SignatureTrust.NAMESPACE).withName(SignatureTrust.SECRET).delete();
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> trust.check(pkg)).hasMessageContaining("not trusted");
    }

    // ---- the catalog API -------------------------------------------------------------------------

    @Test
    @SuppressWarnings("unchecked")
    void catalogApiListsSearchesAndPaginatesForAnySignedInUser() throws Exception {
        HttpResponse<String> anonymous = call("GET", CATALOG + "/extensions", null, null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        String body = JSON.writeValueAsString(Map.of("apiVersion", "iam.kubesphere.io/v1beta1", "kind", "User",
                "metadata", Map.of("name", "shopper"), "spec", Map.of("email", "shopper@example.com", "password", "Passw0rd1")));
        HttpResponse<String> created = call("POST", "/kapis/iam.kubesphere.io/v1beta1/users", adminToken, body);
        assertThat(created.statusCode()).as(created.body()).isIn(200, 201);
        String regular = token("shopper", "Passw0rd1");

        Map<String, Object> all = getJson(CATALOG + "/extensions?limit=100", regular);
        assertThat(names(all)).contains("acme-app", "acme-good", "acme-lib").isSorted();
        assertThat(all.get("totalItems")).isEqualTo(names(all).size());

        Map<String, Object> search = getJson(CATALOG + "/extensions?q=acme-li", regular);
        assertThat(names(search)).containsExactly("acme-lib");
        assertThat(names(getJson(CATALOG + "/extensions?q=MARKETPLACE-TEST&limit=100", regular))).contains("acme-lib", "acme-good");
        assertThat(names(getJson(CATALOG + "/extensions?category=nope", regular))).isEmpty();

        Map<String, Object> page1 = getJson(CATALOG + "/extensions?limit=2&page=1", regular);
        Map<String, Object> page2 = getJson(CATALOG + "/extensions?limit=2&page=2", regular);
        assertThat(names(page1)).hasSize(2);
        assertThat(names(page2)).doesNotContainAnyElementsOf(names(page1));
        assertThat(page1.get("totalItems")).isEqualTo(all.get("totalItems"));
        assertThat(call("GET", CATALOG + "/extensions?page=0", regular, null).statusCode()).isEqualTo(400);

        Map<?, ?> good = install("acme-good", "1.0.0");
        assertThat(good.get("state")).as(lastMessage(good)).isEqualTo("Installed");
        Map<String, Object> installed = getJson(CATALOG + "/extensions?installed=true&limit=100", regular);
        assertThat(names(installed)).contains("acme-good").doesNotContain("acme-k");
        Map<?, ?> item = (Map<?, ?>) ((List<?>) installed.get("items")).get(names(installed).indexOf("acme-good"));
        assertThat((Map<Object, Object>) item.get("status")).containsEntry("installedVersion", "1.0.0").containsEntry("state", "Installed")
                .containsEntry("recommendedVersion", "1.0.0");
        assertThat(names(getJson(CATALOG + "/extensions?installed=false&limit=100", regular))).doesNotContain("acme-good").contains("acme-k");
    }

    @Test
    void catalogApiDetailsCategoriesAndFiles() throws Exception {
        Map<String, Object> detail = getJson(CATALOG + "/extensions/acme-lib", adminToken);
        assertThat(((Map<?, ?>) ((Map<?, ?>) detail.get("extension")).get("metadata")).get("name")).isEqualTo("acme-lib");
        List<?> versions = (List<?>) detail.get("versions");
        assertThat(versions.stream().map(v -> ((Map<?, ?>) ((Map<?, ?>) v).get("spec")).get("version")).map(String::valueOf).toList())
                .containsExactly("2.0.0", "1.0.0");
        assertThat(((Map<?, ?>) ((Map<?, ?>) versions.get(0)).get("spec")).get("permissions")).isNotNull();

        HttpResponse<String> missing = call("GET", CATALOG + "/extensions/acme-nope", adminToken, null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JSON.readValue(missing.body(), Map.class)).containsEntry("kind", "Status").containsEntry("code", 404);

        Map<String, Object> categories = getJson(CATALOG + "/categories", adminToken);
        assertThat(names(categories)).contains("dev-tools");

        HttpResponse<String> files = call("GET", CATALOG + "/extensionversions/acme-lib-1.0.0/files", adminToken, null);
        assertThat(files.statusCode()).as(files.body()).isEqualTo(200);
        List<?> list = JSON.readValue(files.body(), List.class);
        Map<String, String> byName = new java.util.HashMap<>();
        list.forEach(f -> byName.put((String) ((Map<?, ?>) f).get("name"), (String) ((Map<?, ?>) f).get("data")));
        assertThat(byName).containsKeys("extension.yaml", "README.md").doesNotContainKey("bundles/noop.jar");
        assertThat(new String(Base64.getDecoder().decode(byName.get("extension.yaml")), StandardCharsets.UTF_8)).contains("name: acme-lib");
        assertThat(call("GET", CATALOG + "/extensionversions/acme-lib-9.9.9/files", adminToken, null).statusCode()).isEqualTo(404);
    }
}
