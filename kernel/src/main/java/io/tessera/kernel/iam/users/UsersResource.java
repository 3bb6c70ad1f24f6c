package io.tessera.kernel.iam.users;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.tessera.kernel.iam.api.IamTypes;
import io.tessera.kernel.iam.authz.AccessRequest;
import io.tessera.kernel.iam.authz.RbacAuthorizer;
import io.tessera.kernel.iam.bootstrap.Bootstrap;
import io.tessera.kernel.iam.loginrecord.LoginRecords;
import io.tessera.kernel.query.ListQuery;
import io.tessera.kernel.routing.RequestInfo;
import io.tessera.kernel.security.UserInfo;
import io.tessera.kernel.spi.RequestAttributes;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Users API of {@code /kapis/iam.kubesphere.io/v1beta1} (reference §3.2). Errors are plain
 * text as KubeSphere's kapis answer them. The password is never returned: every User leaving here
 * has {@code spec.password} removed.
 *
 * <p>Departure (issue 4): listing users needs global {@code list users}; a member manager (some
 * workspace/project/cluster role allowing to create members) gets names and display names only.
 */
@Path("")
@Produces(MediaType.APPLICATION_JSON)
public final class UsersResource {

    private static final Logger LOG = LoggerFactory.getLogger(UsersResource.class);
    /** DNS-1123 label, as KubeSphere's user names. */
    static final Pattern NAME = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
    static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

    private final KubernetesClient client;
    private final UserCache users;
    private final UserWriter writer;
    private final LoginRecords loginRecords;
    private final RbacAuthorizer rbac;
    private final Clock clock;

    public UsersResource(KubernetesClient client, UserCache users, UserWriter writer, LoginRecords loginRecords, RbacAuthorizer rbac,
                         Clock clock) {
        this.client = client;
        this.users = users;
        this.writer = writer;
        this.loginRecords = loginRecords;
        this.rbac = rbac;
        this.clock = clock;
    }

    @GET
    @Path("users")
    public Response list(@Context UriInfo uri, @Context HttpServletRequest request) {
        UserInfo caller = caller(request);
        ListQuery query;
        try {
            query = ListQuery.from(uri.getQueryParameters());
        } catch (IllegalArgumentException e) {
            return text(400, e.getMessage());
        }
        List<GenericKubernetesResource> all = apiList();
        boolean full = rbac.canListAllUsers(caller);
        if (!full && !rbac.canManageMembersSomewhere(caller)) {
            return text(403, "user \"" + caller.name() + "\" cannot list users");
        }
        String globalRole = uri.getQueryParameters().getFirst("globalrole");
        if (globalRole != null && !globalRole.isEmpty()) {
            Set<String> bound = usersBoundTo(globalRole);
            all = all.stream().filter(u -> bound.contains(u.getMetadata().getName())).toList();
        }
        return Response.ok(query.apply(all, full ? UsersResource::publicView : UsersResource::nameOnlyView)).build();
    }

    @GET
    @Path("users/{user}")
    public Response get(@PathParam("user") String name) {
        return fetch(name).map(u -> Response.ok(publicView(u)).build())
                .orElseGet(() -> text(404, "user \"" + name + "\" not found"));
    }

    @POST
    @Path("users")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(GenericKubernetesResource body, @Context HttpServletRequest request) {
        UserInfo caller = caller(request);
        if (body == null || body.getMetadata() == null) {
            return text(400, "request body must be a User");
        }
        String name = Objects.toString(body.getMetadata().getName(), "");
        String invalid = validateName(name);
        if (invalid == null) {
            invalid = validateEmail(IamTypes.str(body, "spec", "email"), name);
        }
        String password = IamTypes.str(body, "spec", "password");
        if (invalid == null && !password.isEmpty()) {
            invalid = Passwords.policyViolation(password);
        }
        if (invalid != null) {
            return text(400, invalid);
        }
        boolean preRegistration = "system:pre-registration".equals(caller.name());
        if (preRegistration) {
            // an identity from a manual-mapping IdP registers itself: the link comes from its token,
            // never from the body, and it gets no global role (reference §1.8)
            List<String> idp = caller.extra().getOrDefault("idp", List.of());
            List<String> uid = caller.extra().getOrDefault("uid", List.of());
            if (idp.size() != 1 || uid.size() != 1) {
                return text(400, "the pre-registration token names no identity");
            }
            String link = IamTypes.ANN_IDP_PREFIX + idp.get(0);
            boolean taken = apiList().stream().anyMatch(u -> uid.get(0).equals(IamTypes.annotation(u, link)));
            if (taken) {
                return text(409, "identity already registered");
            }
            Map<String, String> annotations = body.getMetadata().getAnnotations() == null ? new HashMap<>()
                    : new HashMap<>(body.getMetadata().getAnnotations());
            annotations.keySet().removeIf(k -> k.startsWith("iam.kubesphere.io/") || k.startsWith("iam.tessera.io/"));
            annotations.put(link, uid.get(0));
            body.getMetadata().setAnnotations(annotations);
        }
        String globalRole = IamTypes.annotation(body, IamTypes.ANN_GLOBALROLE);
        if (!globalRole.isEmpty()) {
            if (client.genericKubernetesResources(IamTypes.GLOBAL_ROLES).withName(globalRole).get() == null) {
                return text(404, "globalrole \"" + globalRole + "\" not found");
            }
            if (!may(caller, "create", "globalrolebindings", "", "")) {
                return text(403, "user \"" + caller.name() + "\" cannot grant global roles");
            }
        }
        GenericKubernetesResource user = new GenericKubernetesResource();
        user.setApiVersion(IamTypes.API_VERSION);
        user.setKind("User");
        user.setMetadata(body.getMetadata());
        user.getMetadata().setResourceVersion(null);
        user.getMetadata().setUid(null);
        user.getMetadata().setCreationTimestamp(null);
        Map<String, Object> spec = new LinkedHashMap<>(IamTypes.read(body, "spec"));
        if (!password.isEmpty()) {
            spec.put("password", Passwords.hash(password));
            IamTypes.putAnnotation(user, IamTypes.ANN_LAST_PASSWORD_CHANGE, clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
        } else {
            spec.remove("password");
        }
        user.getAdditionalProperties().put("spec", spec);
        Map<String, Object> status = IamTypes.section(user, "status");
        status.put("state", IamTypes.STATE_ACTIVE);
        status.put("lastTransitionTime", clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
        if (!caller.anonymous() && !preRegistration) {
            IamTypes.putAnnotation(user, IamTypes.ANN_CREATOR, caller.name());
        }
        GenericKubernetesResource created;
        try {
            created = client.genericKubernetesResources(IamTypes.USERS).resource(user).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return text(409, "user \"" + name + "\" already exists");
            }
            throw e;
        }
        if (!globalRole.isEmpty()) {
            bindGlobalRole(name, globalRole);
        }
        LOG.info("event=user-created user={} by={} globalrole={}", name, caller.name(), globalRole);
        return Response.ok(publicView(created)).build();
    }

    @PUT
    @Path("users/{user}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response update(@PathParam("user") String name, GenericKubernetesResource body, @Context HttpServletRequest request) {
        UserInfo caller = caller(request);
        if (body == null || body.getMetadata() == null || !name.equals(body.getMetadata().getName())) {
            return text(400, "the name of the object (" + (body == null || body.getMetadata() == null ? "" : body.getMetadata().getName())
                    + ") does not match the name on the URL (" + name + ")");
        }
        Optional<GenericKubernetesResource> stored = fetch(name);
        if (stored.isEmpty()) {
            return text(404, "user \"" + name + "\" not found");
        }
        String invalid = validateEmail(IamTypes.str(body, "spec", "email"), name);
        if (invalid != null) {
            return text(400, invalid);
        }
        String oldRole = IamTypes.annotation(stored.get(), IamTypes.ANN_GLOBALROLE);
        String newRole = IamTypes.annotation(body, IamTypes.ANN_GLOBALROLE);
        boolean roleChanged = !oldRole.equals(newRole);
        if (roleChanged) {
            if (!may(caller, "update", "users", "", name) || !may(caller, "create", "globalrolebindings", "", "")) {
                return text(403, "user \"" + caller.name() + "\" cannot change the global role of \"" + name + "\"");
            }
            if (!newRole.isEmpty() && client.genericKubernetesResources(IamTypes.GLOBAL_ROLES).withName(newRole).get() == null) {
                return text(404, "globalrole \"" + newRole + "\" not found");
            }
        }
        String oldState = UserCache.state(stored.get());
        String newState = IamTypes.str(body, "status", "state");
        boolean stateChange = (IamTypes.STATE_ACTIVE.equals(newState) || IamTypes.STATE_DISABLED.equals(newState))
                && !newState.equals(oldState);
        if (stateChange && !may(caller, "update", "users", "", name)) {
            return text(403, "user \"" + caller.name() + "\" cannot enable or disable \"" + name + "\"");
        }
        if (stateChange && caller.name().equals(name) && IamTypes.STATE_DISABLED.equals(newState)) {
            return text(400, "a user cannot disable themselves");
        }
        GenericKubernetesResource updated = writer.modify(name, current -> {
            String hash = IamTypes.str(current, "spec", "password");
            Map<String, Object> spec = new LinkedHashMap<>(IamTypes.read(body, "spec"));
            if (hash.isEmpty()) {
                spec.remove("password");
            } else {
                spec.put("password", hash); // the password changes only through users/{u}/password
            }
            current.getAdditionalProperties().put("spec", spec);
            Map<String, String> keepAnnotations = new HashMap<>();
            for (String key : List.of(IamTypes.ANN_TOKENS_NOT_BEFORE, IamTypes.ANN_LAST_PASSWORD_CHANGE, IamTypes.ANN_UNINITIALIZED)) {
                String v = IamTypes.annotation(current, key);
                if (!v.isEmpty()) {
                    keepAnnotations.put(key, v);
                }
            }
            Map<String, String> annotations = body.getMetadata().getAnnotations() == null ? new HashMap<>()
                    : new HashMap<>(body.getMetadata().getAnnotations());
            annotations.keySet().removeIf(k -> k.startsWith(IamTypes.ANN_IDP_PREFIX) || keepAnnotations.containsKey(k)
                    || k.equals(IamTypes.ANN_TOKENS_NOT_BEFORE) || k.equals(IamTypes.ANN_UNINITIALIZED));
            Map<String, String> currentAnnotations = current.getMetadata().getAnnotations() == null ? Map.of()
                    : current.getMetadata().getAnnotations();
            currentAnnotations.forEach((k, v) -> {
                if (k.startsWith(IamTypes.ANN_IDP_PREFIX)) {
                    annotations.put(k, v); // identity links are set by logins, not by the API
                }
            });
            annotations.putAll(keepAnnotations);
            current.getMetadata().setAnnotations(annotations);
            current.getMetadata().setLabels(body.getMetadata().getLabels());
            if (stateChange) {
                Map<String, Object> status = IamTypes.section(current, "status");
                status.put("state", newState);
                status.put("lastTransitionTime", clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
                status.remove("reason");
                if (IamTypes.STATE_DISABLED.equals(newState)) {
                    // re-enabling must not revive tokens issued before the suspension
                    IamTypes.putAnnotation(current, IamTypes.ANN_TOKENS_NOT_BEFORE, Long.toString(nextSecond()));
                }
            }
        }).orElse(null);
        if (updated == null) {
            return text(404, "user \"" + name + "\" not found");
        }
        if (roleChanged) {
            unbindGlobalRoles(name);
            if (!newRole.isEmpty()) {
                bindGlobalRole(name, newRole);
            }
        }
        if (stateChange) {
            LOG.info("event=user-state-changed user={} by={} state={}", name, caller.name(), newState);
        }
        return Response.ok(publicView(updated)).build();
    }

    @DELETE
    @Path("users/{user}")
    public Response delete(@PathParam("user") String name, @Context HttpServletRequest request) {
        UserInfo caller = caller(request);
        if (caller.name().equals(name)) {
            return text(400, "a user cannot delete themselves");
        }
        if (fetch(name).isEmpty()) {
            return text(404, "user \"" + name + "\" not found");
        }
        client.genericKubernetesResources(IamTypes.USERS).withName(name).delete();
        UserCleanup.removeEverythingOf(client, loginRecords, name);
        LOG.info("event=user-deleted user={} by={}", name, caller.name());
        return Response.ok(Map.of("message", "success")).build();
    }

    @PUT
    @Path("users/{user}/password")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response changePassword(@PathParam("user") String name, Map<String, Object> body, @Context HttpServletRequest request) {
        UserInfo caller = caller(request);
        String current = body == null ? "" : Objects.toString(body.get("currentPassword"), "");
        String password = body == null ? "" : Objects.toString(body.get("password"), "");
        Optional<GenericKubernetesResource> stored = fetch(name);
        if (stored.isEmpty()) {
            return text(404, "user \"" + name + "\" not found");
        }
        boolean manager = may(caller, "update", "users", "password", name) && !caller.name().equals(name);
        if (!manager || !current.isEmpty()) {
            if (!Passwords.matches(current, IamTypes.str(stored.get(), "spec", "password"))) {
                return text(400, "incorrect old password");
            }
        }
        String violation = Passwords.policyViolation(password);
        if (violation != null) {
            return text(400, violation);
        }
        String hash = Passwords.hash(password);
        writer.modify(name, u -> {
            IamTypes.section(u, "spec").put("password", hash);
            IamTypes.putAnnotation(u, IamTypes.ANN_LAST_PASSWORD_CHANGE, clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
            // every token issued so far stops working, on every replica (docs/iam.md)
            IamTypes.putAnnotation(u, IamTypes.ANN_TOKENS_NOT_BEFORE, Long.toString(nextSecond()));
            Map<String, String> a = new HashMap<>(u.getMetadata().getAnnotations());
            a.remove(IamTypes.ANN_UNINITIALIZED);
            u.getMetadata().setAnnotations(a);
        });
        LOG.info("event=password-changed user={} by={}", name, caller.name());
        return Response.ok(Map.of("message", "success")).build();
    }

    @GET
    @Path("users/{user}/loginrecords")
    public Response loginRecords(@PathParam("user") String name, @Context UriInfo uri) {
        ListQuery query;
        try {
            query = ListQuery.from(uri.getQueryParameters());
        } catch (IllegalArgumentException e) {
            return text(400, e.getMessage());
        }
        if (fetch(name).isEmpty()) {
            return text(404, "user \"" + name + "\" not found");
        }
        return Response.ok(query.apply(loginRecords.of(name), r -> r)).build();
    }

    @GET
    @Path("users/{user}/roletemplates")
    public Response roleTemplates(@PathParam("user") String name, @Context UriInfo uri, @Context HttpServletRequest request) {
        UserInfo caller = caller(request);
        if (!caller.name().equals(name) && !may(caller, "get", "users", "", name)) {
            return text(403, "user \"" + caller.name() + "\" cannot read the role templates of \"" + name + "\"");
        }
        var params = uri.getQueryParameters();
        String scope = Objects.toString(params.getFirst("scope"), "global");
        String workspace = Objects.toString(params.getFirst("workspace"), "");
        String namespace = Objects.toString(params.getFirst("namespace"), "");
        ListQuery query;
        try {
            query = ListQuery.from(params);
        } catch (IllegalArgumentException e) {
            return text(400, e.getMessage());
        }
        Set<String> templateNames = new LinkedHashSet<>();
        for (GenericKubernetesResource role : rolesOf(name, scope, workspace, namespace)) {
            Object agg = role.getAdditionalProperties().get("aggregationRoleTemplates");
            if (agg instanceof Map<?, ?> m && m.get("templateNames") instanceof List<?> l) {
                l.forEach(n -> templateNames.add(String.valueOf(n)));
            }
        }
        List<GenericKubernetesResource> templates = new ArrayList<>();
        for (GenericKubernetesResource t : client.genericKubernetesResources(IamTypes.ROLE_TEMPLATES).list().getItems()) {
            if (templateNames.contains(t.getMetadata().getName())) {
                templates.add(t);
            }
        }
        return Response.ok(query.apply(templates, t -> t)).build();
    }

    private List<GenericKubernetesResource> rolesOf(String user, String scope, String workspace, String namespace) {
        ResourceDefinitionContext bindings;
        ResourceDefinitionContext roles;
        switch (scope) {
            case "workspace" -> {
                bindings = IamTypes.WORKSPACE_ROLE_BINDINGS;
                roles = IamTypes.WORKSPACE_ROLES;
            }
            case "cluster" -> {
                bindings = IamTypes.CLUSTER_ROLE_BINDINGS;
                roles = IamTypes.CLUSTER_ROLES;
            }
            case "namespace" -> {
                bindings = IamTypes.ROLE_BINDINGS;
                roles = IamTypes.ROLES;
            }
            default -> {
                bindings = IamTypes.GLOBAL_ROLE_BINDINGS;
                roles = IamTypes.GLOBAL_ROLES;
            }
        }
        var bindingOp = client.genericKubernetesResources(bindings);
        List<GenericKubernetesResource> found = "namespace".equals(scope)
                ? bindingOp.inNamespace(namespace).list().getItems() : bindingOp.list().getItems();
        List<GenericKubernetesResource> out = new ArrayList<>();
        for (GenericKubernetesResource b : found) {
            if ("workspace".equals(scope) && !workspace.equals(IamTypes.label(b, IamTypes.LABEL_WORKSPACE))) {
                continue;
            }
            if (!hasUserSubject(b, user)) {
                continue;
            }
            String roleName = IamTypes.str(b, "roleRef", "name");
            var roleOp = client.genericKubernetesResources(roles);
            GenericKubernetesResource role = "namespace".equals(scope)
                    ? roleOp.inNamespace(namespace).withName(roleName).get() : roleOp.withName(roleName).get();
            if (role != null) {
                out.add(role);
            }
        }
        return out;
    }

    private static boolean hasUserSubject(GenericKubernetesResource binding, String user) {
        if (binding.getAdditionalProperties().get("subjects") instanceof List<?> subjects) {
            for (Object s : subjects) {
                if (s instanceof Map<?, ?> m && "User".equals(m.get("kind")) && user.equals(m.get("name"))) {
                    return true;
                }
            }
        }
        return false;
    }

    private Set<String> usersBoundTo(String globalRole) {
        Set<String> out = new LinkedHashSet<>();
        for (GenericKubernetesResource b : client.genericKubernetesResources(IamTypes.GLOBAL_ROLE_BINDINGS).list().getItems()) {
            if (globalRole.equals(IamTypes.str(b, "roleRef", "name")) && b.getAdditionalProperties().get("subjects") instanceof List<?> l) {
                for (Object s : l) {
                    if (s instanceof Map<?, ?> m && "User".equals(m.get("kind"))) {
                        out.add(String.valueOf(m.get("name")));
                    }
                }
            }
        }
        return out;
    }

    private void bindGlobalRole(String user, String role) {
        try {
            client.genericKubernetesResources(IamTypes.GLOBAL_ROLE_BINDINGS)
                    .resource(Bootstrap.globalRoleBinding(user + "-" + role, user, role)).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    private void unbindGlobalRoles(String user) {
        client.genericKubernetesResources(IamTypes.GLOBAL_ROLE_BINDINGS).withLabel(IamTypes.LABEL_USER_REF, user).delete();
    }

    private String validateName(String name) {
        if (name.isEmpty() || name.length() > 63 || !NAME.matcher(name).matches()) {
            return "invalid user name \"" + name + "\": must be a DNS-1123 label (lower-case letters, digits and '-', "
                    + "starting and ending with a letter or digit, at most 63 characters)";
        }
        return null;
    }

    /** Unique (case-insensitive) and well-formed; empty is allowed. */
    private String validateEmail(String email, String owner) {
        if (email.isEmpty()) {
            return null;
        }
        if (!EMAIL.matcher(email).matches()) {
            return "invalid email address \"" + email + "\"";
        }
        for (GenericKubernetesResource u : apiList()) {
            if (!u.getMetadata().getName().equals(owner) && email.equalsIgnoreCase(IamTypes.str(u, "spec", "email"))) {
                return "email address \"" + email + "\" is already in use";
            }
        }
        return null;
    }

    private boolean may(UserInfo caller, String verb, String resource, String subresource, String name) {
        return rbac.check(caller, AccessRequest.resource(verb, IamTypes.GROUP, resource, subresource, name, "", "",
                RequestInfo.Scope.GLOBAL)).allowed();
    }

    private Optional<GenericKubernetesResource> fetch(String name) {
        return users.get(name).or(() -> writer.fetch(name));
    }

    /** Users from the API, not the cache: a list must show a user created a moment ago. */
    private List<GenericKubernetesResource> apiList() {
        return client.genericKubernetesResources(IamTypes.USERS).list().getItems();
    }

    private long nextSecond() {
        return clock.instant().getEpochSecond() + 1;
    }

    static UserInfo caller(HttpServletRequest request) {
        Object u = request == null ? null : request.getAttribute(RequestAttributes.USER);
        return u instanceof UserInfo info ? info : UserInfo.ANONYMOUS;
    }

    /** The User as the API shows it: never the password hash, never the revocation bookkeeping. */
    public static GenericKubernetesResource publicView(GenericKubernetesResource user) {
        GenericKubernetesResource copy = new GenericKubernetesResource();
        copy.setApiVersion(user.getApiVersion());
        copy.setKind(user.getKind());
        copy.setMetadata(user.getMetadata());
        user.getAdditionalProperties().forEach((k, v) -> copy.getAdditionalProperties().put(k, v));
        Map<String, Object> spec = new LinkedHashMap<>(IamTypes.read(user, "spec"));
        spec.remove("password");
        copy.getAdditionalProperties().put("spec", spec);
        return copy;
    }

    /** What a member manager sees of other users: name and display name. */
    static Map<String, Object> nameOnlyView(GenericKubernetesResource user) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", user.getMetadata().getName());
        String alias = IamTypes.annotation(user, IamTypes.ANN_ALIAS_NAME);
        if (!alias.isEmpty()) {
            metadata.put("annotations", Map.of(IamTypes.ANN_ALIAS_NAME, alias));
        }
        Map<String, Object> spec = new LinkedHashMap<>();
        String displayName = IamTypes.str(user, "spec", "displayName");
        if (!displayName.isEmpty()) {
            spec.put("displayName", displayName);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("apiVersion", IamTypes.API_VERSION);
        out.put("kind", "User");
        out.put("metadata", metadata);
        out.put("spec", spec);
        return out;
    }

    static Response text(int status, String message) {
        return Response.status(status).type(MediaType.TEXT_PLAIN_TYPE.withCharset("utf-8")).entity(message).build();
    }
}
