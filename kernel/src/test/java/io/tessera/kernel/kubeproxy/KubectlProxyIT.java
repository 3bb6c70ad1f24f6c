package io.tessera.kernel.kubeproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tessera.kernel.Kernel;
import io.tessera.kernel.config.KernelConfig;
import io.tessera.kernel.iam.IamHttp;
import io.tessera.kernel.iam.api.IamTypes;
import io.tessera.kernel.iam.bootstrap.Bootstrap;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real kubectl through the platform, one kernel on the embedded cluster for the class: an
 * admin's everyday commands, a project viewer's limits with Kubernetes' own error lines, the
 * platform answering {@code auth can-i}, watches delivered as they happen, and errors as Status.
 */
class KubectlProxyIT {

    static final String IAM = "/kapis/iam.kubesphere.io/v1beta1";

    @TempDir
    static Path dataDir;
    @TempDir
    static Path work;
    static Kernel kernel;
    static IamHttp http;
    static String adminToken;
    static String bobToken;
    static Kubectl admin;
    static Kubectl bob;
    static KubernetesClient direct;
    static String ca;

    @BeforeAll
    static void boot() throws Exception {
        assumeTrue(Kubectl.available(), "kubectl is not installed at " + Kubectl.BINARY + "; the kubectl suite is skipped");
        // kubectl sends credentials only over TLS: the kernel serves HTTPS with a self-signed certificate
        Path keystore = work.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "tessera", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).isZero();
        kernel = Kernel.start(KernelConfig.defaults(dataDir).withServer(new KernelConfig.Server("127.0.0.1", 0,
                new KernelConfig.Https(0, keystore, "changeit"), Duration.ofSeconds(5))));
        ca = io.tessera.kernel.http.tls.ServingKeys.load(new KernelConfig.Https(0, keystore, "changeit")).trustAnchorPem();
        assertThat(ca).startsWith("-----BEGIN CERTIFICATE-----");
        http = new IamHttp(kernel.baseUri());
        await().atMost(Duration.ofSeconds(30)).until(() -> http.get("/readyz", null).statusCode() == 200);
        adminToken = http.bearer("admin", "P@88w0rd").substring("Bearer ".length());
        HttpResponse<String> created = http.json("POST", IAM + "/users", "Bearer " + adminToken,
                IamHttp.user("bob", "bob@example.com", "Bobpass123", "platform-regular"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        bobToken = http.bearer("bob", "Bobpass123").substring("Bearer ".length());

        direct = kernel.embeddedCluster().newClient();
        for (String ns : new String[] {"p1", "p2"}) {
            direct.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        }
        // what the tenancy controller makes of the built-in project role "viewer" for p1
        ObjectMapper json = new ObjectMapper();
        GenericKubernetesResource builtin = direct.genericKubernetesResources(IamTypes.BUILTIN_ROLES).withName("project-viewer").get();
        GenericKubernetesResource viewer = json.convertValue(builtin.getAdditionalProperties().get("role"), GenericKubernetesResource.class);
        viewer.getMetadata().setNamespace("p1");
        direct.genericKubernetesResources(IamTypes.ROLES).inNamespace("p1").resource(viewer).create();
        GenericKubernetesResource binding = Bootstrap.globalRoleBinding("bob-viewer", "bob", "viewer");
        binding.setKind("RoleBinding");
        binding.getMetadata().setNamespace("p1");
        binding.getAdditionalProperties().put("roleRef", Map.of("apiGroup", IamTypes.GROUP, "kind", "Role", "name", "viewer"));
        direct.genericKubernetesResources(IamTypes.ROLE_BINDINGS).inNamespace("p1").resource(binding).create();
        direct.configMaps().inNamespace("p1").resource(cm("seen-by-bob", "p1")).create();
        direct.configMaps().inNamespace("p2").resource(cm("hidden", "p2")).create();

        admin = new Kubectl(kubeconfig("admin", adminToken), work);
        bob = new Kubectl(kubeconfig("bob", bobToken), work);
        // the authorizer reads bindings from informers: wait until bob's has arrived
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Kubectl.Result r = bob.run("get", "configmaps", "-n", "p1");
            assertThat(r.exit()).as(r.toString()).isZero();
        });
    }

    @AfterAll
    static void shutdown() {
        if (direct != null) {
            direct.close();
        }
        if (kernel != null) {
            kernel.close();
        }
    }

    /** What the platform hands out: its HTTPS URL for the host cluster, its certificate, the token. */
    static Path kubeconfig(String user, String token) throws java.io.IOException {
        Path file = work.resolve(user + ".kubeconfig");
        Files.writeString(file, Kubeconfig.render(kernel.httpsUri() + "/clusters/host", "host", user, token, ca));
        return file;
    }

    static ConfigMap cm(String name, String ns) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata().addToData("k", "v").build();
    }

    @Test
    void adminListsNamespacesAndGetsOneAsJson() throws Exception {
        Kubectl.Result list = admin.run("get", "ns");
        assertThat(list.exit()).as(list.toString()).isZero();
        assertThat(list.out()).contains("p1").contains("p2").contains("kube-system");
        Kubectl.Result one = admin.run("get", "ns", "p1", "-o", "json");
        assertThat(one.exit()).as(one.toString()).isZero();
        assertThat(new ObjectMapper().readTree(one.out()).path("metadata").path("name").asText()).isEqualTo("p1");
    }

    @Test
    void adminCreatesAppliesPatchesLabelsAndDeletes() throws Exception {
        // create -f, not "create configmap": a standalone kubectl >= 1.32 sends typed creates as
        // protobuf, which the embedded cluster does not decode (docs/dev-cluster.md)
        Path life = work.resolve("life.yaml");
        Files.writeString(life, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: life\n  namespace: p2\ndata:\n  a: \"1\"\n");
        Kubectl.Result create = admin.run("create", "-f", life.toString());
        assertThat(create.exit()).as(create.toString()).isZero();
        assertThat(direct.configMaps().inNamespace("p2").withName("life").get().getData()).containsEntry("a", "1");

        Path manifest = work.resolve("applied.yaml");
        Files.writeString(manifest, """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: applied
                  namespace: p2
                data:
                  x: "1"
                """);
        Kubectl.Result apply = admin.run("apply", "--validate=false", "-f", manifest.toString());
        assertThat(apply.exit()).as(apply.toString()).isZero();
        assertThat(direct.configMaps().inNamespace("p2").withName("applied").get().getData()).containsEntry("x", "1");
        Files.writeString(manifest, Files.readString(manifest).replace("x: \"1\"", "x: \"2\""));
        Kubectl.Result reapply = admin.run("apply", "--validate=false", "-f", manifest.toString());
        assertThat(reapply.exit()).as(reapply.toString()).isZero();
        assertThat(direct.configMaps().inNamespace("p2").withName("applied").get().getData()).containsEntry("x", "2");

        Kubectl.Result merge = admin.run("patch", "configmap", "life", "-n", "p2", "--type=merge", "-p", "{\"data\":{\"b\":\"2\"}}");
        assertThat(merge.exit()).as(merge.toString()).isZero();
        Kubectl.Result jsonPatch = admin.run("patch", "configmap", "life", "-n", "p2", "--type=json",
                "-p", "[{\"op\":\"replace\",\"path\":\"/data/a\",\"value\":\"10\"}]");
        assertThat(jsonPatch.exit()).as(jsonPatch.toString()).isZero();
        assertThat(direct.configMaps().inNamespace("p2").withName("life").get().getData())
                .containsEntry("a", "10").containsEntry("b", "2");

        Kubectl.Result label = admin.run("label", "configmap", "life", "-n", "p2", "tier=gold");
        assertThat(label.exit()).as(label.toString()).isZero();
        assertThat(direct.configMaps().inNamespace("p2").withName("life").get().getMetadata().getLabels()).containsEntry("tier", "gold");
        Kubectl.Result selected = admin.run("get", "configmaps", "-n", "p2", "-l", "tier=gold", "-o", "name");
        assertThat(selected.out().trim()).isEqualTo("configmap/life");

        Kubectl.Result delete = admin.run("delete", "configmap", "life", "-n", "p2");
        assertThat(delete.exit()).as(delete.toString()).isZero();
        assertThat(direct.configMaps().inNamespace("p2").withName("life").get()).isNull();
    }

    @Test
    void theServerRecordsTheCallerThroughImpersonationNotTheCallersToken() throws Exception {
        // the embedded cluster ignores Impersonate-*, but the request still reached it: the
        // proxy used the platform's own credentials (bob's token would mean nothing to it)
        Kubectl.Result get = bob.run("get", "configmap", "seen-by-bob", "-n", "p1", "-o", "jsonpath={.data.k}");
        assertThat(get.exit()).as(get.toString()).isZero();
        assertThat(get.out()).isEqualTo("v");
    }

    @Test
    void canIIsAnsweredByThePlatformsRbacForTheCaller() throws Exception {
        Kubectl.Result adminCan = admin.run("auth", "can-i", "create", "configmaps", "-n", "p1");
        assertThat(adminCan.out().trim()).as(adminCan.toString()).isEqualTo("yes");
        assertThat(adminCan.exit()).isZero();
        Kubectl.Result bobGet = bob.run("auth", "can-i", "get", "configmaps", "-n", "p1");
        assertThat(bobGet.out().trim()).as(bobGet.toString()).isEqualTo("yes");
        Kubectl.Result bobCreate = bob.run("auth", "can-i", "create", "configmaps", "-n", "p1");
        assertThat(bobCreate.out().trim()).as(bobCreate.toString()).isEqualTo("no");
        assertThat(bobCreate.exit()).isEqualTo(1);
        Kubectl.Result bobElsewhere = bob.run("auth", "can-i", "list", "configmaps", "-n", "p2");
        assertThat(bobElsewhere.out().trim()).as(bobElsewhere.toString()).isEqualTo("no");
    }

    @Test
    void projectViewerReadsTheirProjectOnly() throws Exception {
        Kubectl.Result get = bob.run("get", "configmaps", "-n", "p1", "-o", "name");
        assertThat(get.exit()).as(get.toString()).isZero();
        assertThat(get.out()).contains("configmap/seen-by-bob");

        Kubectl.Result create = bob.run("create", "configmap", "nope", "-n", "p1", "--from-literal=a=1");
        assertThat(create.exit()).isNotZero();
        // kubectl's typed create wraps the server's message ("error: failed to create configmap: …")
        assertThat(create.err()).contains("configmaps is forbidden: "
                + "User \"bob\" cannot create resource \"configmaps\" in API group \"\" in the namespace \"p1\"");
        assertThat(direct.configMaps().inNamespace("p1").withName("nope").get()).isNull();

        Kubectl.Result other = bob.run("get", "configmaps", "-n", "p2");
        assertThat(other.exit()).isNotZero();
        assertThat(other.err()).contains("Error from server (Forbidden): configmaps is forbidden: "
                + "User \"bob\" cannot list resource \"configmaps\" in API group \"\" in the namespace \"p2\"");

        Kubectl.Result namespaces = bob.run("get", "namespaces");
        assertThat(namespaces.err()).contains("User \"bob\" cannot list resource \"namespaces\" in API group \"\" at the cluster scope");
    }

    @Test
    void kubectlWatchPrintsAChangeAsItHappens() throws Exception {
        Process watch = admin.start("get", "configmaps", "-n", "p2", "--watch", "-o", "name");
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8))) {
            // the initial list comes first: then the watch is (being) opened
            assertThat(lines.readLine()).isEqualTo("configmap/hidden");
            CompletableFuture<String> next = CompletableFuture.supplyAsync(() -> {
                try {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        if (line.equals("configmap/watched")) {
                            return line;
                        }
                    }
                    return null;
                } catch (java.io.IOException e) {
                    return null;
                }
            });
            // kubectl's watch request may still be on its way: keep changing until it shows
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).until(() -> {
                if (direct.configMaps().inNamespace("p2").withName("watched").get() == null) {
                    direct.configMaps().inNamespace("p2").resource(cm("watched", "p2")).create();
                } else {
                    direct.configMaps().inNamespace("p2").withName("watched").edit(c -> {
                        c.getData().put("n", String.valueOf(System.nanoTime()));
                        return c;
                    });
                }
                return next.isDone();
            });
            assertThat(next.get()).isEqualTo("configmap/watched");
        } finally {
            watch.destroy();
            watch.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aWatchThroughTheProxyDeliversTheEventWithinOneSecond() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        String rv = direct.configMaps().inNamespace("p2").list().getMetadata().getResourceVersion();
        HttpRequest request = HttpRequest.newBuilder(URI.create(kernel.baseUri() + "/api/v1/namespaces/p2/configmaps?watch=true&resourceVersion=" + rv))
                .header("Authorization", "Bearer " + adminToken).build();
        // the response head arrives once the API server has opened the watch
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        try (BufferedReader events = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            CompletableFuture<JsonNode> event = CompletableFuture.supplyAsync(() -> {
                try {
                    return new ObjectMapper().readTree(events.readLine());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            long changed = System.nanoTime();
            direct.configMaps().inNamespace("p2").resource(cm("fast", "p2")).create();
            // a deadline, not a benchmark: a buffering proxy would hold the event until the stream ends
            JsonNode e = event.get(1, TimeUnit.SECONDS);
            long ms = (System.nanoTime() - changed) / 1_000_000;
            assertThat(e.path("type").asText()).isEqualTo("ADDED");
            assertThat(e.path("object").path("metadata").path("name").asText()).isEqualTo("fast");
            System.out.println("watch event latency through the proxy: " + ms + " ms");
        }
    }

    @Test
    void errorsAreKubernetesStatusesThatKubectlFormats() throws Exception {
        Kubectl.Result missing = admin.run("get", "configmap", "nope", "-n", "p2");
        assertThat(missing.err()).contains("Error from server (NotFound): configmaps \"nope\" not found");

        Path hidden = work.resolve("hidden.yaml");
        Files.writeString(hidden, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hidden\n  namespace: p2\n");
        Kubectl.Result again = admin.run("create", "-f", hidden.toString());
        assertThat(again.err()).contains("Error from server (AlreadyExists)").contains("configmaps \"hidden\" already exists");

        Path bad = work.resolve("bad.yaml");
        Files.writeString(bad, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Not_Valid\n  namespace: p2\n");
        Kubectl.Result invalid = admin.run("create", "-f", bad.toString());
        assertThat(invalid.err()).contains("is invalid");

        Kubectl stranger = new Kubectl(kubeconfig("stranger", "not-a-token"), work);
        Kubectl.Result unauthorized = stranger.run("get", "configmaps", "-n", "p1");
        // kubectl formats the platform's 401 Status as it does a cluster's
        assertThat(unauthorized.err()).contains("error: You must be logged in to the server (");
        assertThat(unauthorized.exit()).isNotZero();

        HttpResponse<String> forbidden = http.get("/api/v1/namespaces/p2/configmaps", "Bearer " + bobToken);
        assertThat(forbidden.statusCode()).isEqualTo(403);
        JsonNode status = IamHttp.tree(forbidden);
        assertThat(status.path("kind").asText()).isEqualTo("Status");
        assertThat(status.path("reason").asText()).isEqualTo("Forbidden");
        assertThat(status.path("code").asInt()).isEqualTo(403);
    }

    @Test
    void discoveryAndOpenApiAreOpenToEverySignedInUserButNotToAnonymous() throws Exception {
        for (String path : new String[] {"/api", "/api/v1", "/apis", "/openapi/v2"}) {
            HttpResponse<String> r = http.get(path, "Bearer " + bobToken);
            assertThat(r.statusCode()).as(path + " " + r.body()).isIn(200, 404);
            assertThat(r.statusCode()).as(path).isNotEqualTo(403);
        }
        assertThat(http.get("/api/v1", "Bearer " + bobToken).statusCode()).isEqualTo(200);
        assertThat(http.get("/api/v1", null).statusCode()).isEqualTo(401);
        Kubectl.Result resources = bob.run("api-resources", "--api-group=");
        assertThat(resources.exit()).as(resources.toString()).isZero();
        assertThat(resources.out()).contains("configmaps");
    }

    @Test
    void tesseraKubeconfigGivesAViewerAKubeconfigThatWorksWithKubectl() throws Exception {
        Path file = work.resolve("from-cli.kubeconfig");
        java.io.StringWriter out = new java.io.StringWriter();
        picocli.CommandLine cli = new picocli.CommandLine(new io.tessera.kernel.cli.KubeconfigCommand());
        cli.setErr(new java.io.PrintWriter(out));
        // asked over plain HTTP: the kubeconfig still points at HTTPS (kubectl sends tokens only over TLS)
        int exit = cli.execute("--server", kernel.baseUri().toString(), "--username", "bob", "--password", "Bobpass123", "-o", file.toString());
        assertThat(exit).as(out.toString()).isZero();
        String text = Files.readString(file);
        assertThat(text).contains("server: \"" + kernel.httpsUri() + "/clusters/host\"").contains("certificate-authority-data: ");
        assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        Kubectl fromCli = new Kubectl(file, work);
        Kubectl.Result get = fromCli.run("get", "configmaps", "-n", "p1", "-o", "name");
        assertThat(get.exit()).as(get.toString()).isZero();
        assertThat(get.out()).contains("configmap/seen-by-bob");
        Kubectl.Result create = fromCli.run("create", "configmap", "nope2", "-n", "p1");
        assertThat(create.err()).contains("is forbidden: User \"bob\" cannot create resource \"configmaps\"");

        // someone else's kubeconfig is not handed out
        HttpResponse<String> others = http.get("/kapis/resources.kubesphere.io/v1alpha2/users/admin/kubeconfig", "Bearer " + bobToken);
        assertThat(others.statusCode()).isEqualTo(403);
        int wrong = new picocli.CommandLine(new io.tessera.kernel.cli.KubeconfigCommand()).setErr(new java.io.PrintWriter(new java.io.StringWriter()))
                .execute("--server", kernel.baseUri().toString(), "--username", "bob", "--password", "wrong-password1");
        assertThat(wrong).isNotZero();
    }

    @Test
    void theClusterPrefixForTheHostClusterReachesTheSameApi() throws Exception {
        HttpResponse<String> r = http.get("/clusters/host/api/v1/namespaces/p1/configmaps/seen-by-bob", "Bearer " + bobToken);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(IamHttp.tree(r).path("data").path("k").asText()).isEqualTo("v");
        assertThat(http.get("/clusters/host/api/v1/namespaces/p2/configmaps", "Bearer " + bobToken).statusCode()).isEqualTo(403);
    }

    /** A workload in project "pq" of workspace "wsq", whose quota is {@code limits.cpu: 2}. */
    static String deployment(String name, int replicas, String cpu) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: %s
                  namespace: pq
                spec:
                  replicas: %d
                  selector:
                    matchLabels: {app: %s}
                  template:
                    metadata:
                      labels: {app: %s}
                    spec:
                      containers:
                      - name: c
                        image: nginx
                        resources:
                          limits: {cpu: "%s"}
                """.formatted(name, replicas, name, name, cpu);
    }

    @Test
    void writesPastAWorkspaceQuotaAreRefusedAndNothingIsWritten() throws Exception {
        direct.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("pq")
                .addToLabels("kubesphere.io/workspace", "wsq").endMetadata().build()).create();
        GenericKubernetesResource quota = new GenericKubernetesResource();
        quota.setApiVersion("quota.kubesphere.io/v1alpha2");
        quota.setKind("ResourceQuota");
        quota.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("wsq-quota")
                .addToLabels("kubesphere.io/workspace", "wsq").build());
        quota.getAdditionalProperties().put("spec", Map.of("selector", Map.of("kubesphere.io/workspace", "wsq"),
                "quota", Map.of("hard", Map.of("limits.cpu", "2"))));
        direct.genericKubernetesResources(io.tessera.kernel.tenancy.api.TenancyTypes.WORKSPACE_QUOTAS).resource(quota).create();

        // 2 replicas × 1500m = 3 CPUs > 2: refused (once tenancy's informers have the quota and the project)
        Path big = work.resolve("big.yaml");
        Files.writeString(big, deployment("big", 2, "1500m"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Kubectl.Result r = admin.run("create", "--validate=false", "-f", big.toString());
            assertThat(r.exit()).as(r.toString()).isNotZero();
            assertThat(r.err()).contains("Error from server (Forbidden)")
                    .contains("admission webhook \"workspace-quota.tenant.kubesphere.io\" denied the request: "
                            + "exceeded workspace quota \"wsq-quota\" of workspace \"wsq\": limits.cpu requested 3");
        });
        assertThat(direct.apps().deployments().inNamespace("pq").withName("big").get()).isNull();

        // under the quota: written
        Path pod = work.resolve("pod.yaml");
        Files.writeString(pod, """
                apiVersion: v1
                kind: Pod
                metadata: {name: small, namespace: pq}
                spec:
                  containers:
                  - {name: c, image: nginx, resources: {limits: {cpu: "1"}}}
                """);
        Kubectl.Result small = admin.run("create", "--validate=false", "-f", pod.toString());
        assertThat(small.exit()).as(small.toString()).isZero();
        assertThat(direct.pods().inNamespace("pq").withName("small").get()).isNotNull();
        Path half = work.resolve("half.yaml");
        Files.writeString(half, deployment("half", 1, "500m"));
        Kubectl.Result fits = admin.run("apply", "--validate=false", "-f", half.toString());
        assertThat(fits.exit()).as(fits.toString()).isZero();

        // a patch is judged on its result (the API server's dry run): 1 + 3 × 0.5 > 2
        Kubectl.Result scaleUp = admin.run("patch", "deployment", "half", "-n", "pq", "--type=merge", "-p", "{\"spec\":{\"replicas\":3}}");
        assertThat(scaleUp.exit()).as(scaleUp.toString()).isNotZero();
        assertThat(scaleUp.err()).contains("exceeded workspace quota \"wsq-quota\"");
        assertThat(direct.apps().deployments().inNamespace("pq").withName("half").get().getSpec().getReplicas()).isEqualTo(1);

        // a second pod of 1500m: 1 + 1.5 > 2, through the cluster prefix too, as a Kubernetes Status
        HttpResponse<String> raw = http.json("POST", "/clusters/host/api/v1/namespaces/pq/pods", "Bearer " + adminToken,
                Map.of("apiVersion", "v1", "kind", "Pod", "metadata", Map.of("name", "second"), "spec", Map.of("containers",
                        java.util.List.of(Map.of("name", "c", "image", "nginx", "resources", Map.of("limits", Map.of("cpu", "1500m")))))));
        assertThat(raw.statusCode()).as(raw.body()).isEqualTo(403);
        JsonNode status = IamHttp.tree(raw);
        assertThat(status.path("kind").asText()).isEqualTo("Status");
        assertThat(status.path("reason").asText()).isEqualTo("Forbidden");
        assertThat(status.path("message").asText()).contains("limits.cpu requested 1500m, limited 2, already allocated 1, 1 left");
        assertThat(direct.pods().inNamespace("pq").withName("second").get()).isNull();
    }
}
