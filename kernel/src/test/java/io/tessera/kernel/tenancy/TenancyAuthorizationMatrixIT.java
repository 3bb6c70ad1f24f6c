package io.tessera.kernel.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tessera.kernel.Kernel;
import io.tessera.kernel.config.KernelConfig;
import io.tessera.kernel.iam.IamHttp;
import io.tessera.kernel.iam.api.IamTypes;
import io.tessera.kernel.tenancy.list.ResourcesResource;
import io.tessera.kernel.tenancy.members.MemberBindings;
import io.tessera.kernel.tenancy.members.MembersResource;
import io.tessera.kernel.tenancy.quotas.QuotaResource;
import io.tessera.kernel.tenancy.quotas.QuotaWebhookResource;
import io.tessera.kernel.tenancy.workspaces.TenantResource;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every tenancy route × seven callers → status, on the real kernel chain (the AuthorizationMatrixIT
 * pattern). Lists a caller may reach but not fill answer 200 with what they may see (the leak tests
 * are in TenancyAcceptanceIT); gets of what they cannot see are 404. {@link
 * #everyTenancyRouteHasAMatrixEntry()} fails when a route is added without a row.
 */
class TenancyAuthorizationMatrixIT {

    static final List<String> ROLES = List.of("anonymous", "regular", "wsviewer", "wsadmin", "pviewer", "padmin", "admin");
    static final String T = "/kapis/tenant.kubesphere.io/v1beta1";
    static final String I = "/kapis/iam.kubesphere.io/v1beta1";
    static final String R = "/kapis/resources.kubesphere.io/v1alpha3";
    static final String KIND = "{kind: workspacetemplates|workspaces}";

    static final Map<Class<?>, String> MOUNTS = Map.of(
            TenantResource.class, T,
            QuotaResource.class, T,
            QuotaWebhookResource.class, T,
            MembersResource.class, I,
            ResourcesResource.class, R);

    record Row(String method, String route, Function<String, String> path, Function<String, Object> body, int[] expected) {
    }

    static int[] s(int... codes) {
        return codes;
    }

    static Row row(String method, String route, Function<String, String> path, Function<String, Object> body, int[] expected) {
        return new Row(method, route, path, body, expected);
    }

    static final int[] READ_ANY = s(401, 200, 200, 200, 200, 200, 200);
    static final int[] WS_READ = s(401, 404, 200, 200, 404, 404, 200);
    static final int[] WS_WRITE = s(401, 403, 403, 200, 403, 403, 200);
    static final int[] PROJECT_READ_FILTERED = s(401, 404, 200, 200, 200, 200, 200);
    static final int[] PROJECT_READ = s(401, 403, 200, 200, 200, 200, 200);
    static final int[] PROJECT_WRITE = s(401, 403, 403, 200, 403, 200, 200);
    static final int[] ADMIN_ONLY = s(401, 403, 403, 403, 403, 403, 200);

    static Map<String, Object> template(String name, String manager) {
        return Map.of("apiVersion", "tenant.kubesphere.io/v1beta1", "kind", "WorkspaceTemplate", "metadata", Map.of("name", name),
                "spec", Map.of("template", Map.of("spec", Map.of("manager", manager)),
                        "placement", Map.of("clusters", List.of(Map.of("name", "host")))));
    }

    static Map<String, Object> wsQuota(String name, String cpu) {
        return Map.of("metadata", Map.of("name", name), "spec", Map.of("quota", Map.of("hard", Map.of("limits.cpu", cpu))));
    }

    static Map<String, Object> projectQuota(String name) {
        return Map.of("metadata", Map.of("name", name), "spec", Map.of("hard", Map.of("pods", "1")));
    }

    static final List<Row> MATRIX = List.of(
            row("GET", T + "/" + KIND, r -> T + "/workspacetemplates", null, READ_ANY),
            row("GET", T + "/" + KIND + "/{ws}", r -> T + "/workspaces/ws1", null, WS_READ),
            row("POST", T + "/" + KIND, r -> T + "/workspacetemplates", r -> template("m-" + r, "admin"), ADMIN_ONLY),
            row("PUT", T + "/" + KIND + "/{ws}", r -> T + "/workspacetemplates/ws1", r -> template("ws1", "wsadmin"), WS_WRITE),
            row("DELETE", T + "/" + KIND + "/{ws}", r -> T + "/workspacetemplates/del-" + r, null, WS_WRITE),
            row("GET", T + "/clusters", r -> T + "/clusters", null, READ_ANY),
            row("GET", T + "/namespaces", r -> T + "/namespaces", null, READ_ANY),
            row("GET", T + "/workspaces/{ws}/namespaces", r -> T + "/workspaces/ws1/namespaces", null, READ_ANY),
            row("POST", T + "/workspaces/{ws}/namespaces", r -> T + "/workspaces/ws1/namespaces",
                    r -> Map.of("metadata", Map.of("name", "np-" + r)), WS_WRITE),
            row("GET", T + "/workspaces/{ws}/namespaces/{ns}", r -> T + "/workspaces/ws1/namespaces/p1", null, PROJECT_READ_FILTERED),
            row("PATCH", T + "/workspaces/{ws}/namespaces/{ns}", r -> T + "/workspaces/ws1/namespaces/p1",
                    r -> Map.of("metadata", Map.of("annotations", Map.of("kubesphere.io/description", r))), PROJECT_WRITE),
            row("DELETE", T + "/workspaces/{ws}/namespaces/{ns}", r -> T + "/workspaces/ws1/namespaces/dp-" + r, null, PROJECT_WRITE),
            row("GET", T + "/workspaces/{ws}/resourcequotas", r -> T + "/workspaces/ws1/resourcequotas", null, WS_READ),
            row("GET", T + "/workspaces/{ws}/resourcequotas/{name}", r -> T + "/workspaces/ws1/resourcequotas/ws1-quota", null, WS_READ),
            row("POST", T + "/workspaces/{ws}/resourcequotas", r -> T + "/workspaces/ws1/resourcequotas", r -> wsQuota("q-" + r, "100"),
                    WS_WRITE),
            row("PUT", T + "/workspaces/{ws}/resourcequotas/{name}", r -> T + "/workspaces/ws1/resourcequotas/ws1-quota",
                    r -> wsQuota("ws1-quota", "10"), WS_WRITE),
            row("DELETE", T + "/workspaces/{ws}/resourcequotas/{name}", r -> T + "/workspaces/ws1/resourcequotas/dq-" + r, null,
                    WS_WRITE),
            row("GET", T + "/namespaces/{ns}/resourcequotas", r -> T + "/namespaces/p1/resourcequotas", null, PROJECT_READ_FILTERED),
            row("GET", T + "/namespaces/{ns}/resourcequotas/{name}", r -> T + "/namespaces/p1/resourcequotas/p1-quota", null,
                    PROJECT_READ_FILTERED),
            row("POST", T + "/namespaces/{ns}/resourcequotas", r -> T + "/namespaces/p1/resourcequotas", r -> projectQuota("pq-" + r),
                    PROJECT_WRITE),
            row("PUT", T + "/namespaces/{ns}/resourcequotas/{name}", r -> T + "/namespaces/p1/resourcequotas/p1-quota",
                    r -> projectQuota("p1-quota"), PROJECT_WRITE),
            row("DELETE", T + "/namespaces/{ns}/resourcequotas/{name}", r -> T + "/namespaces/p1/resourcequotas/dpq-" + r, null,
                    PROJECT_WRITE),
            row("POST", T + "/admissionreviews", r -> T + "/admissionreviews",
                    r -> Map.of("apiVersion", "admission.k8s.io/v1", "kind", "AdmissionReview", "request",
                            Map.of("uid", "1", "operation", "DELETE", "namespace", "p1")), ADMIN_ONLY),
            row("GET", I + "/workspaces/{ws}/workspacemembers", r -> I + "/workspaces/ws1/workspacemembers", null,
                    s(401, 403, 200, 200, 403, 403, 200)),
            row("GET", I + "/workspaces/{ws}/workspacemembers/{m}", r -> I + "/workspaces/ws1/workspacemembers/wsviewer", null,
                    s(401, 403, 200, 200, 403, 403, 200)),
            row("POST", I + "/workspaces/{ws}/workspacemembers", r -> I + "/workspaces/ws1/workspacemembers",
                    r -> List.of(Map.of("username", "joiner", "roleRef", "ws1-viewer")), WS_WRITE),
            row("PUT", I + "/workspaces/{ws}/workspacemembers/{m}", r -> I + "/workspaces/ws1/workspacemembers/wsviewer",
                    r -> Map.of("username", "wsviewer", "roleRef", "ws1-viewer"), WS_WRITE),
            row("DELETE", I + "/workspaces/{ws}/workspacemembers/{m}", r -> I + "/workspaces/ws1/workspacemembers/leaver-" + r, null,
                    WS_WRITE),
            row("GET", I + "/namespaces/{ns}/namespacemembers", r -> I + "/namespaces/p1/namespacemembers", null, PROJECT_READ),
            row("GET", I + "/namespaces/{ns}/namespacemembers/{m}", r -> I + "/namespaces/p1/namespacemembers/pviewer", null,
                    PROJECT_READ),
            row("POST", I + "/namespaces/{ns}/namespacemembers", r -> I + "/namespaces/p1/namespacemembers",
                    r -> List.of(Map.of("username", "wsviewer", "roleRef", "viewer")), PROJECT_WRITE),
            // wsviewer joined p1 in the POST row; pviewer could not be updated: not a workspace member (400)
            row("PUT", I + "/namespaces/{ns}/namespacemembers/{m}", r -> I + "/namespaces/p1/namespacemembers/wsviewer",
                    r -> Map.of("username", "wsviewer", "roleRef", "viewer"), PROJECT_WRITE),
            row("DELETE", I + "/namespaces/{ns}/namespacemembers/{m}", r -> I + "/namespaces/p1/namespacemembers/pleaver-" + r, null,
                    PROJECT_WRITE),
            row("GET", I + "/clustermembers", r -> I + "/clustermembers", null, ADMIN_ONLY),
            row("GET", I + "/clustermembers/{m}", r -> I + "/clustermembers/clusterguy", null, ADMIN_ONLY),
            row("POST", I + "/clustermembers", r -> I + "/clustermembers",
                    r -> List.of(Map.of("username", "clusterguy", "roleRef", "cluster-viewer")), ADMIN_ONLY),
            row("PUT", I + "/clustermembers/{m}", r -> I + "/clustermembers/clusterguy",
                    r -> Map.of("username", "clusterguy", "roleRef", "cluster-viewer"), ADMIN_ONLY),
            row("DELETE", I + "/clustermembers/{m}", r -> I + "/clustermembers/cleaver-" + r, null, ADMIN_ONLY),
            row("GET", R + "/{resources}", r -> R + "/namespaces", null, ADMIN_ONLY),
            // a workspace's own template is a workspace-scoped read for its members
            row("GET", R + "/{resources}/{name}", r -> R + "/workspacetemplates/ws1", null, s(401, 403, 200, 200, 403, 403, 200)),
            row("GET", R + "/namespaces/{ns}/{resources}", r -> R + "/namespaces/p1/configmaps", null, PROJECT_READ),
            row("GET", R + "/namespaces/{ns}/{resources}/{name}", r -> R + "/namespaces/p1/configmaps/cm", null, PROJECT_READ),
            // the tenancy kinds through the served-resource API (a sample: the routes are ServedResource's, covered for IAM)
            row("GET", "/kapis/cluster.kubesphere.io/v1alpha1/clusters", r -> "/kapis/cluster.kubesphere.io/v1alpha1/clusters", null,
                    ADMIN_ONLY),
            row("GET", "/kapis/quota.kubesphere.io/v1alpha2/workspaces/ws1/resourcequotas",
                    r -> "/kapis/quota.kubesphere.io/v1alpha2/workspaces/ws1/resourcequotas", null, s(401, 403, 200, 200, 403, 403, 200)));

    @TempDir
    static java.nio.file.Path dataDir;
    static Kernel kernel;
    static IamHttp http;
    static final Map<String, String> TOKENS = new LinkedHashMap<>();

    @BeforeAll
    static void boot() throws Exception {
        kernel = Kernel.start(KernelConfig.defaults(dataDir).withPort(0));
        http = new IamHttp(kernel.baseUri());
        await().atMost(Duration.ofSeconds(30)).until(() -> http.get("/readyz", null).statusCode() == 200);
        String admin = http.bearer("admin", "P@88w0rd");
        List<String> users = new ArrayList<>(List.of("regular", "wsviewer", "wsadmin", "pviewer", "padmin", "joiner", "clusterguy"));
        for (String r : ROLES) {
            users.addAll(List.of("leaver-" + r, "pleaver-" + r, "cleaver-" + r));
        }
        for (String user : users) {
            HttpResponse<String> r = http.json("POST", I + "/users", admin,
                    IamHttp.user(user, user + "@example.com", "Passw0rd1", "platform-regular"));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        for (var t : List.of(template("ws1", "wsadmin"), template("del-wsadmin", "wsadmin"), template("del-admin", "admin"))) {
            assertThat(http.json("POST", T + "/workspacetemplates", admin, t).statusCode()).isEqualTo(200);
        }
        try (KubernetesClient kube = kernel.embeddedCluster().newClient()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> kube.genericKubernetesResources(IamTypes.WORKSPACE_ROLES)
                    .withName("ws1-viewer").get() != null);
            for (String ns : List.of("p1", "dp-wsadmin", "dp-padmin", "dp-admin")) {
                HttpResponse<String> r = http.json("POST", T + "/workspaces/ws1/namespaces", admin, Map.of("metadata", Map.of("name", ns)));
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> List.of("p1", "dp-padmin").stream().allMatch(ns ->
                    kube.genericKubernetesResources(IamTypes.ROLES).inNamespace(ns).withName("admin").get() != null
                            && kube.genericKubernetesResources(IamTypes.ROLES).inNamespace(ns).withName("viewer").get() != null));
            MemberBindings bindings = new MemberBindings(kube);
            bindings.bind(MemberBindings.Scope.WORKSPACE, "ws1", "wsviewer", "ws1-viewer");
            // project members without a workspace role (bound directly, as a cluster admin could)
            bindings.bind(MemberBindings.Scope.NAMESPACE, "p1", "pviewer", "viewer");
            bindings.bind(MemberBindings.Scope.NAMESPACE, "p1", "padmin", "admin");
            bindings.bind(MemberBindings.Scope.NAMESPACE, "dp-padmin", "padmin", "admin");
            for (String r : ROLES) {
                bindings.bind(MemberBindings.Scope.WORKSPACE, "ws1", "leaver-" + r, "ws1-viewer");
                bindings.bind(MemberBindings.Scope.NAMESPACE, "p1", "pleaver-" + r, "viewer");
                bindings.bind(MemberBindings.Scope.CLUSTER, "", "cleaver-" + r, "cluster-viewer");
                kube.resourceQuotas().inNamespace("p1").resource(new ResourceQuotaBuilder().withNewMetadata().withName("dpq-" + r)
                        .endMetadata().withNewSpec().addToHard("pods", new Quantity("1")).endSpec().build()).create();
            }
            bindings.bind(MemberBindings.Scope.CLUSTER, "", "clusterguy", "cluster-viewer");
            for (var q : List.of(wsQuota("ws1-quota", "10"), wsQuota("dq-wsadmin", "1"), wsQuota("dq-admin", "1"))) {
                HttpResponse<String> r = http.json("POST", T + "/workspaces/ws1/resourcequotas", admin, q);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            }
            kube.resourceQuotas().inNamespace("p1").resource(new ResourceQuotaBuilder().withNewMetadata().withName("p1-quota")
                    .endMetadata().withNewSpec().addToHard("pods", new Quantity("1")).endSpec().build()).create();
            kube.configMaps().inNamespace("p1").resource(new ConfigMapBuilder().withNewMetadata().withName("cm").endMetadata().build())
                    .create();
        }
        TOKENS.put("admin", admin);
        for (String user : List.of("regular", "wsviewer", "wsadmin", "pviewer", "padmin")) {
            TOKENS.put(user, http.bearer(user, "Passw0rd1"));
        }
        // the authorizers see bindings through informers: wait until the last ones have arrived
        await().atMost(Duration.ofSeconds(20)).until(() ->
                http.get(T + "/workspaces/ws1/namespaces/dp-padmin", TOKENS.get("padmin")).statusCode() == 200
                        && http.get(T + "/workspaces/ws1/namespaces/p1", TOKENS.get("wsviewer")).statusCode() == 200
                        && http.get(T + "/workspaces/ws1/namespaces/p1", TOKENS.get("pviewer")).statusCode() == 200);
    }

    @AfterAll
    static void shutdown() {
        if (kernel != null) {
            kernel.close();
        }
    }

    @Test
    void everyTenancyRouteAnswersEachCallerAsExpected() throws Exception {
        List<String> mismatches = new ArrayList<>();
        for (Row row : MATRIX) {
            for (int i = 0; i < ROLES.size(); i++) {
                String role = ROLES.get(i);
                Object body = row.body() == null ? null : row.body().apply(role);
                HttpResponse<String> r = http.send(row.method(), row.path().apply(role), TOKENS.get(role),
                        body == null ? null : "application/json", body == null ? null : IamHttp.JSON.writeValueAsString(body));
                if (r.statusCode() != row.expected()[i]) {
                    mismatches.add(row.method() + " " + row.route() + " as " + role + ": expected " + row.expected()[i] + ", got "
                            + r.statusCode() + " " + r.body().substring(0, Math.min(160, r.body().length())));
                }
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void everyTenancyRouteHasAMatrixEntry() {
        TreeSet<String> served = new TreeSet<>();
        MOUNTS.forEach((type, prefix) -> {
            String classPath = type.getAnnotation(Path.class).value();
            for (Method m : type.getMethods()) {
                String method = httpMethod(m);
                if (method == null) {
                    continue;
                }
                Path p = m.getAnnotation(Path.class);
                served.add(method + " " + join(prefix, classPath, p == null ? "" : p.value()));
            }
        });
        TreeSet<String> covered = new TreeSet<>();
        MATRIX.forEach(r -> covered.add(r.method() + " " + r.route()));
        assertThat(covered).containsAll(served);
    }

    static String httpMethod(Method m) {
        for (Annotation a : m.getAnnotations()) {
            HttpMethod hm = a.annotationType().getAnnotation(HttpMethod.class);
            if (hm != null) {
                return hm.value();
            }
        }
        return null;
    }

    static String join(String... parts) {
        StringBuilder b = new StringBuilder();
        for (String p : parts) {
            String t = p.replaceAll("^/+|/+$", "");
            if (!t.isEmpty()) {
                b.append('/').append(t);
            }
        }
        return b.toString();
    }
}
