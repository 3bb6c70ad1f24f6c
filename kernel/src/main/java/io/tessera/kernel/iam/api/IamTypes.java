package io.tessera.kernel.iam.api;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The IAM kinds (reference §3.1) as fabric8 contexts, and the labels and annotations KubeSphere
 * gives meaning to. IAM objects are handled as {@link GenericKubernetesResource}s: their JSON is
 * what the wire carries, and the helpers below read the few fields the kernel needs.
 */
public final class IamTypes {

    public static final String GROUP = "iam.kubesphere.io";
    public static final String VERSION = "v1beta1";
    public static final String API_VERSION = GROUP + "/" + VERSION;
    public static final String SYSTEM_NAMESPACE = "kubesphere-system";

    public static final ResourceDefinitionContext USERS = cluster("User", "users");
    public static final ResourceDefinitionContext LOGIN_RECORDS = cluster("LoginRecord", "loginrecords");
    public static final ResourceDefinitionContext GLOBAL_ROLES = cluster("GlobalRole", "globalroles");
    public static final ResourceDefinitionContext GLOBAL_ROLE_BINDINGS = cluster("GlobalRoleBinding", "globalrolebindings");
    public static final ResourceDefinitionContext WORKSPACE_ROLES = cluster("WorkspaceRole", "workspaceroles");
    public static final ResourceDefinitionContext WORKSPACE_ROLE_BINDINGS = cluster("WorkspaceRoleBinding", "workspacerolebindings");
    public static final ResourceDefinitionContext CLUSTER_ROLES = cluster("ClusterRole", "clusterroles");
    public static final ResourceDefinitionContext CLUSTER_ROLE_BINDINGS = cluster("ClusterRoleBinding", "clusterrolebindings");
    public static final ResourceDefinitionContext ROLES = namespaced("Role", "roles");
    public static final ResourceDefinitionContext ROLE_BINDINGS = namespaced("RoleBinding", "rolebindings");
    public static final ResourceDefinitionContext ROLE_TEMPLATES = cluster("RoleTemplate", "roletemplates");
    public static final ResourceDefinitionContext CATEGORIES = cluster("Category", "categories");
    public static final ResourceDefinitionContext BUILTIN_ROLES = cluster("BuiltinRole", "builtinroles");
    public static final ResourceDefinitionContext SERVICE_ACCOUNTS = new ResourceDefinitionContext.Builder()
            .withGroup("kubesphere.io").withVersion("v1alpha1").withKind("ServiceAccount").withPlural("serviceaccounts")
            .withNamespaced(true).build();

    /** Every IAM kind by plural, for the served-resource API and the bootstrap. */
    public static final Map<String, ResourceDefinitionContext> BY_PLURAL;

    static {
        Map<String, ResourceDefinitionContext> m = new LinkedHashMap<>();
        for (ResourceDefinitionContext c : List.of(USERS, LOGIN_RECORDS, GLOBAL_ROLES, GLOBAL_ROLE_BINDINGS, WORKSPACE_ROLES,
                WORKSPACE_ROLE_BINDINGS, CLUSTER_ROLES, CLUSTER_ROLE_BINDINGS, ROLES, ROLE_BINDINGS, ROLE_TEMPLATES, CATEGORIES,
                BUILTIN_ROLES)) {
            m.put(c.getPlural(), c);
        }
        BY_PLURAL = Map.copyOf(m);
    }

    /**
     * Kinds served by the generic served-resource API (reference §5.2). Users are not: their
     * password hash must never leave, so only the Users API serves them.
     */
    public static final Map<String, ResourceDefinitionContext> SERVED;

    static {
        Map<String, ResourceDefinitionContext> m = new LinkedHashMap<>(BY_PLURAL);
        m.remove("users");
        // departments (reference §4.4): their CRDs come with the tenancy module
        m.put("groups", cluster("Group", "groups"));
        m.put("groupbindings", cluster("GroupBinding", "groupbindings"));
        SERVED = Map.copyOf(m);
    }

    public static final String LABEL_USER_REF = "iam.kubesphere.io/user-ref";
    public static final String LABEL_ROLE_REF = "iam.kubesphere.io/role-ref";
    public static final String LABEL_SCOPE = "iam.kubesphere.io/scope";
    public static final String LABEL_WORKSPACE = "kubesphere.io/workspace";
    public static final String LABEL_MANAGED = "kubesphere.io/managed";

    public static final String ANN_GLOBALROLE = "iam.kubesphere.io/globalrole";
    public static final String ANN_UNINITIALIZED = "iam.kubesphere.io/uninitialized";
    public static final String ANN_LAST_PASSWORD_CHANGE = "iam.kubesphere.io/last-password-change-time";
    public static final String ANN_IDP_PREFIX = "iam.kubesphere.io/identity-provider.";
    public static final String ANN_AUTO_AGGREGATE = "iam.kubesphere.io/auto-aggregate";
    public static final String ANN_ALIAS_NAME = "kubesphere.io/alias-name";
    public static final String ANN_CREATOR = "kubesphere.io/creator";
    /**
     * Tessera's revocation mark (docs/iam.md): tokens of this user issued before this instant
     * (epoch seconds) are rejected on every replica.
     */
    public static final String ANN_TOKENS_NOT_BEFORE = "iam.tessera.io/tokens-not-before";

    public static final String STATE_ACTIVE = "Active";
    public static final String STATE_DISABLED = "Disabled";
    public static final String STATE_AUTH_LIMIT_EXCEEDED = "AuthLimitExceeded";

    private IamTypes() {
    }

    private static ResourceDefinitionContext cluster(String kind, String plural) {
        return new ResourceDefinitionContext.Builder().withGroup(GROUP).withVersion(VERSION).withKind(kind)
                .withPlural(plural).withNamespaced(false).build();
    }

    private static ResourceDefinitionContext namespaced(String kind, String plural) {
        return new ResourceDefinitionContext.Builder().withGroup(GROUP).withVersion(VERSION).withKind(kind)
                .withPlural(plural).withNamespaced(true).build();
    }

    /** A top-level map field (spec, status, roleRef, …), created when absent. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> section(GenericKubernetesResource r, String key) {
        Object v = r.getAdditionalProperties().get(key);
        if (v instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        Map<String, Object> created = new LinkedHashMap<>();
        r.getAdditionalProperties().put(key, created);
        return created;
    }

    /** A top-level map field for reading: never modifies the object (it may be an informer's). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> read(GenericKubernetesResource r, String key) {
        Object v = r.getAdditionalProperties().get(key);
        return v instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** A string at a path of nested maps, or "" when absent. */
    public static String str(GenericKubernetesResource r, String... path) {
        Object v = r.getAdditionalProperties();
        for (String p : path) {
            if (!(v instanceof Map<?, ?> m)) {
                return "";
            }
            v = m.get(p);
        }
        return v == null ? "" : String.valueOf(v);
    }

    public static String annotation(GenericKubernetesResource r, String key) {
        Map<String, String> a = r.getMetadata() == null ? null : r.getMetadata().getAnnotations();
        return a == null ? "" : a.getOrDefault(key, "");
    }

    public static String label(GenericKubernetesResource r, String key) {
        Map<String, String> a = r.getMetadata() == null ? null : r.getMetadata().getLabels();
        return a == null ? "" : a.getOrDefault(key, "");
    }

    public static void putAnnotation(GenericKubernetesResource r, String key, String value) {
        Map<String, String> a = r.getMetadata().getAnnotations();
        a = a == null ? new HashMap<>() : new HashMap<>(a);
        a.put(key, value);
        r.getMetadata().setAnnotations(a);
    }

    public static void putLabel(GenericKubernetesResource r, String key, String value) {
        Map<String, String> a = r.getMetadata().getLabels();
        a = a == null ? new HashMap<>() : new HashMap<>(a);
        a.put(key, value);
        r.getMetadata().setLabels(a);
    }
}
