package io.tessera.kernel.iam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tessera.kernel.Kernel;
import io.tessera.kernel.config.KernelConfig;
import io.tessera.kernel.iam.api.IamTypes;
import io.tessera.kernel.iam.authz.SubjectAccessReviewResource;
import io.tessera.kernel.iam.bootstrap.Bootstrap;
import io.tessera.kernel.iam.config.ConfigResource;
import io.tessera.kernel.iam.oauth.OAuthResource;
import io.tessera.kernel.iam.oauth.WellKnownResource;
import io.tessera.kernel.iam.users.UsersResource;
import io.tessera.kernel.served.ServedResource;
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
 * Every route IAM serves × the seven callers → the expected status code, against the real
 * kernel chain. {@link #everyServedRouteHasAMatrixEntry()} fails when a route is added to an IAM
 * resource class without a row here.
 */
class AuthorizationMatrixIT {

    /** The callers, in column order. */
    static final List<String> ROLES = List.of("anonymous", "regular", "wsviewer", "wsadmin", "pviewer", "padmin", "admin");

    /** The resource classes IAM mounts, with the prefix IamModule mounts them under. */
    static final Map<Class<?>, String> MOUNTS = Map.of(
            OAuthResource.class, "/oauth",
            WellKnownResource.class, "/.well-known",
            UsersResource.class, "/kapis/iam.kubesphere.io/v1beta1",
            SubjectAccessReviewResource.class, "/kapis/iam.kubesphere.io/v1beta1",
            ServedResource.class, "/kapis/iam.kubesphere.io/v1beta1",
            ConfigResource.class, "/kapis/config.kubesphere.io/v1alpha2");

    record Row(String method, String route, Function<String, String> path, Function<String, Object> body, int[] expected) {
    }

    static final String IAM = "/kapis/iam.kubesphere.io/v1beta1";
    static final String CFG = "/kapis/config.kubesphere.io/v1alpha2";

    static int[] s(int... codes) {
        return codes;
    }

    /** anonymous, regular, wsviewer, wsadmin, pviewer, padmin, admin. The logout row runs last (it revokes the token). */
    static final List<Row> MATRIX = List.of(
            row("POST", "/oauth/token", r -> "/oauth/token", r -> Map.of(), s(400, 400, 400, 400, 400, 400, 400)),
            row("GET", "/oauth/authorize", r -> "/oauth/authorize?client_id=nope", null, s(400, 400, 400, 400, 400, 400, 400)),
            row("POST", "/oauth/authorize", r -> "/oauth/authorize", r -> Map.of(), s(400, 400, 400, 400, 400, 400, 400)),
            row("GET", "/oauth/callback/{callback}", r -> "/oauth/callback/nope?code=x", null, s(401, 401, 401, 401, 401, 401, 401)),
            row("POST", "/oauth/authenticate", r -> "/oauth/authenticate", r -> Map.of("spec", Map.of()),
                    s(401, 400, 400, 400, 400, 400, 400)),
            row("GET", "/oauth/userinfo", r -> "/oauth/userinfo", null, s(401, 200, 200, 200, 200, 200, 200)),
            row("GET", "/oauth/keys", r -> "/oauth/keys", null, s(200, 200, 200, 200, 200, 200, 200)),
            row("GET", "/.well-known/openid-configuration", r -> "/.well-known/openid-configuration", null,
                    s(200, 200, 200, 200, 200, 200, 200)),
            row("GET", IAM + "/users", r -> IAM + "/users", null, s(401, 403, 403, 200, 403, 200, 200)),
            row("POST", IAM + "/users", r -> IAM + "/users", r -> IamHttp.user("new-" + r, "new-" + r + "@example.com", "Passw0rd1", null),
                    s(401, 403, 403, 403, 403, 403, 200)),
            row("GET", IAM + "/users/{user}", r -> IAM + "/users/victim", null, s(401, 403, 403, 403, 403, 403, 200)),
            row("PUT", IAM + "/users/{user}", r -> IAM + "/users/victim",
                    r -> Map.of("metadata", Map.of("name", "victim"), "spec", Map.of("email", "victim@example.com", "lang", "en")),
                    s(401, 403, 403, 403, 403, 403, 200)),
            row("DELETE", IAM + "/users/{user}", r -> IAM + "/users/doomed", null, s(401, 403, 403, 403, 403, 403, 200)),
            row("PUT", IAM + "/users/{user}/password", r -> IAM + "/users/victim/password",
                    r -> Map.of("password", "Victim999"), s(401, 403, 403, 403, 403, 403, 200)),
            row("GET", IAM + "/users/{user}/loginrecords", r -> IAM + "/users/victim/loginrecords", null,
                    s(401, 403, 403, 403, 403, 403, 200)),
            row("GET", IAM + "/users/{user}/roletemplates", r -> IAM + "/users/victim/roletemplates", null,
                    s(401, 403, 403, 403, 403, 403, 200)),
            row("POST", IAM + "/subjectaccessreviews", r -> IAM + "/subjectaccessreviews",
                    r -> Map.of("spec", Map.of("user", r, "resourceAttributes", Map.of("verb", "list", "resource", "namespaces",
                            "workspace", "ws1"))), s(401, 200, 200, 200, 200, 200, 200)),
            row("GET", IAM + "/{resources}", r -> IAM + "/globalroles", null, s(401, 403, 403, 403, 403, 403, 200)),
            row("GET", IAM + "/{resources}/{name}", r -> IAM + "/globalroles/platform-regular", null, s(401, 403, 403, 403, 403, 403, 200)),
            row("POST", IAM + "/{resources}", r -> IAM + "/globalroles", r -> role("GlobalRole", "new-" + r, null),
                    s(401, 403, 403, 403, 403, 403, 200)),
            row("PUT", IAM + "/{resources}/{name}", r -> IAM + "/globalroles/matrix", r -> role("GlobalRole", "matrix", null),
                    s(401, 403, 403, 403, 403, 403, 200)),
            row("PATCH", IAM + "/{resources}/{name}", r -> IAM + "/globalroles/matrix", r -> role("GlobalRole", "matrix", null),
                    s(401, 403, 403, 403, 403, 403, 200)),
            row("DELETE", IAM + "/{resources}/{name}", r -> IAM + "/globalroles/del-" + r, null, s(401, 403, 403, 403, 403, 403, 200)),
            row("GET", IAM + "/workspaces/{workspace}/{resources}", r -> IAM + "/workspaces/ws1/workspaceroles", null,
                    s(401, 403, 200, 200, 403, 403, 200)),
            row("GET", IAM + "/workspaces/{workspace}/{resources}/{name}", r -> IAM + "/workspaces/ws1/workspaceroles/ws1-viewer", null,
                    s(401, 403, 200, 200, 403, 403, 200)),
            row("POST", IAM + "/workspaces/{workspace}/{resources}", r -> IAM + "/workspaces/ws1/workspaceroles",
                    r -> role("WorkspaceRole", "ws1-new-" + r, null), s(401, 403, 403, 200, 403, 403, 200)),
            row("PUT", IAM + "/workspaces/{workspace}/{resources}/{name}", r -> IAM + "/workspaces/ws1/workspaceroles/ws1-matrix",
                    r -> role("WorkspaceRole", "ws1-matrix", null), s(401, 403, 403, 200, 403, 403, 200)),
            row("PATCH", IAM + "/workspaces/{workspace}/{resources}/{name}", r -> IAM + "/workspaces/ws1/workspaceroles/ws1-matrix",
                    r -> role("WorkspaceRole", "ws1-matrix", null), s(401, 403, 403, 200, 403, 403, 200)),
            row("DELETE", IAM + "/workspaces/{workspace}/{resources}/{name}", r -> IAM + "/workspaces/ws1/workspaceroles/ws1-del-" + r,
                    null, s(401, 403, 403, 200, 403, 403, 200)),
            row("GET", IAM + "/namespaces/{namespace}/{resources}", r -> IAM + "/namespaces/p1/roles", null,
                    s(401, 403, 200, 200, 200, 200, 200)),
            row("GET", IAM + "/namespaces/{namespace}/{resources}/{name}", r -> IAM + "/namespaces/p1/roles/viewer", null,
                    s(401, 403, 200, 200, 200, 200, 200)),
            row("POST", IAM + "/namespaces/{namespace}/{resources}", r -> IAM + "/namespaces/p1/roles",
                    r -> role("Role", "new-" + r, "p1"), s(401, 403, 403, 200, 403, 200, 200)),
            row("PUT", IAM + "/namespaces/{namespace}/{resources}/{name}", r -> IAM + "/namespaces/p1/roles/matrix",
                    r -> role("Role", "matrix", "p1"), s(401, 403, 403, 200, 403, 200, 200)),
            row("PATCH", IAM + "/namespaces/{namespace}/{resources}/{name}", r -> IAM + "/namespaces/p1/roles/matrix",
                    r -> role("Role", "matrix", "p1"), s(401, 403, 403, 200, 403, 200, 200)),
            row("DELETE", IAM + "/namespaces/{namespace}/{resources}/{name}", r -> IAM + "/namespaces/p1/roles/del-" + r, null,
                    s(401, 403, 403, 200, 403, 200, 200)),
            row("GET", CFG + "/configs/oauth", r -> CFG + "/configs/oauth", null, s(200, 200, 200, 200, 200, 200, 200)),
            row("GET", CFG + "/configs/configz", r -> CFG + "/configs/configz", null, s(200, 200, 200, 200, 200, 200, 200)),
            row("GET", CFG + "/configs/theme", r -> CFG + "/configs/theme", null, s(200, 200, 200, 200, 200, 200, 200)),
            row("PUT", CFG + "/configs/theme", r -> CFG + "/configs/theme", r -> Map.of("title", "matrix"),
                    s(401, 403, 403, 403, 403, 403, 200)),
            row("GET", "/oauth/logout", r -> "/oauth/logout", null, s(401, 200, 200, 200, 200, 200, 200)));

    static Row row(String method, String route, Function<String, String> path, Function<String, Object> body, int[] expected) {
        return new Row(method, route, path, body, expected);
    }

    static Map<String, Object> role(String kind, String name, String namespace) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        if (namespace != null) {
            metadata.put("namespace", namespace);
        }
        return Map.of("apiVersion", IamTypes.API_VERSION, "kind", kind, "metadata", metadata,
                "rules", List.of(Map.of("apiGroups", List.of(""), "resources", List.of("configmaps"), "verbs", List.of("get"))));
    }

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
        for (String user : List.of("regular", "wsviewer", "wsadmin", "pviewer", "padmin", "victim", "doomed")) {
            HttpResponse<String> r = http.json("POST", IAM + "/users", admin,
                    IamHttp.user(user, user + "@example.com", "Passw0rd1", "platform-regular"));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        try (KubernetesClient client = kernel.embeddedCluster().newClient()) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("p1")
                    .withLabels(Map.of("kubesphere.io/workspace", "ws1", "kubesphere.io/managed", "true")).endMetadata().build()).create();
            // what the tenancy controller makes from the BuiltinRoles for ws1 and p1
            ObjectMapper json = new ObjectMapper();
            for (GenericKubernetesResource builtin : client.genericKubernetesResources(IamTypes.BUILTIN_ROLES).list().getItems()) {
                GenericKubernetesResource role = json.convertValue(builtin.getAdditionalProperties().get("role"), GenericKubernetesResource.class);
                if ("WorkspaceRole".equals(role.getKind())) {
                    role.getMetadata().setName("ws1-" + role.getMetadata().getName());
                    role.getMetadata().setLabels(Map.of("kubesphere.io/workspace", "ws1"));
                    client.genericKubernetesResources(IamTypes.WORKSPACE_ROLES).resource(role).create();
                } else {
                    role.getMetadata().setNamespace("p1");
                    client.genericKubernetesResources(IamTypes.ROLES).inNamespace("p1").resource(role).create();
                }
            }
            bind(client, "WorkspaceRoleBinding", "wsviewer", "WorkspaceRole", "ws1-viewer", null);
            bind(client, "WorkspaceRoleBinding", "wsadmin", "WorkspaceRole", "ws1-admin", null);
            bind(client, "RoleBinding", "pviewer", "Role", "viewer", "p1");
            bind(client, "RoleBinding", "padmin", "Role", "admin", "p1");
            create(client, IamTypes.GLOBAL_ROLES, role("GlobalRole", "matrix", null));
            create(client, IamTypes.GLOBAL_ROLES, role("GlobalRole", "del-admin", null));
            create(client, IamTypes.WORKSPACE_ROLES, withWorkspace(role("WorkspaceRole", "ws1-matrix", null)));
            create(client, IamTypes.WORKSPACE_ROLES, withWorkspace(role("WorkspaceRole", "ws1-del-wsadmin", null)));
            create(client, IamTypes.WORKSPACE_ROLES, withWorkspace(role("WorkspaceRole", "ws1-del-admin", null)));
            for (String name : List.of("matrix", "del-wsadmin", "del-padmin", "del-admin")) {
                create(client, IamTypes.ROLES, role("Role", name, "p1"));
            }
        }
        TOKENS.put("admin", admin);
        for (String user : List.of("regular", "wsviewer", "wsadmin", "pviewer", "padmin")) {
            TOKENS.put(user, http.bearer(user, "Passw0rd1"));
        }
        // the authorizer sees bindings through informers: wait until the last one has arrived
        await().atMost(Duration.ofSeconds(20)).until(() ->
                http.get(IAM + "/namespaces/p1/roles", TOKENS.get("padmin")).statusCode() == 200
                        && http.get(IAM + "/workspaces/ws1/workspaceroles", TOKENS.get("wsadmin")).statusCode() == 200);
    }

    static Map<String, Object> withWorkspace(Map<String, Object> role) {
        Map<String, Object> copy = new LinkedHashMap<>(role);
        copy.put("metadata", Map.of("name", ((Map<?, ?>) role.get("metadata")).get("name"), "labels",
                Map.of("kubesphere.io/workspace", "ws1")));
        return copy;
    }

    static void create(KubernetesClient client, io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext ctx, Map<String, Object> obj) {
        GenericKubernetesResource r = new ObjectMapper().convertValue(obj, GenericKubernetesResource.class);
        var op = client.genericKubernetesResources(ctx);
        (ctx.isNamespaceScoped() ? op.inNamespace(r.getMetadata().getNamespace()) : op).resource(r).create();
    }

    static void bind(KubernetesClient client, String kind, String user, String roleKind, String role, String ns) {
        GenericKubernetesResource b = Bootstrap.globalRoleBinding(user + "-" + role, user, role);
        b.setKind(kind);
        b.getAdditionalProperties().put("roleRef", Map.of("apiGroup", IamTypes.GROUP, "kind", roleKind, "name", role));
        if ("WorkspaceRoleBinding".equals(kind)) {
            b.getMetadata().setLabels(Map.of("kubesphere.io/workspace", "ws1", IamTypes.LABEL_USER_REF, user));
            client.genericKubernetesResources(IamTypes.WORKSPACE_ROLE_BINDINGS).resource(b).create();
        } else {
            b.getMetadata().setNamespace(ns);
            client.genericKubernetesResources(IamTypes.ROLE_BINDINGS).inNamespace(ns).resource(b).create();
        }
    }

    @AfterAll
    static void shutdown() {
        if (kernel != null) {
            kernel.close();
        }
    }

    @Test
    void everyRouteAnswersEachCallerAsExpected() throws Exception {
        List<String> mismatches = new ArrayList<>();
        for (Row row : MATRIX) {
            for (int i = 0; i < ROLES.size(); i++) {
                String role = ROLES.get(i);
                Object body = row.body() == null ? null : row.body().apply(role);
                boolean form = row.method().equals("POST") && (row.route().equals("/oauth/token") || row.route().equals("/oauth/authorize"));
                String contentType = form ? "application/x-www-form-urlencoded" : "application/json";
                HttpResponse<String> r = http.send(row.method(), row.path().apply(role), TOKENS.get(role),
                        body == null ? null : contentType,
                        body == null ? null : form ? "" : IamHttp.JSON.writeValueAsString(body));
                if (r.statusCode() != row.expected()[i]) {
                    mismatches.add(row.method() + " " + row.route() + " as " + role + ": expected " + row.expected()[i] + ", got "
                            + r.statusCode() + " " + r.body().substring(0, Math.min(160, r.body().length())));
                }
            }
        }
        assertThat(mismatches).isEmpty();
    }

    @Test
    void everyServedRouteHasAMatrixEntry() {
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
