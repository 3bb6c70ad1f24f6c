package io.tessera.kernel.extensions;

import static io.tessera.kernel.iam.IamHttp.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tessera.kernel.Kernel;
import io.tessera.kernel.audit.AuditEvent;
import io.tessera.kernel.config.KernelConfig;
import io.tessera.kernel.iam.IamHttp;
import io.tessera.kernel.testing.Gc;
import io.tessera.kernel.testing.TestPackages;
import java.lang.ref.WeakReference;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.BundleWiring;

/**
 * Issue 6's acceptance in one kernel on the embedded cluster, with test extension packages in the
 * built-in repository: plan → served and listed; delete → 404 and gone; a start that throws;
 * upgrade under load; the scoped client; 50 install/uninstall cycles without a retained class
 * loader.
 */
class ExtensionLifecycleIT {

    static final String GREETINGS = "/kapis/greeter.tessera.io/v1alpha1/greetings";
    static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    static Path dataDir;
    @TempDir
    static Path repo;
    static Kernel kernel;
    static IamHttp http;
    static String admin;
    static KubernetesClient kube;

    @BeforeAll
    static void boot() throws Exception {
        TestPackages.greeter(repo, "greeter", "1.0.0", "greeter.tessera.io", "message: {type: string, default: one}");
        TestPackages.greeter(repo, "greeter", "2.0.0", "greeter.tessera.io", "message: {type: string, default: two}");
        TestPackages.greeter(repo, "greeter", "3.0.0", "greeter.tessera.io", "failStart: {type: boolean, default: true}");
        TestPackages.greeter(repo, "broken", "1.0.0", "broken.tessera.io", "failStart: {type: boolean, default: true}");
        TestPackages.greeter(repo, "dependent", "1.0.0", "dependent.tessera.io", "",
                "dependencies: {greeter: \">=1.0.0 <3.0.0\"}");
        KernelConfig config = KernelConfig.defaults(dataDir).withPort(0)
                .withExtensions(new KernelConfig.Extensions(repo));
        kernel = Kernel.start(config);
        http = new IamHttp(kernel.baseUri());
        admin = http.bearer("admin", "P@88w0rd");
        kube = kernel.embeddedCluster().newClient();
    }

    @AfterAll
    static void shutdown() {
        if (kube != null) {
            kube.close();
        }
        if (kernel != null) {
            kernel.close();
        }
    }

    @AfterEach
    void removePlans() throws Exception {
        kube.genericKubernetesResources(ExtensionTypes.INSTALL_PLANS).delete();
        await().atMost(DEADLINE).until(() -> kube.genericKubernetesResources(ExtensionTypes.INSTALL_PLANS).list().getItems().isEmpty());
        assertThat(get(GREETINGS).statusCode()).isEqualTo(404);
    }

    @Test
    void repositoryPackagesBecomeExtensionVersionsLabelledWithTheirExtension() {
        GenericKubernetesResource v = kube.genericKubernetesResources(ExtensionTypes.EXTENSION_VERSIONS).withName("greeter-2.0.0").get();
        assertThat(v.getMetadata().getLabels()).containsEntry("kubesphere.io/extension-ref", "greeter");
        assertThat(((Map<?, ?>) v.getAdditionalProperties().get("spec")).get("version")).isEqualTo("2.0.0");
        GenericKubernetesResource e = kube.genericKubernetesResources(ExtensionTypes.EXTENSIONS).withName("greeter").get();
        assertThat(e).isNotNull();
    }

    @Test
    void planServesRouteAndListsEntryAndDeletingItRemovesBoth() throws Exception {
        assertThat(get(GREETINGS).statusCode()).isEqualTo(404);
        plan("greeter", "1.0.0", null);
        await().atMost(DEADLINE).until(() -> get(GREETINGS).statusCode() == 200);
        JsonNode body = tree(get(GREETINGS));
        assertThat(body.path("version").asText()).isEqualTo("1.0.0");
        assertThat(body.path("message").asText()).isEqualTo("one");
        assertThat(body.path("user").asText()).isEqualTo("admin");
        assertThat(entryNames()).contains("greeter");
        HttpResponse<String> js = http.get("/dist/greeter/index.js", null);
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("Content-Type").orElse("")).startsWith("application/javascript");
        await().atMost(DEADLINE).until(() -> "Installed".equals(state("greeter")));

        kube.genericKubernetesResources(ExtensionTypes.INSTALL_PLANS).withName("greeter").delete();
        await().atMost(DEADLINE).until(() -> get(GREETINGS).statusCode() == 404);
        assertThat(tree(get(GREETINGS)).path("kind").asText()).isEqualTo("Status");
        assertThat(entryNames()).doesNotContain("greeter");
        assertThat(http.get("/dist/greeter/index.js", null).statusCode()).isEqualTo(404);
    }

    @Test
    void configChangeReachesTheRunningExtensionLive() throws Exception {
        plan("greeter", "1.0.0", "message: changed\n");
        await().atMost(DEADLINE).until(() -> get(GREETINGS).statusCode() == 200);
        assertThat(tree(get(GREETINGS)).path("message").asText()).isEqualTo("changed");
        plan("greeter", "1.0.0", "message: again\n");
        await().atMost(DEADLINE).until(() -> tree(get(GREETINGS)).path("message").asText().equals("again"));
    }

    @Test
    void startThatThrowsFailsTheInstallWhileKernelAndPreviousVersionKeepServing() throws Exception {
        plan("broken", "1.0.0", null);
        await().atMost(DEADLINE).until(() -> "InstallFailed".equals(state("broken")));
        assertThat(conditionMessage("broken")).contains("failStart is set");
        assertThat(http.get("/readyz", null).statusCode()).isEqualTo(200);

        plan("greeter", "1.0.0", null);
        await().atMost(DEADLINE).until(() -> get(GREETINGS).statusCode() == 200);
        plan("greeter", "3.0.0", null);
        await().atMost(DEADLINE).until(() -> "UpgradeFailed".equals(state("greeter")));
        assertThat(conditionMessage("greeter")).contains("failStart is set").contains("1.0.0 keeps serving");
        assertThat(tree(get(GREETINGS)).path("version").asText()).isEqualTo("1.0.0");
        assertThat(http.get("/readyz", null).statusCode()).isEqualTo(200);

        // never stuck: the failed plan moves on to a good version
        plan("greeter", "2.0.0", null);
        await().atMost(DEADLINE).until(() -> tree(get(GREETINGS)).path("version").asText().equals("2.0.0"));
        await().atMost(DEADLINE).until(() -> "Installed".equals(state("greeter")));
    }

    @Test
    void upgradeUnderTrafficFailsNoRequest() throws Exception {
        plan("greeter", "1.0.0", null);
        await().atMost(DEADLINE).until(() -> get(GREETINGS).statusCode() == 200);
        AtomicInteger ok = new AtomicInteger();
        List<String> failures = new CopyOnWriteArrayList<>();
        ScheduledExecutorService load = Executors.newScheduledThreadPool(4);
        try {
            // 200 requests per second: one every 5 ms
            load.scheduleAtFixedRate(() -> {
                try {
                    HttpResponse<String> r = get(GREETINGS);
                    if (r.statusCode() == 200) {
                        ok.incrementAndGet();
                    } else {
                        failures.add(r.statusCode() + " " + r.body());
                    }
                } catch (Exception e) {
                    failures.add(e.toString());
                }
            }, 0, 5, TimeUnit.MILLISECONDS);
            await().atMost(DEADLINE).until(() -> ok.get() > 50);
            plan("greeter", "2.0.0", null);
            await().atMost(DEADLINE).until(() -> tree(get(GREETINGS)).path("version").asText().equals("2.0.0"));
            int after = ok.get();
            await().atMost(DEADLINE).until(() -> ok.get() > after + 50);
        } finally {
            load.shutdown();
            load.awaitTermination(10, TimeUnit.SECONDS);
        }
        assertThat(failures).isEmpty();
        assertThat(ok.get()).isGreaterThan(100);
    }

    @Test
    void scopedClientRefusesUndeclaredSecretsWithAuditEventAndAnExtensionBugIsAStatus500() throws Exception {
        List<AuditEvent> refused = new CopyOnWriteArrayList<>();
        try (AutoCloseable sub = kernel.auditBus().subscribe(e -> {
            if (e.user().equals("extension:greeter")) {
                refused.add(e);
            }
        })) {
            plan("greeter", "1.0.0", null);
            await().atMost(DEADLINE).until(() -> get(GREETINGS).statusCode() == 200);
            HttpResponse<String> cms = get("/kapis/greeter.tessera.io/v1alpha1/peek/configmaps");
            assertThat(cms.statusCode()).as(cms.body()).isEqualTo(200);
            HttpResponse<String> boom = get("/kapis/greeter.tessera.io/v1alpha1/boom");
            assertThat(boom.statusCode()).isEqualTo(500);
            assertThat(tree(boom).path("kind").asText()).isEqualTo("Status");
            assertThat(boom.body()).doesNotContain("greeter bug").doesNotContain("at io.tessera");
            assertThat(http.get("/readyz", null).statusCode()).isEqualTo(200);
            assertThat(get(GREETINGS).statusCode()).isEqualTo(200);
            HttpResponse<String> secrets = get("/kapis/greeter.tessera.io/v1alpha1/peek/secrets");
            assertThat(secrets.statusCode()).isEqualTo(403);
            assertThat(tree(secrets).path("message").asText()).contains("may not list secrets");
            await().atMost(DEADLINE).until(() -> !refused.isEmpty());
            assertThat(refused.get(0).resource()).isEqualTo("secrets");
            assertThat(refused.get(0).statusCode()).isEqualTo(403);
        }
    }

    @Test
    void fiftyInstallUninstallCyclesRetainNoExtensionClassLoader() throws Exception {
        List<WeakReference<ClassLoader>> loaders = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            plan("greeter", i % 2 == 0 ? "1.0.0" : "2.0.0", null);
            await().atMost(DEADLINE).until(() -> get(GREETINGS).statusCode() == 200);
            loaders.add(new WeakReference<>(loaderOf("test.greeter")));
            kube.genericKubernetesResources(ExtensionTypes.INSTALL_PLANS).withName("greeter").delete();
            await().atMost(DEADLINE).until(() -> get(GREETINGS).statusCode() == 404
                    && kube.genericKubernetesResources(ExtensionTypes.INSTALL_PLANS).withName("greeter").get() == null);
        }
        for (WeakReference<ClassLoader> ref : loaders) {
            assertThat(Gc.collected(ref, Duration.ofSeconds(20))).as("extension class loader collected").isTrue();
        }
    }

    @Test
    void outOfProcessExtensionIsServedThroughApiServiceReverseProxyJsBundleAndEntries() throws Exception {
        com.sun.net.httpserver.HttpServer backend = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        backend.createContext("/", exchange -> {
            Map<String, Object> seen = new LinkedHashMap<>();
            seen.put("method", exchange.getRequestMethod());
            seen.put("uri", exchange.getRequestURI().toString());
            seen.put("user", exchange.getRequestHeaders().getFirst("X-Remote-User"));
            seen.put("groups", exchange.getRequestHeaders().get("X-Remote-Group"));
            seen.put("authorization", exchange.getRequestHeaders().getFirst("Authorization"));
            seen.put("extra", exchange.getRequestHeaders().getFirst("X-Extra"));
            byte[] body = IamHttp.JSON.writeValueAsBytes(seen);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        backend.start();
        String url = "http://127.0.0.1:" + backend.getAddress().getPort();
        try {
            create(Integrations.API_SERVICES, "v1alpha1.demo.tessera.io", "demo",
                    Map.of("group", "demo.tessera.io", "version", "v1alpha1", "url", url));
            create(Integrations.REVERSE_PROXIES, "demo-ui", "demo", Map.of(
                    "matcher", Map.of("method", "*", "path", "/proxy/demo/*"),
                    "upstream", Map.of("url", url),
                    "directives", Map.of("stripPathPrefix", "/proxy/demo", "authProxy", true, "headerUp", List.of("+X-Extra yes"))));
            create(Integrations.JS_BUNDLES, "demo", "demo", Map.of("raw",
                    java.util.Base64.getEncoder().encodeToString("export default { name: 'demo' };".getBytes())));
            create(Integrations.EXTENSION_ENTRIES, "demo-entries", "demo", Map.of("entries",
                    List.of(Map.of("parent", "global", "name", "demo", "link", "/demo", "title", "DEMO"))));

            String api = "/kapis/demo.tessera.io/v1alpha1/namespaces/p1/widgets?limit=2";
            await().atMost(DEADLINE).until(() -> get(api).statusCode() == 200);
            JsonNode seen = tree(get(api));
            assertThat(seen.path("uri").asText()).isEqualTo(api);
            assertThat(seen.path("user").asText()).isEqualTo("admin");
            assertThat(seen.path("groups").toString()).contains("system:authenticated");
            assertThat(seen.path("authorization").isNull()).as("the caller's token is not forwarded").isTrue();

            await().atMost(DEADLINE).until(() -> get("/proxy/demo/index.html?a=b").statusCode() == 200);
            JsonNode proxied = tree(get("/proxy/demo/index.html?a=b"));
            assertThat(proxied.path("uri").asText()).isEqualTo("/index.html?a=b");
            assertThat(proxied.path("extra").asText()).isEqualTo("yes");
            assertThat(proxied.path("user").asText()).isEqualTo("admin");

            await().atMost(DEADLINE).until(() -> http.get("/dist/demo/index.js", null).statusCode() == 200);
            assertThat(http.get("/dist/demo/index.js", null).body()).contains("export default");
            await().atMost(DEADLINE).until(() -> entryNames().contains("demo"));

            kube.genericKubernetesResources(Integrations.API_SERVICES).withName("v1alpha1.demo.tessera.io").delete();
            await().atMost(DEADLINE).until(() -> get(api).statusCode() == 404);
        } finally {
            for (var kind : List.of(Integrations.API_SERVICES, Integrations.REVERSE_PROXIES, Integrations.JS_BUNDLES,
                    Integrations.EXTENSION_ENTRIES)) {
                kube.genericKubernetesResources(kind).delete();
            }
            backend.stop(0);
        }
    }

    @Test
    void dependedOnExtensionRefusesUninstallNamingTheDependentUntilItIsGoneOrForced() throws Exception {
        String dependentApi = "/kapis/dependent.tessera.io/v1alpha1/greetings";
        plan("dependent", "1.0.0", null);
        await().atMost(DEADLINE).until(() -> "InstallFailed".equals(state("dependent")));
        assertThat(conditionMessage("dependent")).contains("requires greeter >=1.0.0 <3.0.0, which is not installed");

        plan("greeter", "1.0.0", null);
        await().atMost(DEADLINE).until(() -> get(dependentApi).statusCode() == 200);

        kube.genericKubernetesResources(ExtensionTypes.INSTALL_PLANS).withName("greeter").delete();
        await().atMost(DEADLINE).until(() -> "UninstallFailed".equals(state("greeter")));
        assertThat(conditionMessage("greeter")).contains("is required by dependent");
        assertThat(get(GREETINGS).statusCode()).isEqualTo(200);

        kube.genericKubernetesResources(ExtensionTypes.INSTALL_PLANS).withName("dependent").delete();
        await().atMost(DEADLINE).until(() -> get(GREETINGS).statusCode() == 404 && get(dependentApi).statusCode() == 404);
        await().atMost(DEADLINE).until(() -> kube.genericKubernetesResources(ExtensionTypes.INSTALL_PLANS).withName("greeter").get() == null);

        // with kubesphere.io/force-delete the dependency does not hold the uninstall
        plan("greeter", "1.0.0", null);
        plan("dependent", "1.0.0", null);
        await().atMost(DEADLINE).until(() -> get(dependentApi).statusCode() == 200);
        kube.genericKubernetesResources(ExtensionTypes.INSTALL_PLANS).withName("greeter")
                .edit(p -> {
                    p.getMetadata().setAnnotations(Map.of("kubesphere.io/force-delete", ""));
                    return p;
                });
        kube.genericKubernetesResources(ExtensionTypes.INSTALL_PLANS).withName("greeter").delete();
        await().atMost(DEADLINE).until(() -> get(GREETINGS).statusCode() == 404);
        assertThat(get(dependentApi).statusCode()).isEqualTo(200);
    }

    @Test
    void consoleEntriesListAndStreamShowEachCallerOnlyTheEntriesItsRolesAllow() throws Exception {
        String regular = regularUser();
        SseClient adminStream = SseClient.open(kernel.baseUri().resolve(ENTRIES + "/watch"), admin);
        SseClient regularStream = SseClient.open(kernel.baseUri().resolve(ENTRIES + "/watch"), regular);
        try {
            // the greeter's entry requires "GET /kapis/greeter.tessera.io/v1alpha1/greetings": admin only
            plan("greeter", "1.0.0", null);
            await().atMost(DEADLINE).until(() -> entryNames(admin).contains("greeter"));
            assertThat(entryNames(regular)).doesNotContain("greeter");
            assertThat(tree(http.get(GREETINGS, regular)).path("code").asInt()).isEqualTo(403);
            await().atMost(DEADLINE).until(() -> adminStream.lastEventData().contains("\"greeter\""));

            // out-of-process entries are filtered the same way, per entry; an entry without requires is for everyone
            create(Integrations.EXTENSION_ENTRIES, "mixed-entries", "mixed", Map.of("entries", List.of(
                    Map.of("parent", "global", "name", "mixed-open", "link", "/mixed"),
                    Map.of("parent", "global", "name", "mixed-greetings", "link", "/mixed/g",
                            "requires", List.of("GET /kapis/greeter.tessera.io/v1alpha1/greetings")))));
            await().atMost(DEADLINE).until(() -> entryNames(regular).contains("mixed-open"));
            assertThat(entryNames(regular)).doesNotContain("mixed-greetings", "greeter");
            assertThat(entryNames(admin)).contains("mixed-open", "mixed-greetings", "greeter");

            // each stream event is evaluated for its own caller
            await().atMost(DEADLINE).until(() -> regularStream.lastEventData().contains("mixed-open"));
            assertThat(regularStream.lastEventData()).doesNotContain("mixed-greetings").doesNotContain("\"greeter\"");
            await().atMost(DEADLINE).until(() -> adminStream.lastEventData().contains("mixed-greetings"));
            assertThat(adminStream.lastEventData()).contains("\"greeter\"");
            assertThat(regularStream.events()).allSatisfy(e -> assertThat(e).doesNotContain("mixed-greetings"));
        } finally {
            adminStream.close();
            regularStream.close();
            kube.genericKubernetesResources(Integrations.EXTENSION_ENTRIES).delete();
        }
    }

    @Test
    void healthCheckShowsAsConditionAndEndpointAndAnUnhealthyUpgradeRollsBack() throws Exception {
        String health = "/kapis/kubesphere.io/v1alpha1/extensions/greeter/health";
        assertThat(tree(get(health)).path("reason").asText()).isEqualTo("NotFound");
        plan("greeter", "1.0.0", null);
        await().atMost(DEADLINE).until(() -> "Installed".equals(state("greeter")));
        await().atMost(DEADLINE).until(() -> "True".equals(condition("greeter", "Healthy").get("status")));
        assertThat(condition("greeter", "Healthy").get("reason")).isEqualTo("HealthCheckPassed");
        JsonNode ok = tree(get(health));
        assertThat(ok.path("healthy").asBoolean()).isTrue();
        assertThat(ok.path("version").asText()).isEqualTo("1.0.0");
        assertThat(ok.path("checks").get(0).path("name").asText()).isEqualTo("backend");
        assertThat(http.get(health, regularUser()).statusCode()).isEqualTo(403);

        // the check fails while the extension runs: condition and endpoint say so; the kernel stays ready
        plan("greeter", "1.0.0", "healthy: false\n");
        await().atMost(DEADLINE).until(() -> "False".equals(condition("greeter", "Healthy").get("status")));
        assertThat(condition("greeter", "Healthy").get("reason")).isEqualTo("HealthCheckFailed");
        assertThat(String.valueOf(condition("greeter", "Healthy").get("message"))).contains("backend: backend unreachable");
        JsonNode bad = tree(get(health));
        assertThat(bad.path("healthy").asBoolean()).isFalse();
        assertThat(bad.path("checks").get(0).path("message").asText()).isEqualTo("backend unreachable: healthy is false");
        assertThat(http.get("/readyz", null).statusCode()).isEqualTo(200);
        assertThat(get(GREETINGS).statusCode()).isEqualTo(200);
        assertThat(state("greeter")).isEqualTo("Installed");

        // a new version that is unhealthy from its start does not take over: the old one keeps serving
        plan("greeter", "2.0.0", "healthy: false\n");
        await().atMost(DEADLINE).until(() -> "UpgradeFailed".equals(state("greeter")));
        assertThat(conditionMessage("greeter")).contains("failed its health check: backend: backend unreachable")
                .contains("1.0.0 keeps serving");
        assertThat(tree(get(GREETINGS)).path("version").asText()).isEqualTo("1.0.0");

        // healthy again: the condition clears
        plan("greeter", "2.0.0", "healthy: true\n");
        await().atMost(DEADLINE).until(() -> tree(get(GREETINGS)).path("version").asText().equals("2.0.0"));
        await().atMost(DEADLINE).until(() -> "True".equals(condition("greeter", "Healthy").get("status")));
    }

    static Map<?, ?> condition(String plan, String type) {
        GenericKubernetesResource p = kube.genericKubernetesResources(ExtensionTypes.INSTALL_PLANS).withName(plan).get();
        if (p == null || !(p.getAdditionalProperties().get("status") instanceof Map<?, ?> s) || !(s.get("conditions") instanceof List<?> l)) {
            return Map.of();
        }
        return l.stream().map(c -> (Map<?, ?>) c).filter(c -> type.equals(c.get("type"))).findFirst().orElse(Map.of());
    }

    static final String ENTRIES = "/kapis/extensions.tessera.io/v1alpha1/consoleentries";

    /** A bearer token of a platform-regular user (created on first use). */
    static String regularUser() throws Exception {
        if (kube.genericKubernetesResources(new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder()
                .withGroup("iam.kubesphere.io").withVersion("v1beta1").withPlural("users").withNamespaced(false).build())
                .withName("regular").get() == null) {
            HttpResponse<String> r = http.json("POST", "/kapis/iam.kubesphere.io/v1beta1/users", admin,
                    IamHttp.user("regular", "regular@example.com", "Passw0rd1", "platform-regular"));
            assertThat(r.statusCode()).as(r.body()).isIn(200, 201);
        }
        String[] token = new String[1];
        await().atMost(DEADLINE).until(() -> {
            HttpResponse<String> r = http.passwordGrant("regular", "Passw0rd1");
            token[0] = r.statusCode() == 200 ? tree(r).path("access_token").asText() : null;
            return token[0] != null;
        });
        return "Bearer " + token[0];
    }

    static List<String> entryNames(String authorization) throws Exception {
        HttpResponse<String> r = http.get(ENTRIES, authorization);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        tree(r).path("items").forEach(i -> i.path("entries").forEach(e -> names.add(e.path("name").asText())));
        return names;
    }

    /** Reads a server-sent-events stream on its own thread and keeps each event's data. */
    static final class SseClient implements AutoCloseable {
        private final List<String> events = new CopyOnWriteArrayList<>();
        private final List<String> problems = new CopyOnWriteArrayList<>();
        private final Thread reader;
        private volatile java.io.InputStream body;

        private SseClient(java.net.URI uri, String authorization) {
            var request = java.net.http.HttpRequest.newBuilder(uri).header("Authorization", authorization).build();
            reader = new Thread(() -> {
                try {
                    HttpResponse<java.io.InputStream> r = java.net.http.HttpClient.newHttpClient()
                            .send(request, HttpResponse.BodyHandlers.ofInputStream());
                    body = r.body();
                    if (r.statusCode() != 200) {
                        problems.add("HTTP " + r.statusCode() + " " + new String(r.body().readAllBytes()));
                        return;
                    }
                    var lines = new java.io.BufferedReader(new java.io.InputStreamReader(r.body(), java.nio.charset.StandardCharsets.UTF_8));
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        if (line.startsWith("data: ")) {
                            events.add(line.substring("data: ".length()));
                        }
                    }
                } catch (Exception e) {
                    problems.add(e.toString());
                }
            }, "sse-test-reader");
            reader.setDaemon(true);
            reader.start();
        }

        static SseClient open(java.net.URI uri, String authorization) {
            SseClient c = new SseClient(uri, authorization);
            await().atMost(DEADLINE).until(() -> {
                assertThat(c.problems).isEmpty();
                return !c.events.isEmpty(); // the current list comes first
            });
            return c;
        }

        List<String> events() {
            return List.copyOf(events);
        }

        String lastEventData() {
            return events.isEmpty() ? "" : events.get(events.size() - 1);
        }

        @Override
        public void close() {
            try {
                if (body != null) {
                    body.close();
                }
            } catch (java.io.IOException ignored) {
                // closing a stream the server may have ended already
            }
            reader.interrupt();
        }
    }

    static void create(io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext kind, String name, String extension,
            Map<String, Object> spec) {
        GenericKubernetesResource o = new GenericKubernetesResource();
        o.setApiVersion(kind.getGroup() + "/" + kind.getVersion());
        o.setKind(kind.getKind());
        o.setMetadata(new ObjectMetaBuilder().withName(name).withLabels(Map.of("kubesphere.io/extension-ref", extension)).build());
        o.setAdditionalProperty("spec", spec);
        kube.genericKubernetesResources(kind).resource(o).create();
    }

    static ClassLoader loaderOf(String symbolicName) {
        for (Bundle b : kernel.osgi().context().getBundles()) {
            if (symbolicName.equals(b.getSymbolicName()) && b.getState() == Bundle.ACTIVE) {
                return b.adapt(BundleWiring.class).getClassLoader();
            }
        }
        throw new AssertionError("bundle " + symbolicName + " is not active");
    }

    static HttpResponse<String> get(String path) throws Exception {
        return http.get(path, admin);
    }

    static List<String> entryNames() throws Exception {
        HttpResponse<String> r = get("/kapis/extensions.tessera.io/v1alpha1/consoleentries");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        tree(r).path("items").forEach(i -> i.path("entries").forEach(e -> names.add(e.path("name").asText())));
        return names;
    }

    /** Creates or updates the plan named after the extension. */
    static void plan(String name, String version, String config) {
        var ops = kube.genericKubernetesResources(ExtensionTypes.INSTALL_PLANS);
        GenericKubernetesResource existing = ops.withName(name).get();
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("extension", Map.of("name", name, "version", version));
        spec.put("enabled", true);
        if (config != null) {
            spec.put("config", config);
        }
        if (existing == null) {
            GenericKubernetesResource plan = new GenericKubernetesResource();
            plan.setApiVersion("kubesphere.io/v1alpha1");
            plan.setKind("InstallPlan");
            plan.setMetadata(new ObjectMetaBuilder().withName(name).build());
            plan.setAdditionalProperty("spec", spec);
            ops.resource(plan).create();
        } else {
            // the runtime writes status (conditions, health) concurrently: edit retries on 409
            for (int attempt = 0; ; attempt++) {
                try {
                    ops.withName(name).edit(p -> {
                        p.setAdditionalProperty("spec", spec);
                        return p;
                    });
                    return;
                } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                    if (e.getCode() != 409 || attempt >= 10) {
                        throw e;
                    }
                }
            }
        }
    }

    static String state(String plan) {
        GenericKubernetesResource p = kube.genericKubernetesResources(ExtensionTypes.INSTALL_PLANS).withName(plan).get();
        return p != null && p.getAdditionalProperties().get("status") instanceof Map<?, ?> s ? (String) s.get("state") : null;
    }

    static String conditionMessage(String plan) {
        GenericKubernetesResource p = kube.genericKubernetesResources(ExtensionTypes.INSTALL_PLANS).withName(plan).get();
        Map<?, ?> s = (Map<?, ?>) p.getAdditionalProperties().get("status");
        StringBuilder out = new StringBuilder();
        for (Object c : (List<?>) s.get("conditions")) {
            out.append(((Map<?, ?>) c).get("message")).append('\n');
        }
        return out.toString();
    }
}
