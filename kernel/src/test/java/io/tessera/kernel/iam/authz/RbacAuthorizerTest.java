package io.tessera.kernel.iam.authz;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.tessera.kernel.iam.bootstrap.Bootstrap;
import io.tessera.kernel.iam.roles.RoleAggregation;
import io.tessera.kernel.routing.RequestInfoResolver;
import io.tessera.kernel.security.UserInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The evaluator over the shipped built-in roles and templates (aggregated as the controller does),
 * with requests parsed by the kernel's own RequestInfoResolver: one user per role of the issue.
 */
class RbacAuthorizerTest {

    static RbacAuthorizer rbac;
    static final UserInfo ADMIN = user("admin");
    static final UserInfo ALICE = user("alice"); // platform-regular only
    static final UserInfo WS_ADMIN = user("wsadmin");
    static final UserInfo WS_VIEWER = user("wsviewer");
    static final UserInfo P_ADMIN = user("padmin");
    static final UserInfo P_VIEWER = user("pviewer");
    static final UserInfo C_VIEWER = user("cviewer");

    @BeforeAll
    static void index() {
        Bootstrap bootstrap = new Bootstrap(null);
        List<GenericKubernetesResource> templates = bootstrap.load("/iam/builtin/roletemplates.yaml");
        RbacIndex index = new RbacIndex();
        for (GenericKubernetesResource obj : bootstrap.load("/iam/builtin/roles.yaml")) {
            switch (obj.getKind()) {
                case "GlobalRole", "ClusterRole" -> index.putRole(aggregated(obj, templates));
                case "GlobalRoleBinding" -> index.putBinding(obj);
                case "BuiltinRole" -> {
                    // what the tenancy controller does for workspace ws1 and project p1
                    GenericKubernetesResource role = new com.fasterxml.jackson.databind.ObjectMapper()
                            .convertValue(obj.getAdditionalProperties().get("role"), GenericKubernetesResource.class);
                    String base = role.getMetadata().getName();
                    if ("WorkspaceRole".equals(role.getKind())) {
                        role.getMetadata().setName("ws1-" + base);
                    } else {
                        role.getMetadata().setNamespace("p1");
                    }
                    index.putRole(aggregated(role, templates));
                }
                default -> {
                }
            }
        }
        index.putBinding(binding("GlobalRoleBinding", "admin", null, null, "admin", "GlobalRole", "platform-admin"));
        index.putBinding(binding("GlobalRoleBinding", "alice-platform-regular", null, null, "alice", "GlobalRole", "platform-regular"));
        index.putBinding(binding("WorkspaceRoleBinding", "wsadmin-ws1-admin", null, "ws1", "wsadmin", "WorkspaceRole", "ws1-admin"));
        index.putBinding(binding("WorkspaceRoleBinding", "wsviewer-ws1-viewer", null, "ws1", "wsviewer", "WorkspaceRole", "ws1-viewer"));
        index.putBinding(binding("RoleBinding", "padmin-admin", "p1", null, "padmin", "Role", "admin"));
        index.putBinding(binding("RoleBinding", "pviewer-viewer", "p1", null, "pviewer", "Role", "viewer"));
        index.putBinding(binding("ClusterRoleBinding", "cviewer-cluster-viewer", null, null, "cviewer", "ClusterRole", "cluster-viewer"));
        index.putNamespace(new NamespaceBuilder().withNewMetadata().withName("p1").withLabels(Map.of("kubesphere.io/workspace", "ws1"))
                .endMetadata().build());
        index.putNamespace(new NamespaceBuilder().withNewMetadata().withName("p2").withLabels(Map.of("kubesphere.io/workspace", "ws2"))
                .endMetadata().build());
        rbac = new RbacAuthorizer(index);
    }

    static GenericKubernetesResource aggregated(GenericKubernetesResource role, List<GenericKubernetesResource> templates) {
        GenericKubernetesResource a = RoleAggregation.aggregate(role, templates);
        return a == null ? role : a;
    }

    static UserInfo user(String name) {
        return new UserInfo(name, "", List.of(UserInfo.AUTHENTICATED_GROUP), Map.of());
    }

    static GenericKubernetesResource binding(String kind, String name, String ns, String ws, String user, String roleKind, String role) {
        GenericKubernetesResource b = new GenericKubernetesResource();
        b.setApiVersion("iam.kubesphere.io/v1beta1");
        b.setKind(kind);
        b.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns)
                .withLabels(ws == null ? Map.of() : Map.of("kubesphere.io/workspace", ws)).build());
        b.getAdditionalProperties().put("subjects", List.of(Map.of("kind", "User", "apiGroup", "iam.kubesphere.io", "name", user)));
        b.getAdditionalProperties().put("roleRef", Map.of("apiGroup", "iam.kubesphere.io", "kind", roleKind, "name", role));
        return b;
    }

    static boolean allowed(UserInfo u, String method, String path) {
        int q = path.indexOf('?');
        return rbac.authorize(u, RequestInfoResolver.resolve(method, q < 0 ? path : path.substring(0, q),
                q < 0 ? null : path.substring(q + 1))).allowed();
    }

    @Test
    void platformAdminMayDoAnything() {
        assertThat(allowed(ADMIN, "GET", "/kapis/iam.kubesphere.io/v1beta1/users")).isTrue();
        assertThat(allowed(ADMIN, "DELETE", "/kapis/iam.kubesphere.io/v1beta1/users/alice")).isTrue();
        assertThat(allowed(ADMIN, "GET", "/api/v1/namespaces/p2/pods")).isTrue();
        assertThat(allowed(ADMIN, "POST", "/kapis/tenant.kubesphere.io/v1beta1/workspaces/ws9/namespaces")).isTrue();
        assertThat(allowed(ADMIN, "GET", "/metrics")).isTrue();
    }

    @Test
    void platformRegularReadsOnlyHerself() {
        assertThat(allowed(ALICE, "GET", "/kapis/iam.kubesphere.io/v1beta1/users")).isFalse();
        assertThat(allowed(ALICE, "GET", "/kapis/iam.kubesphere.io/v1beta1/users/alice")).isTrue();
        assertThat(allowed(ALICE, "PUT", "/kapis/iam.kubesphere.io/v1beta1/users/alice/password")).isTrue();
        assertThat(allowed(ALICE, "GET", "/kapis/iam.kubesphere.io/v1beta1/users/alice/loginrecords")).isTrue();
        assertThat(allowed(ALICE, "GET", "/kapis/iam.kubesphere.io/v1beta1/users/bob")).isFalse();
        assertThat(allowed(ALICE, "DELETE", "/kapis/iam.kubesphere.io/v1beta1/users/alice")).isFalse();
        assertThat(allowed(ALICE, "GET", "/api/v1/namespaces/p1/pods")).isFalse();
        assertThat(allowed(ALICE, "GET", "/metrics")).isFalse();
        assertThat(allowed(ALICE, "GET", "/kapis/iam.kubesphere.io/v1beta1/roletemplates")).isTrue();
        assertThat(allowed(ALICE, "GET", "/oauth/userinfo")).isTrue();
        assertThat(rbac.canManageMembersSomewhere(ALICE)).isFalse();
    }

    @Test
    void anonymousReadsConfigsOnly() {
        assertThat(allowed(UserInfo.ANONYMOUS, "GET", "/kapis/config.kubesphere.io/v1alpha2/configs/oauth")).isTrue();
        assertThat(allowed(UserInfo.ANONYMOUS, "PUT", "/kapis/config.kubesphere.io/v1alpha2/configs/theme")).isFalse();
        assertThat(allowed(UserInfo.ANONYMOUS, "GET", "/kapis/iam.kubesphere.io/v1beta1/users/system:anonymous")).isFalse();
        assertThat(allowed(UserInfo.ANONYMOUS, "GET", "/kapis/iam.kubesphere.io/v1beta1/users")).isFalse();
    }

    @Test
    void workspaceAdminManagesTheWorkspaceAndItsProjectsAndMayListUserNames() {
        assertThat(allowed(WS_ADMIN, "GET", "/kapis/tenant.kubesphere.io/v1beta1/workspaces/ws1/namespaces")).isTrue();
        assertThat(allowed(WS_ADMIN, "POST", "/kapis/tenant.kubesphere.io/v1beta1/workspaces/ws1/namespaces")).isTrue();
        assertThat(allowed(WS_ADMIN, "POST", "/kapis/tenant.kubesphere.io/v1beta1/workspaces/ws2/namespaces")).isFalse();
        assertThat(allowed(WS_ADMIN, "DELETE", "/api/v1/namespaces/p1/pods/x")).isTrue();
        assertThat(allowed(WS_ADMIN, "DELETE", "/api/v1/namespaces/p2/pods/x")).isFalse();
        assertThat(rbac.canManageMembersSomewhere(WS_ADMIN)).isTrue();
        assertThat(rbac.canListAllUsers(WS_ADMIN)).isFalse();
        assertThat(allowed(WS_ADMIN, "GET", "/kapis/iam.kubesphere.io/v1beta1/users")).isTrue();
        assertThat(allowed(WS_ADMIN, "GET", "/kapis/iam.kubesphere.io/v1beta1/users/bob")).isFalse();
    }

    @Test
    void workspaceViewerReadsButDoesNotWrite() {
        assertThat(allowed(WS_VIEWER, "GET", "/kapis/tenant.kubesphere.io/v1beta1/workspaces/ws1/namespaces")).isTrue();
        assertThat(allowed(WS_VIEWER, "GET", "/api/v1/namespaces/p1/pods")).isTrue();
        assertThat(allowed(WS_VIEWER, "POST", "/kapis/tenant.kubesphere.io/v1beta1/workspaces/ws1/namespaces")).isFalse();
        assertThat(allowed(WS_VIEWER, "DELETE", "/api/v1/namespaces/p1/pods/x")).isFalse();
        assertThat(rbac.canManageMembersSomewhere(WS_VIEWER)).isFalse();
        assertThat(allowed(WS_VIEWER, "GET", "/kapis/iam.kubesphere.io/v1beta1/users")).isFalse();
    }

    @Test
    void projectRolesApplyInTheirNamespaceOnly() {
        assertThat(allowed(P_VIEWER, "GET", "/api/v1/namespaces/p1/pods")).isTrue();
        assertThat(allowed(P_VIEWER, "DELETE", "/api/v1/namespaces/p1/pods/x")).isFalse();
        assertThat(allowed(P_VIEWER, "GET", "/api/v1/namespaces/p2/pods")).isFalse();
        assertThat(allowed(P_ADMIN, "DELETE", "/api/v1/namespaces/p1/pods/x")).isTrue();
        assertThat(allowed(P_ADMIN, "POST", "/kapis/iam.kubesphere.io/v1beta1/workspaces/ws1/workspacemembers")).isFalse();
        assertThat(rbac.canManageMembersSomewhere(P_ADMIN)).isTrue();
        assertThat(rbac.canManageMembersSomewhere(P_VIEWER)).isFalse();
    }

    @Test
    void clusterViewerReadsClusterResourcesButNotGlobalOnes() {
        assertThat(allowed(C_VIEWER, "GET", "/api/v1/nodes")).isTrue();
        assertThat(allowed(C_VIEWER, "DELETE", "/api/v1/nodes/n1")).isFalse();
        assertThat(allowed(C_VIEWER, "GET", "/api/v1/namespaces/p2/pods")).isTrue();
        assertThat(allowed(C_VIEWER, "GET", "/kapis/iam.kubesphere.io/v1beta1/users")).isFalse();
        assertThat(allowed(C_VIEWER, "GET", "/metrics")).isTrue();
    }

    @Test
    void removedBindingNoLongerGrants() {
        RbacIndex index = rbac.index();
        GenericKubernetesResource b = binding("RoleBinding", "tmp-viewer", "p2", null, "tmp", "Role", "viewer");
        GenericKubernetesResource role = new GenericKubernetesResource();
        role.setKind("Role");
        role.setMetadata(new ObjectMetaBuilder().withName("viewer").withNamespace("p2").build());
        role.getAdditionalProperties().put("rules", List.of(Map.of("apiGroups", List.of("*"), "resources", List.of("*"),
                "verbs", List.of("get"))));
        index.putRole(role);
        index.putBinding(b);
        assertThat(allowed(user("tmp"), "GET", "/api/v1/namespaces/p2/pods/x")).isTrue();
        index.removeBinding(b);
        assertThat(allowed(user("tmp"), "GET", "/api/v1/namespaces/p2/pods/x")).isFalse();
    }

    @Test
    void rolesWithTheSameRulesShareOneListAndEachKeepsItsOwnWhenOneChangesOrGoes() {
        RbacIndex index = new RbacIndex();
        List<Map<String, Object>> viewer = List.of(Map.of("apiGroups", List.of("*"), "resources", List.of("*"), "verbs", List.of("get")));
        index.putRole(role("p1", "viewer", viewer));
        index.putRole(role("p2", "viewer", viewer));
        assertThat(index.rules("Role", "p2", "viewer")).isSameAs(index.rules("Role", "p1", "viewer")).hasSize(1);

        index.putRole(role("p1", "viewer", List.of(Map.of("apiGroups", List.of("*"), "resources", List.of("*"), "verbs", List.of("list")))));
        assertThat(index.rules("Role", "p1", "viewer").get(0).verbs()).containsExactly("list");
        assertThat(index.rules("Role", "p2", "viewer").get(0).verbs()).containsExactly("get");

        index.removeRole(role("p2", "viewer", viewer));
        assertThat(index.hasRole("Role", "p2", "viewer")).isFalse();
        assertThat(index.rules("Role", "p2", "viewer")).isEmpty();
        index.putRole(role("p3", "viewer", viewer)); // the shared list went with its last holder; a new one is made
        assertThat(index.rules("Role", "p3", "viewer").get(0).verbs()).containsExactly("get");
        assertThat(index.hasRole("Role", "p3", "viewer")).isTrue();
    }

    private static GenericKubernetesResource role(String namespace, String name, List<Map<String, Object>> rules) {
        GenericKubernetesResource role = new GenericKubernetesResource();
        role.setKind("Role");
        role.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        role.getAdditionalProperties().put("rules", rules);
        return role;
    }

    @Test
    void serviceAccountSubjectsUseKubeSphereNames() {
        assertThat(RbacIndex.subjectKey(Map.of("kind", "ServiceAccount", "apiGroup", "kubesphere.io", "name", "ci", "namespace", "p1"), ""))
                .isEqualTo("u:kubesphere:serviceaccount:p1:ci");
        assertThat(RbacIndex.subjectKey(Map.of("kind", "ServiceAccount", "apiGroup", "rbac.authorization.k8s.io", "name", "ci"), "p1"))
                .isEqualTo("u:system:serviceaccount:p1:ci");
        assertThat(RbacIndex.subjectKey(Map.of("kind", "ServiceAccount", "apiGroup", "", "name", "ci", "namespace", "p1"), "")).isNull();
    }

    @Test
    void ruleMatchingFollowsKubernetes() {
        PolicyRule r = PolicyRule.from(Map.of("apiGroups", List.of(""), "resources", List.of("pods", "*/log"), "verbs", List.of("get"),
                "resourceNames", List.of("a")));
        assertThat(r.matchesResource(AccessRequest.resource("get", "", "pods", "", "a", "", "p1", null))).isTrue();
        assertThat(r.matchesResource(AccessRequest.resource("get", "", "pods", "", "b", "", "p1", null))).isFalse();
        assertThat(r.matchesResource(AccessRequest.resource("get", "", "pods", "log", "a", "", "p1", null))).isTrue();
        assertThat(r.matchesResource(AccessRequest.resource("get", "", "pods", "exec", "a", "", "p1", null))).isFalse();
        assertThat(r.matchesResource(AccessRequest.resource("list", "", "pods", "", "a", "", "p1", null))).isFalse();
        PolicyRule nr = PolicyRule.from(Map.of("nonResourceURLs", List.of("/static/images/*"), "verbs", List.of("GET")));
        assertThat(nr.matchesNonResource("get", "/static/images/logo.png")).isTrue();
        assertThat(nr.matchesNonResource("post", "/static/images/logo.png")).isFalse();
        assertThat(nr.matchesNonResource("get", "/static/other")).isFalse();
    }

    /** Collects a few allowed-paths for the record; fails if any is denied. */
    @Test
    void alwaysAllowedPathsNeedNoRole() {
        List<String> denied = new ArrayList<>();
        for (String p : List.of("/oauth/logout", "/.well-known/openid-configuration", "/version", "/healthz", "/dist/x/index.js")) {
            if (!allowed(ALICE, "GET", p)) {
                denied.add(p);
            }
        }
        assertThat(denied).isEmpty();
    }
}
