package io.tessera.kernel.tenancy;

import static io.tessera.kernel.iam.IamHttp.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tessera.kernel.Kernel;
import io.tessera.kernel.config.KernelConfig;
import io.tessera.kernel.iam.IamHttp;
import io.tessera.kernel.iam.api.IamTypes;
import io.tessera.kernel.tenancy.api.TenancyTypes;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5's acceptance flow on the real kernel and the embedded cluster: admin creates ws1 managed
 * by alice; alice creates p1, invites bob into ws1 (ws1-regular) and then p1 (viewer); bob sees
 * only ws1 and cannot create in p1; carol sees nothing; the workspace quota caps project quotas.
 * The steps build on each other, hence the order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TenancyAcceptanceIT {

    static final String TENANT = "/kapis/tenant.kubesphere.io/v1beta1";
    static final String IAM = "/kapis/iam.kubesphere.io/v1beta1";
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dataDir;
    static Kernel kernel;
    static IamHttp http;
    static KubernetesClient kube;
    static String admin;
    static String alice;
    static String bob;
    static String carol;

    @BeforeAll
    static void boot() throws Exception {
        kernel = Kernel.start(KernelConfig.defaults(dataDir).withPort(0));
        http = new IamHttp(kernel.baseUri());
        await().atMost(WAIT).until(() -> http.get("/readyz", null).statusCode() == 200);
        kube = kernel.embeddedCluster().newClient();
        admin = http.bearer("admin", "P@88w0rd");
        for (String u : List.of("alice", "bob", "carol")) {
            HttpResponse<String> r = http.json("POST", IAM + "/users", admin,
                    IamHttp.user(u, u + "@example.com", "Passw0rd" + u, "platform-regular"));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        alice = http.bearer("alice", "Passw0rdalice");
        bob = http.bearer("bob", "Passw0rdbob");
        carol = http.bearer("carol", "Passw0rdcarol");
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

    static Map<String, Object> template(String name, String manager) {
        return Map.of("apiVersion", "tenant.kubesphere.io/v1beta1", "kind", "WorkspaceTemplate", "metadata", Map.of("name", name),
                "spec", Map.of("template", Map.of("spec", Map.of("manager", manager)),
                        "placement", Map.of("clusters", List.of(Map.of("name", "host")))));
    }

    static List<String> names(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        tree(r).path("items").forEach(i -> out.add(i.path("metadata").path("name").asText()));
        assertThat(tree(r).path("totalItems").asInt()).isEqualTo(out.size());
        return out;
    }

    static GenericKubernetesResource get(io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext ctx, String ns, String name) {
        var op = kube.genericKubernetesResources(ctx);
        return (ns == null ? op : op.inNamespace(ns)).withName(name).get();
    }

    @Test
    @Order(1)
    void adminCreatesWs1ManagedByAliceAndTheControllerBuildsIt() throws Exception {
        HttpResponse<String> r = http.json("POST", TENANT + "/workspacetemplates", admin, template("ws1", "alice"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        // a second workspace alice has nothing to do with, to prove lists do not leak it
        assertThat(http.json("POST", TENANT + "/workspacetemplates", admin, template("other", "admin")).statusCode()).isEqualTo(200);

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(get(TenancyTypes.WORKSPACES, null, "ws1")).isNotNull();
            assertThat(get(IamTypes.WORKSPACE_ROLES, null, "ws1-admin")).isNotNull();
            assertThat(get(IamTypes.WORKSPACE_ROLES, null, "ws1-regular")).isNotNull();
            assertThat(get(IamTypes.WORKSPACE_ROLE_BINDINGS, null, "alice-ws1-admin")).isNotNull();
        });
        GenericKubernetesResource t = get(TenancyTypes.WORKSPACE_TEMPLATES, null, "ws1");
        assertThat(t.getMetadata().getFinalizers()).contains(TenancyTypes.FINALIZER);
        assertThat(IamTypes.str(get(TenancyTypes.WORKSPACES, null, "ws1"), "spec", "manager")).isEqualTo("alice");
        assertThat(IamTypes.label(get(IamTypes.WORKSPACE_ROLES, null, "ws1-regular"), "kubesphere.io/workspace")).isEqualTo("ws1");
        GenericKubernetesResource host = get(TenancyTypes.CLUSTERS, null, "host");
        assertThat(host.getMetadata().getLabels()).containsKey("cluster-role.kubesphere.io/host");
    }

    @Test
    @Order(2)
    void aRegularUserCannotCreateAWorkspaceForSomeoneElse() throws Exception {
        HttpResponse<String> r = http.json("POST", TENANT + "/workspacetemplates", carol, template("carols", "alice"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        assertThat(tree(r).path("kind").asText()).isEqualTo("Status");
    }

    @Test
    @Order(3)
    void aliceCreatesP1AndBecomesItsAdmin() throws Exception {
        await().atMost(WAIT).until(() -> http.json("POST", TENANT + "/workspaces/ws1/namespaces", alice,
                Map.of("metadata", Map.of("name", "p1"))).statusCode() == 200);
        await().atMost(WAIT).untilAsserted(() -> {
            var ns = kube.namespaces().withName("p1").get();
            assertThat(ns.getMetadata().getLabels()).containsEntry("kubesphere.io/workspace", "ws1")
                    .containsEntry("kubesphere.io/managed", "true");
            assertThat(ns.getMetadata().getAnnotations()).containsEntry("kubesphere.io/creator", "alice");
            for (String role : List.of("admin", "operator", "viewer")) {
                assertThat(get(IamTypes.ROLES, "p1", role)).as(role).isNotNull();
            }
            assertThat(get(IamTypes.ROLE_BINDINGS, "p1", "alice-admin")).isNotNull();
        });
        assertThat(names(http.get(TENANT + "/workspaces/ws1/namespaces", alice))).containsExactly("p1");
        assertThat(names(http.get(TENANT + "/workspaces/ws1/namespaces?labelSelector=kubesphere.io/managed%3Dtrue", alice)))
                .containsExactly("p1");
        assertThat(names(http.get(TENANT + "/workspaces/ws1/namespaces?labelSelector=team%3Dnone", alice))).isEmpty();
    }

    @Test
    @Order(4)
    void bobMustJoinTheWorkspaceBeforeTheProject() throws Exception {
        HttpResponse<String> early = http.json("POST", IAM + "/namespaces/p1/namespacemembers", alice,
                List.of(Map.of("username", "bob", "roleRef", "viewer")));
        assertThat(early.statusCode()).as(early.body()).isEqualTo(400);
        assertThat(tree(early).path("message").asText()).contains("not a member of workspace \"ws1\"");
        assertThat(get(IamTypes.ROLE_BINDINGS, "p1", "bob-viewer")).isNull();

        HttpResponse<String> ws = http.json("POST", IAM + "/workspaces/ws1/workspacemembers", alice,
                List.of(Map.of("username", "bob", "roleRef", "ws1-regular")));
        assertThat(ws.statusCode()).as(ws.body()).isEqualTo(200);
        HttpResponse<String> p = http.json("POST", IAM + "/namespaces/p1/namespacemembers", alice,
                List.of(Map.of("username", "bob", "roleRef", "viewer")));
        assertThat(p.statusCode()).as(p.body()).isEqualTo(200);
        GenericKubernetesResource b = get(IamTypes.WORKSPACE_ROLE_BINDINGS, null, "bob-ws1-regular");
        assertThat(IamTypes.label(b, IamTypes.LABEL_USER_REF)).isEqualTo("bob");
        assertThat(IamTypes.label(b, "kubesphere.io/workspace")).isEqualTo("ws1");

        HttpResponse<String> members = http.get(IAM + "/workspaces/ws1/workspacemembers?workspacerole=ws1-regular", alice);
        assertThat(names(members)).containsExactly("bob");
        assertThat(tree(members).path("items").get(0).path("metadata").path("annotations").path("iam.kubesphere.io/workspacerole")
                .asText()).isEqualTo("ws1-regular");
        HttpResponse<String> unknownRole = http.json("POST", IAM + "/workspaces/ws1/workspacemembers", alice,
                List.of(Map.of("username", "carol", "roleRef", "ws1-nope")));
        assertThat(unknownRole.statusCode()).isEqualTo(404);
    }

    @Test
    @Order(5)
    void bobSeesOnlyWs1AndCannotCreateInP1() throws Exception {
        await().atMost(WAIT).until(() -> names(http.get(TENANT + "/workspacetemplates", bob)).equals(List.of("ws1")));
        assertThat(names(http.get(TENANT + "/workspaces", bob))).containsExactly("ws1");
        assertThat(names(http.get(TENANT + "/workspaces/ws1/namespaces", bob))).containsExactly("p1");
        assertThat(http.get(TENANT + "/workspacetemplates/other", bob).statusCode()).isEqualTo(404);
        assertThat(names(http.get(TENANT + "/namespaces", bob))).containsExactly("p1");
        assertThat(names(http.get(TENANT + "/clusters", bob))).containsExactly("host");
        assertThat(names(http.get(TENANT + "/workspacetemplates?name=ws", bob))).containsExactly("ws1");
        assertThat(names(http.get(TENANT + "/workspacetemplates?fieldSelector=spec.template.spec.manager%3Dalice", admin)))
                .contains("ws1").doesNotContain("other");

        HttpResponse<String> quota = http.json("POST", TENANT + "/namespaces/p1/resourcequotas", bob,
                Map.of("metadata", Map.of("name", "q"), "spec", Map.of("hard", Map.of("pods", "1"))));
        assertThat(quota.statusCode()).as(quota.body()).isEqualTo(403);
        HttpResponse<String> member = http.json("POST", IAM + "/namespaces/p1/namespacemembers", bob,
                List.of(Map.of("username", "carol", "roleRef", "viewer")));
        assertThat(member.statusCode()).as(member.body()).isEqualTo(403);
        HttpResponse<String> project = http.json("POST", TENANT + "/workspaces/ws1/namespaces", bob,
                Map.of("metadata", Map.of("name", "bobs")));
        assertThat(project.statusCode()).as(project.body()).isEqualTo(403);
    }

    @Test
    @Order(6)
    void carolSeesNothing() throws Exception {
        assertThat(names(http.get(TENANT + "/workspacetemplates", carol))).isEmpty();
        assertThat(names(http.get(TENANT + "/workspaces", carol))).isEmpty();
        assertThat(names(http.get(TENANT + "/workspaces/ws1/namespaces", carol))).isEmpty();
        assertThat(names(http.get(TENANT + "/namespaces", carol))).isEmpty();
        assertThat(http.get(TENANT + "/workspacetemplates/ws1", carol).statusCode()).isEqualTo(404);
        assertThat(http.get(TENANT + "/workspaces/ws1/namespaces/p1", carol).statusCode()).isEqualTo(404);
        assertThat(http.get(TENANT + "/workspaces/ws1/resourcequotas", carol).statusCode()).isEqualTo(404);
        assertThat(http.get(IAM + "/workspaces/ws1/workspacemembers", carol).statusCode()).isEqualTo(403);
        assertThat(http.get(IAM + "/namespaces/p1/namespacemembers", carol).statusCode()).isEqualTo(403);
        assertThat(http.get(TENANT + "/namespaces/p1/resourcequotas", carol).statusCode()).isEqualTo(404);
        assertThat(names(http.get(TENANT + "/clusters", carol))).isEmpty();
        assertThat(http.get("/kapis/resources.kubesphere.io/v1alpha3/namespaces/p1/configmaps", carol).statusCode()).isEqualTo(403);
        assertThat(http.get("/kapis/iam.kubesphere.io/v1beta1/workspaces/ws1/workspaceroles", carol).statusCode()).isEqualTo(403);
        // platform admins see everything
        assertThat(names(http.get(TENANT + "/workspacetemplates", admin))).contains("ws1", "other");
    }

    @Test
    @Order(7)
    void projectQuotaPastTheWorkspaceQuotaIsRefusedNamingIt() throws Exception {
        HttpResponse<String> wq = http.json("POST", TENANT + "/workspaces/ws1/resourcequotas", admin,
                Map.of("metadata", Map.of("name", "ws1-quota"), "spec", Map.of("quota", Map.of("hard", Map.of("limits.cpu", "2")))));
        assertThat(wq.statusCode()).as(wq.body()).isEqualTo(200);
        assertThat(tree(wq).path("spec").path("selector").path("kubesphere.io/workspace").asText()).isEqualTo("ws1");
        await().atMost(WAIT).until(() -> http.get(TENANT + "/workspaces/ws1/resourcequotas/ws1-quota", alice).statusCode() == 200);

        HttpResponse<String> three = http.json("POST", TENANT + "/namespaces/p1/resourcequotas", alice,
                Map.of("metadata", Map.of("name", "p1-quota"), "spec", Map.of("hard", Map.of("limits.cpu", "3"))));
        assertThat(three.statusCode()).as(three.body()).isEqualTo(403);
        JsonNode status = tree(three);
        assertThat(status.path("reason").asText()).isEqualTo("Forbidden");
        assertThat(status.path("message").asText()).contains("ws1-quota").contains("limits.cpu").contains("2 left");
        assertThat(kube.resourceQuotas().inNamespace("p1").withName("p1-quota").get()).isNull();

        HttpResponse<String> one = http.json("POST", TENANT + "/namespaces/p1/resourcequotas", alice,
                Map.of("metadata", Map.of("name", "p1-quota"), "spec", Map.of("hard", Map.of("limits.cpu", "1"))));
        assertThat(one.statusCode()).as(one.body()).isEqualTo(200);
        await().atMost(WAIT).untilAsserted(() -> assertThat(IamTypes.str(get(TenancyTypes.WORKSPACE_QUOTAS, null, "ws1-quota"),
                "status", "total", "used", "limits.cpu")).isEqualTo("1"));

        HttpResponse<String> raise = http.json("PUT", TENANT + "/namespaces/p1/resourcequotas/p1-quota", alice,
                Map.of("metadata", Map.of("name", "p1-quota"), "spec", Map.of("hard", Map.of("limits.cpu", "2500m"))));
        assertThat(raise.statusCode()).as(raise.body()).isEqualTo(403);
        assertThat(tree(raise).path("message").asText()).contains("ws1-quota");
        HttpResponse<String> bad = http.json("POST", TENANT + "/namespaces/p1/resourcequotas", alice,
                Map.of("metadata", Map.of("name", "x"), "spec", Map.of("hard", Map.of("limits.cpu", "lots"))));
        assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
    }

    @Test
    @Order(8)
    void deletingAWorkspaceOrphansItsProjectsAndLeavesNoGrantsBehind() throws Exception {
        assertThat(http.json("POST", TENANT + "/workspacetemplates", admin, template("ws2", "alice")).statusCode()).isEqualTo(200);
        await().atMost(WAIT).until(() -> get(IamTypes.WORKSPACE_ROLE_BINDINGS, null, "alice-ws2-admin") != null);
        assertThat(http.json("POST", TENANT + "/workspaces/ws2/namespaces", alice, Map.of("metadata", Map.of("name", "p2")))
                .statusCode()).isEqualTo(200);
        await().atMost(WAIT).until(() -> get(IamTypes.ROLE_BINDINGS, "p2", "alice-admin") != null);

        HttpResponse<String> del = http.send("DELETE", TENANT + "/workspacetemplates/ws2", alice, "application/json",
                "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"propagationPolicy\":\"Orphan\"}");
        assertThat(del.statusCode()).as(del.body()).isEqualTo(200);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(get(TenancyTypes.WORKSPACE_TEMPLATES, null, "ws2")).isNull();
            assertThat(get(TenancyTypes.WORKSPACES, null, "ws2")).isNull();
        });
        assertThat(kube.genericKubernetesResources(IamTypes.WORKSPACE_ROLES).withLabel("kubesphere.io/workspace", "ws2").list()
                .getItems()).isEmpty();
        assertThat(kube.genericKubernetesResources(IamTypes.WORKSPACE_ROLE_BINDINGS).withLabel("kubesphere.io/workspace", "ws2")
                .list().getItems()).isEmpty();
        var p2 = kube.namespaces().withName("p2").get();
        assertThat(p2).isNotNull();
        assertThat(p2.getMetadata().getLabels()).doesNotContainKey("kubesphere.io/workspace");
        assertThat(kube.genericKubernetesResources(IamTypes.ROLE_BINDINGS).inNamespace("p2").list().getItems()).isEmpty();
    }

    @Test
    @Order(9)
    void deletingAWorkspaceWithBackgroundPropagationDeletesItsProjects() throws Exception {
        assertThat(http.json("POST", TENANT + "/workspacetemplates", admin, template("ws3", "alice")).statusCode()).isEqualTo(200);
        await().atMost(WAIT).until(() -> http.json("POST", TENANT + "/workspaces/ws3/namespaces", alice,
                Map.of("metadata", Map.of("name", "p3"))).statusCode() == 200);
        HttpResponse<String> quota = http.json("POST", TENANT + "/workspaces/ws3/resourcequotas", admin,
                Map.of("metadata", Map.of("name", "ws3-quota"), "spec", Map.of("quota", Map.of("hard", Map.of("pods", "10")))));
        assertThat(quota.statusCode()).as(quota.body()).isEqualTo(200);
        HttpResponse<String> badPolicy = http.send("DELETE", TENANT + "/workspacetemplates/ws3", admin, "application/json",
                "{\"propagationPolicy\":\"Sometimes\"}");
        assertThat(badPolicy.statusCode()).isEqualTo(400);
        HttpResponse<String> del = http.send("DELETE", TENANT + "/workspacetemplates/ws3", admin, "application/json",
                "{\"propagationPolicy\":\"Background\"}");
        assertThat(del.statusCode()).as(del.body()).isEqualTo(200);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(get(TenancyTypes.WORKSPACE_TEMPLATES, null, "ws3")).isNull();
            assertThat(kube.namespaces().withName("p3").get()).isNull();
            assertThat(get(TenancyTypes.WORKSPACE_QUOTAS, null, "ws3-quota")).isNull();
        });
    }

    @Test
    @Order(10)
    void projectAndWorkspaceIsolationCreateAndRemoveNetworkPolicies() throws Exception {
        HttpResponse<String> on = http.json("PATCH", TENANT + "/workspaces/ws1/namespaces/p1", alice,
                Map.of("metadata", Map.of("annotations", Map.of("kubesphere.io/network-isolate", "enabled"))));
        assertThat(on.statusCode()).as(on.body()).isEqualTo(200);
        await().atMost(WAIT).until(() -> kube.network().v1().networkPolicies().inNamespace("p1")
                .withName("tessera-project-isolation").get() != null);
        var policy = kube.network().v1().networkPolicies().inNamespace("p1").withName("tessera-project-isolation").get();
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
        assertThat(policy.getSpec().getPodSelector().getMatchLabels()).isNullOrEmpty();
        var from = policy.getSpec().getIngress().get(0).getFrom();
        assertThat(from.get(0).getPodSelector()).isNotNull();
        assertThat(from.get(0).getNamespaceSelector()).isNull();
        assertThat(from.get(1).getNamespaceSelector().getMatchExpressions().get(0).getValues())
                .containsExactlyInAnyOrder("kubesphere-system", "kube-system");

        JsonNode t = tree(http.get(TENANT + "/workspacetemplates/ws1", admin));
        @SuppressWarnings("unchecked")
        Map<String, Object> body = IamHttp.JSON.convertValue(t, Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) body.get("spec")).get("template"))
                .get("spec");
        spec.put("networkIsolation", true);
        HttpResponse<String> wsOn = http.json("PUT", TENANT + "/workspacetemplates/ws1", admin, body);
        assertThat(wsOn.statusCode()).as(wsOn.body()).isEqualTo(200);
        await().atMost(WAIT).until(() -> kube.network().v1().networkPolicies().inNamespace("p1")
                .withName("tessera-workspace-isolation").get() != null);
        var wsPolicy = kube.network().v1().networkPolicies().inNamespace("p1").withName("tessera-workspace-isolation").get();
        assertThat(wsPolicy.getSpec().getIngress().get(0).getFrom().get(0).getNamespaceSelector().getMatchLabels())
                .containsEntry("kubesphere.io/workspace", "ws1");

        HttpResponse<String> off = http.json("PATCH", TENANT + "/workspaces/ws1/namespaces/p1", alice,
                Map.of("metadata", Map.of("annotations", Map.of("kubesphere.io/network-isolate", "disabled"))));
        assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
        JsonNode t2 = tree(http.get(TENANT + "/workspacetemplates/ws1", admin));
        @SuppressWarnings("unchecked")
        Map<String, Object> body2 = IamHttp.JSON.convertValue(t2, Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> spec2 = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) body2.get("spec")).get("template"))
                .get("spec");
        spec2.put("networkIsolation", false);
        assertThat(http.json("PUT", TENANT + "/workspacetemplates/ws1", admin, body2).statusCode()).isEqualTo(200);
        await().atMost(WAIT).until(() -> kube.network().v1().networkPolicies().inNamespace("p1").list().getItems().isEmpty());
    }

    static Map<String, Object> review(String operation, String namespace, Map<String, Object> object) {
        return Map.of("apiVersion", "admission.k8s.io/v1", "kind", "AdmissionReview", "request",
                Map.of("uid", "u-" + operation + object.get("kind"), "operation", operation, "namespace", namespace, "object", object));
    }

    static Map<String, Object> pod(String name, String cpuLimit) {
        return Map.of("apiVersion", "v1", "kind", "Pod", "metadata", Map.of("name", name),
                "spec", Map.of("containers", List.of(Map.of("name", "c", "image", "nginx",
                        "resources", Map.of("limits", Map.of("cpu", cpuLimit))))));
    }

    @Test
    @Order(11)
    void admissionWebhookRefusesPodsWorkloadsAndQuotasPastTheWorkspaceQuota() throws Exception {
        String path = TENANT + "/admissionreviews";
        JsonNode big = tree(http.json("POST", path, admin, review("CREATE", "p1", pod("big", "3"))));
        assertThat(big.path("kind").asText()).isEqualTo("AdmissionReview");
        assertThat(big.path("response").path("uid").asText()).isEqualTo("u-CREATEPod");
        assertThat(big.path("response").path("allowed").asBoolean()).isFalse();
        assertThat(big.path("response").path("status").path("code").asInt()).isEqualTo(403);
        assertThat(big.path("response").path("status").path("message").asText()).contains("ws1-quota").contains("2 left");

        JsonNode small = tree(http.json("POST", path, admin, review("CREATE", "p1", pod("small", "1"))));
        assertThat(small.path("response").path("allowed").asBoolean()).isTrue();

        Map<String, Object> deployment = Map.of("apiVersion", "apps/v1", "kind", "Deployment", "metadata", Map.of("name", "d"),
                "spec", Map.of("replicas", 3, "template", Map.of("spec", pod("x", "1").get("spec"))));
        assertThat(tree(http.json("POST", path, admin, review("CREATE", "p1", deployment))).path("response").path("allowed")
                .asBoolean()).isFalse();

        Map<String, Object> quota = Map.of("apiVersion", "v1", "kind", "ResourceQuota", "metadata", Map.of("name", "more"),
                "spec", Map.of("hard", Map.of("limits.cpu", "2")));
        JsonNode q = tree(http.json("POST", path, admin, review("CREATE", "p1", quota)));
        assertThat(q.path("response").path("allowed").asBoolean()).isFalse();
        assertThat(q.path("response").path("status").path("message").asText()).contains("1 left");
        // outside any workspace the workspace quota does not apply
        assertThat(tree(http.json("POST", path, admin, review("CREATE", "default", pod("big", "3")))).path("response")
                .path("allowed").asBoolean()).isTrue();
        assertThat(http.json("POST", path, admin, Map.of("kind", "AdmissionReview")).statusCode()).isEqualTo(400);
        assertThat(http.json("POST", path, carol, review("CREATE", "p1", pod("big", "3"))).statusCode()).isEqualTo(403);
    }

    @Test
    @Order(12)
    void aDepartmentsRoleMakesTheWorkspaceVisibleToItsMembersUntilTheDepartmentGoes() throws Exception {
        assertThat(http.json("POST", IAM + "/users", admin, IamHttp.user("dave", "dave@example.com", "Passw0rddave",
                "platform-regular")).statusCode()).isEqualTo(200);
        String dave = http.bearer("dave", "Passw0rddave");
        assertThat(names(http.get(TENANT + "/workspaces", dave))).isEmpty();

        HttpResponse<String> group = http.json("POST", IAM + "/workspaces/ws1/groups", alice,
                Map.of("apiVersion", "iam.kubesphere.io/v1beta1", "kind", "Group", "metadata", Map.of("name", "ws1-dev")));
        assertThat(group.statusCode()).as(group.body()).isEqualTo(200);
        assertThat(tree(group).path("metadata").path("labels").path("kubesphere.io/workspace").asText()).isEqualTo("ws1");
        HttpResponse<String> binding = http.json("POST", IAM + "/workspaces/ws1/workspacerolebindings", alice,
                Map.of("apiVersion", "iam.kubesphere.io/v1beta1", "kind", "WorkspaceRoleBinding",
                        "metadata", Map.of("name", "ws1-dev-ws1-viewer", "labels", Map.of("iam.kubesphere.io/group-ref", "ws1-dev")),
                        "subjects", List.of(Map.of("kind", "Group", "apiGroup", "rbac.authorization.k8s.io", "name", "ws1-dev")),
                        "roleRef", Map.of("apiGroup", "iam.kubesphere.io", "kind", "WorkspaceRole", "name", "ws1-viewer")));
        assertThat(binding.statusCode()).as(binding.body()).isEqualTo(200);
        HttpResponse<String> members = http.json("POST", IAM + "/workspaces/ws1/groupbindings", alice,
                Map.of("apiVersion", "iam.kubesphere.io/v1beta1", "kind", "GroupBinding",
                        "metadata", Map.of("name", "ws1-dev-dave", "labels", Map.of("iam.kubesphere.io/group-ref", "ws1-dev")),
                        "groupRef", Map.of("apiGroup", "iam.kubesphere.io", "kind", "Group", "name", "ws1-dev"), "users", List.of("dave")));
        assertThat(members.statusCode()).as(members.body()).isEqualTo(200);

        await().atMost(WAIT).until(() -> names(http.get(TENANT + "/workspaces", dave)).equals(List.of("ws1")));
        assertThat(names(http.get(TENANT + "/workspaces/ws1/namespaces", dave))).containsExactly("p1");
        await().atMost(WAIT).untilAsserted(() -> assertThat(IamTypes.read(get(IamTypes.USERS, null, "dave"), "spec").get("groups"))
                .isEqualTo(List.of("ws1-dev")));

        assertThat(http.send("DELETE", IAM + "/workspaces/ws1/groups/ws1-dev", alice, null, null).statusCode()).isEqualTo(200);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(get(TenancyTypes.GROUP_BINDINGS, null, "ws1-dev-dave")).isNull();
            assertThat(get(IamTypes.WORKSPACE_ROLE_BINDINGS, null, "ws1-dev-ws1-viewer")).isNull();
        });
        await().atMost(WAIT).until(() -> names(http.get(TENANT + "/workspaces", dave)).isEmpty());
    }
}
