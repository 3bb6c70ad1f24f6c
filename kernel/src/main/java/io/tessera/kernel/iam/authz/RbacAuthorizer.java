package io.tessera.kernel.iam.authz;

import io.tessera.kernel.iam.api.IamTypes;
import io.tessera.kernel.routing.RequestInfo;
import io.tessera.kernel.security.Authorizer;
import io.tessera.kernel.security.UserInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * KubeSphere's RBAC (reference §2.1, §2.3) over the four scopes: global bindings first (and only
 * them for global requests), then the workspace's, the namespace's, then cluster bindings. The
 * Rego parts of the built-in {@code authenticated} role are expressed in {@link #selfAccess}.
 * Everything is read from {@link RbacIndex}: no API call per decision.
 */
public final class RbacAuthorizer implements Authorizer {

    /** Paths any signed-in user may reach (KubeSphere's path authorizer, minus /metrics). */
    private static final List<String> ALWAYS_ALLOWED_PATHS = List.of("/oauth/*", "/dist/*", "/.well-known/openid-configuration",
            "/version", "/livez", "/healthz", "/readyz", "/openapi/v2", "/openapi/v3");
    private static final Set<String> READ_VERBS = Set.of("get", "list", "watch");
    private static final Set<String> SELF_USER_VERBS = Set.of("get", "update", "patch");
    private static final Set<String> SELF_USER_SUBRESOURCES = Set.of("", "password", "loginrecords", "roletemplates");
    private static final Set<String> MEMBER_RESOURCES = Set.of("clustermembers", "workspacemembers", "namespacemembers");

    private final RbacIndex index;

    public RbacAuthorizer(RbacIndex index) {
        this.index = index;
    }

    public RbacIndex index() {
        return index;
    }

    @Override
    public Decision authorize(UserInfo user, RequestInfo request) {
        AccessRequest r = AccessRequest.of(request);
        // anonymous callers reach only the kernel's public list (issue 4: everything else is a 401)
        if (!r.resourceRequest() && !user.anonymous() && pathAlwaysAllowed(r.path())) {
            return Decision.allow();
        }
        Decision d = check(user, r);
        if (d.allowed()) {
            return d;
        }
        if (isUserListing(r) && canManageMembersSomewhere(user)) {
            // issue 4's departure: member managers may list users (names only; the handler trims)
            return new Decision(true, "RBAC: allowed to list user names as a member manager");
        }
        return d;
    }

    /** The pure RBAC decision, also used by SubjectAccessReview and by handlers' own checks. */
    public Decision check(UserInfo user, AccessRequest r) {
        if (!user.anonymous() && selfAccess(user, r)) {
            return Decision.allow();
        }
        return checkBindings(user, r);
    }

    /**
     * RBAC over the user's role bindings only, without the {@code authenticated} role's self-access
     * rules (which let everyone read tenant resources): "does a role grant this?", as tenancy's
     * visibility asks.
     */
    public Decision checkBindings(UserInfo user, AccessRequest r) {
        List<String> keys = subjectKeys(user);
        String allowedBy = allowedBy(index.global, "", "GlobalRole", keys, r);
        if (allowedBy != null) {
            return allowed(allowedBy);
        }
        if (!r.resourceRequest()) {
            allowedBy = allowedBy(index.cluster, "", "ClusterRole", keys, r);
            return allowedBy != null ? allowed(allowedBy) : deny(user, r);
        }
        if (r.scope() == RequestInfo.Scope.GLOBAL) {
            return deny(user, r);
        }
        String ws = !r.workspace().isEmpty() ? r.workspace() : index.workspaceOf(r.namespace());
        if (!ws.isEmpty() && (r.scope() == RequestInfo.Scope.WORKSPACE || r.scope() == RequestInfo.Scope.NAMESPACE)) {
            allowedBy = allowedBy(index.workspace, ws, "WorkspaceRole", keys, r);
            if (allowedBy != null) {
                return allowed(allowedBy);
            }
        }
        if (r.scope() == RequestInfo.Scope.NAMESPACE) {
            allowedBy = allowedBy(index.namespaced, r.namespace(), "Role", keys, r);
            if (allowedBy != null) {
                return allowed(allowedBy);
            }
        }
        allowedBy = allowedBy(index.cluster, "", "ClusterRole", keys, r);
        return allowedBy != null ? allowed(allowedBy) : deny(user, r);
    }

    /** May the user list every user with full details (global {@code list users})? */
    public boolean canListAllUsers(UserInfo user) {
        return check(user, AccessRequest.resource("list", IamTypes.GROUP, "users", "", "", "", "", RequestInfo.Scope.GLOBAL))
                .allowed();
    }

    /**
     * True when some workspace, project or cluster role of the user lets them add members there
     * ({@code create workspacemembers|namespacemembers|clustermembers}).
     */
    public boolean canManageMembersSomewhere(UserInfo user) {
        if (user.anonymous()) {
            return false;
        }
        for (String key : subjectKeys(user)) {
            for (RbacIndex.Binding b : index.workspace.allOf(key)) {
                if (grants(b, "WorkspaceRole", AccessRequest.resource("create", IamTypes.GROUP, "workspacemembers", "", "",
                        b.partition(), "", RequestInfo.Scope.WORKSPACE))) {
                    return true;
                }
            }
            for (RbacIndex.Binding b : index.namespaced.allOf(key)) {
                if (grants(b, "Role", AccessRequest.resource("create", IamTypes.GROUP, "namespacemembers", "", "", "",
                        b.partition(), RequestInfo.Scope.NAMESPACE))) {
                    return true;
                }
            }
            for (RbacIndex.Binding b : index.cluster.allOf(key)) {
                if (grants(b, "ClusterRole", AccessRequest.resource("create", IamTypes.GROUP, "clustermembers", "", "", "", "",
                        RequestInfo.Scope.CLUSTER))) {
                    return true;
                }
            }
        }
        return false;
    }

    static boolean isUserListing(AccessRequest r) {
        return r.resourceRequest() && "list".equals(r.verb()) && IamTypes.GROUP.equals(r.apiGroup()) && "users".equals(r.resource())
                && r.name().isEmpty() && r.scope() == RequestInfo.Scope.GLOBAL;
    }

    /** The Rego of KubeSphere's {@code authenticated} role, as code. */
    static boolean selfAccess(UserInfo user, AccessRequest r) {
        if (!r.resourceRequest()) {
            return false;
        }
        if (IamTypes.GROUP.equals(r.apiGroup()) && "users".equals(r.resource()) && user.name().equals(r.name())
                && SELF_USER_VERBS.contains(r.verb()) && SELF_USER_SUBRESOURCES.contains(r.subresource())) {
            return true;
        }
        if (IamTypes.GROUP.equals(r.apiGroup()) && MEMBER_RESOURCES.contains(r.resource()) && user.name().equals(r.name())
                && READ_VERBS.contains(r.verb())) {
            return true;
        }
        // the tenant handlers list only what the user belongs to
        return "tenant.kubesphere.io".equals(r.apiGroup()) && !r.kubernetesRequest() && READ_VERBS.contains(r.verb());
    }

    private String allowedBy(RbacIndex.BindingTable table, String partition, String defaultRoleKind, List<String> keys,
                             AccessRequest r) {
        for (String key : keys) {
            Collection<RbacIndex.Binding> bindings = table.lookup(partition, key);
            for (RbacIndex.Binding b : bindings) {
                if (grants(b, defaultRoleKind, r)) {
                    return b.description();
                }
            }
        }
        return null;
    }

    private boolean grants(RbacIndex.Binding b, String defaultRoleKind, AccessRequest r) {
        String kind = b.roleKind().isEmpty() ? defaultRoleKind : b.roleKind();
        String roleNs = "Role".equals(kind) ? (b.roleNamespace().isEmpty() ? r.namespace() : b.roleNamespace()) : "";
        for (PolicyRule rule : index.rules(kind, roleNs, b.roleName())) {
            if (r.resourceRequest() ? rule.matchesResource(r) : rule.matchesNonResource(r.verb(), r.path())) {
                return true;
            }
        }
        return false;
    }

    public static List<String> subjectKeys(UserInfo user) {
        List<String> keys = new ArrayList<>(1 + user.groups().size());
        keys.add("u:" + user.name());
        for (String g : user.groups()) {
            keys.add("g:" + g);
        }
        return keys;
    }

    static boolean pathAlwaysAllowed(String path) {
        for (String p : ALWAYS_ALLOWED_PATHS) {
            if (p.endsWith("*") ? path.startsWith(p.substring(0, p.length() - 1)) : path.equals(p)) {
                return true;
            }
        }
        return false;
    }

    private static Decision allowed(String by) {
        return new Decision(true, "RBAC: allowed by " + by);
    }

    private static Decision deny(UserInfo user, AccessRequest r) {
        // the kernel's 403 message already says who cannot do what; this says why
        return Decision.deny("no role bound to \"" + user.name() + "\" allows it");
    }
}
