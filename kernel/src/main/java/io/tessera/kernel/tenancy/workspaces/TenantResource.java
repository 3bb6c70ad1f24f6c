package io.tessera.kernel.tenancy.workspaces;

import static io.tessera.kernel.tenancy.api.TenancyTypes.badRequest;
import static io.tessera.kernel.tenancy.api.TenancyTypes.forbidden;
import static io.tessera.kernel.tenancy.api.TenancyTypes.fromApi;
import static io.tessera.kernel.tenancy.api.TenancyTypes.notFound;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.tessera.kernel.iam.api.IamTypes;
import io.tessera.kernel.query.ListQuery;
import io.tessera.kernel.routing.RequestInfo;
import io.tessera.kernel.security.UserInfo;
import io.tessera.kernel.spi.RequestAttributes;
import io.tessera.kernel.tenancy.Visibility;
import io.tessera.kernel.tenancy.api.TenancyTypes;
import io.tessera.kernel.tenancy.projects.ProjectController;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /kapis/tenant.kubesphere.io/v1beta1} workspaces, projects and clusters (reference §4.2).
 * The kernel chain has authorized the verb; reads of tenant resources are open to every signed-in
 * user there (KubeSphere's {@code authenticated} role), so every list and get here filters by
 * {@link Visibility}: what a caller cannot see is absent from lists and a 404 on get.
 */
@Path("")
@Produces(MediaType.APPLICATION_JSON)
public final class TenantResource {

    private static final Logger LOG = LoggerFactory.getLogger(TenantResource.class);
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private final KubernetesClient client;
    private final Visibility visibility;
    private final SharedIndexInformer<GenericKubernetesResource> templates;
    private final SharedIndexInformer<Namespace> namespaces;
    private final SharedIndexInformer<GenericKubernetesResource> clusters;

    public TenantResource(KubernetesClient client, Visibility visibility, SharedIndexInformer<GenericKubernetesResource> templates,
                          SharedIndexInformer<Namespace> namespaces, SharedIndexInformer<GenericKubernetesResource> clusters) {
        this.client = client;
        this.visibility = visibility;
        this.templates = templates;
        this.namespaces = namespaces;
        this.clusters = clusters;
    }

    // ---- workspace templates (GET /workspaces is the same list, as on a host cluster)

    @GET
    @Path("{kind: workspacetemplates|workspaces}")
    public Response listWorkspaces(@Context HttpServletRequest req, @Context UriInfo uri) {
        UserInfo user = user(req);
        List<GenericKubernetesResource> items;
        if (visibility.seesAllWorkspaces(user)) {
            items = templates.getStore().list();
        } else {
            items = new ArrayList<>();
            for (String ws : visibility.workspacesOf(user)) {
                GenericKubernetesResource t = templates.getStore().getByKey(ws);
                if (t != null) {
                    items.add(t);
                }
            }
        }
        return list(items, uri);
    }

    @GET
    @Path("{kind: workspacetemplates|workspaces}/{ws}")
    public Response getWorkspace(@PathParam("ws") String ws, @Context HttpServletRequest req) {
        GenericKubernetesResource t = templates.getStore().getByKey(ws);
        if (t == null || !visibility.seesWorkspace(user(req), ws)) {
            return notFound("workspacetemplates.tenant.kubesphere.io", ws);
        }
        return Response.ok(t).build();
    }

    @POST
    @Path("{kind: workspacetemplates|workspaces}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response createWorkspace(GenericKubernetesResource body, @Context HttpServletRequest req) {
        Response invalid = validateTemplate(body, null);
        if (invalid != null) {
            return invalid;
        }
        UserInfo user = user(req);
        String manager = IamTypes.str(body, "spec", "template", "spec", "manager");
        if (!manager.isEmpty() && !manager.equals(user.name())
                && !visibility.allowed(user, "delete", TenancyTypes.TENANT_GROUP, "workspacetemplates", "", "", RequestInfo.Scope.GLOBAL)) {
            return forbidden("user \"" + user.name() + "\" may not create a workspace managed by \"" + manager + "\"");
        }
        IamTypes.putAnnotation(body, TenancyTypes.ANN_CREATOR, user.name());
        try {
            GenericKubernetesResource created = client.genericKubernetesResources(TenancyTypes.WORKSPACE_TEMPLATES).resource(body).create();
            LOG.info("event=workspacetemplate-created workspace={} user={} manager={}", created.getMetadata().getName(), user.name(), manager);
            return Response.ok(created).build();
        } catch (KubernetesClientException e) {
            return fromApi(e);
        }
    }

    @PUT
    @Path("{kind: workspacetemplates|workspaces}/{ws}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response updateWorkspace(@PathParam("ws") String ws, GenericKubernetesResource body, @Context HttpServletRequest req) {
        GenericKubernetesResource stored = client.genericKubernetesResources(TenancyTypes.WORKSPACE_TEMPLATES).withName(ws).get();
        if (stored == null || !visibility.seesWorkspace(user(req), ws)) {
            return notFound("workspacetemplates.tenant.kubesphere.io", ws);
        }
        Response invalid = validateTemplate(body, ws);
        if (invalid != null) {
            return invalid;
        }
        UserInfo user = user(req);
        String manager = IamTypes.str(body, "spec", "template", "spec", "manager");
        String oldManager = IamTypes.str(stored, "spec", "template", "spec", "manager");
        if (!manager.equals(oldManager)
                && !visibility.allowed(user, "delete", TenancyTypes.TENANT_GROUP, "workspacetemplates", "", "", RequestInfo.Scope.GLOBAL)) {
            return forbidden("only a platform administrator may change the manager of workspace \"" + ws + "\"");
        }
        // bookkeeping the client does not own: finalizers and resourceVersion come from the store
        body.getMetadata().setFinalizers(stored.getMetadata().getFinalizers());
        if (body.getMetadata().getResourceVersion() == null) {
            body.getMetadata().setResourceVersion(stored.getMetadata().getResourceVersion());
        }
        try {
            return Response.ok(client.genericKubernetesResources(TenancyTypes.WORKSPACE_TEMPLATES).resource(body).update()).build();
        } catch (KubernetesClientException e) {
            return fromApi(e);
        }
    }

    @DELETE
    @Path("{kind: workspacetemplates|workspaces}/{ws}")
    public Response deleteWorkspace(@PathParam("ws") String ws, String body, @Context HttpServletRequest req) {
        GenericKubernetesResource stored = templates.getStore().getByKey(ws);
        if (stored == null || !visibility.seesWorkspace(user(req), ws)) {
            return notFound("workspacetemplates.tenant.kubesphere.io", ws);
        }
        String policy = "";
        if (body != null && !body.isBlank()) {
            try {
                DeleteOptions options = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(body, DeleteOptions.class);
                policy = options.getPropagationPolicy() == null ? "" : options.getPropagationPolicy();
            } catch (RuntimeException e) {
                return badRequest("the request body must be DeleteOptions: " + e.getMessage());
            }
        }
        if (!policy.isEmpty() && !Set.of("Orphan", "Background", "Foreground").contains(policy)) {
            return badRequest("propagationPolicy must be Orphan, Background or Foreground, not \"" + policy + "\"");
        }
        String p = policy;
        var op = client.genericKubernetesResources(TenancyTypes.WORKSPACE_TEMPLATES).withName(ws);
        try {
            op.edit(x -> {
                IamTypes.putAnnotation(x, TenancyTypes.ANN_DELETION_PROPAGATION, p);
                return x;
            });
            op.delete();
        } catch (KubernetesClientException e) {
            return fromApi(e);
        }
        LOG.info("event=workspacetemplate-delete-requested workspace={} user={} policy={}", ws, user(req).name(),
                policy.isEmpty() ? "Orphan" : policy);
        return Response.ok(Map.of("message", "success")).build();
    }

    // ---- clusters

    @GET
    @Path("clusters")
    public Response listClusters(@Context HttpServletRequest req, @Context UriInfo uri) {
        UserInfo user = user(req);
        boolean all = visibility.allowed(user, "list", "cluster.kubesphere.io", "clusters", "", "", RequestInfo.Scope.GLOBAL);
        List<GenericKubernetesResource> items = new ArrayList<>();
        for (GenericKubernetesResource c : clusters.getStore().list()) {
            // a member of any workspace placed on a cluster, or anyone with a cluster role, sees the (host) cluster
            if (all || !visibility.workspacesOf(user).isEmpty() || !visibility.projectsWithBindings(user).isEmpty()
                    || visibility.allowed(user, "get", "cluster.kubesphere.io", "clusters", "", "", RequestInfo.Scope.CLUSTER)) {
                items.add(c);
            }
        }
        return list(items, uri);
    }

    // ---- projects

    @GET
    @Path("namespaces")
    public Response listAllProjects(@Context HttpServletRequest req, @Context UriInfo uri) {
        UserInfo user = user(req);
        boolean all = visibility.allowed(user, "list", "", "namespaces", "", "", RequestInfo.Scope.CLUSTER);
        Set<String> bound = visibility.projectsWithBindings(user);
        List<Namespace> items = new ArrayList<>();
        // one RBAC question per workspace, not per namespace
        Map<String, Boolean> seesAllOf = new HashMap<>();
        for (Namespace ns : namespaces.getStore().list()) {
            String ws = ws(ns);
            if (all || bound.contains(ns.getMetadata().getName())
                    || (!ws.isEmpty() && seesAllOf.computeIfAbsent(ws, w -> visibility.seesAllProjectsOf(user, w)))) {
                items.add(ns);
            }
        }
        return list(items, uri);
    }

    @GET
    @Path("workspaces/{ws}/namespaces")
    public Response listProjects(@PathParam("ws") String ws, @Context HttpServletRequest req, @Context UriInfo uri) {
        UserInfo user = user(req);
        boolean all = visibility.seesAllProjectsOf(user, ws);
        Set<String> bound = all ? Set.of() : visibility.projectsWithBindings(user);
        List<Namespace> items = new ArrayList<>();
        for (Namespace ns : ProjectController.projectsOf(namespaces, ws)) {
            if (all || bound.contains(ns.getMetadata().getName())) {
                items.add(ns);
            }
        }
        return list(items, uri);
    }

    @POST
    @Path("workspaces/{ws}/namespaces")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response createProject(@PathParam("ws") String ws, Namespace body, @Context HttpServletRequest req) {
        if (templates.getStore().getByKey(ws) == null) {
            return notFound("workspacetemplates.tenant.kubesphere.io", ws);
        }
        if (body == null || body.getMetadata() == null || body.getMetadata().getName() == null
                || !DNS_LABEL.matcher(body.getMetadata().getName()).matches()) {
            return badRequest("the request body must be a Namespace whose metadata.name is a DNS-1123 label");
        }
        UserInfo user = user(req);
        Namespace ns = new NamespaceBuilder(body).editMetadata().addToLabels(TenancyTypes.LABEL_WORKSPACE, ws)
                .addToLabels(TenancyTypes.LABEL_MANAGED, "true").addToAnnotations(TenancyTypes.ANN_CREATOR, user.name())
                .withResourceVersion(null).withFinalizers().endMetadata().build();
        try {
            Namespace created = client.namespaces().resource(ns).create();
            LOG.info("event=project-created workspace={} namespace={} user={}", ws, created.getMetadata().getName(), user.name());
            return Response.ok(created).build();
        } catch (KubernetesClientException e) {
            return fromApi(e);
        }
    }

    @GET
    @Path("workspaces/{ws}/namespaces/{ns}")
    public Response getProject(@PathParam("ws") String ws, @PathParam("ns") String name, @Context HttpServletRequest req) {
        Namespace ns = namespaces.getStore().getByKey(name);
        if (ns == null || !ws.equals(ws(ns)) || !visibility.seesProject(user(req), ws, name)) {
            return notFound("namespaces", name);
        }
        return Response.ok(ns).build();
    }

    /** Merges labels and annotations (e.g. {@code kubesphere.io/network-isolate}); the workspace label stays. */
    @PATCH
    @Path("workspaces/{ws}/namespaces/{ns}")
    @Consumes({MediaType.APPLICATION_JSON, "application/merge-patch+json"})
    public Response patchProject(@PathParam("ws") String ws, @PathParam("ns") String name, Namespace body,
                                 @Context HttpServletRequest req) {
        Namespace ns = namespaces.getStore().getByKey(name);
        if (ns == null || !ws.equals(ws(ns)) || !visibility.seesProject(user(req), ws, name)) {
            return notFound("namespaces", name);
        }
        if (body == null || body.getMetadata() == null) {
            return badRequest("the request body must be a Namespace patch with metadata");
        }
        Map<String, String> labels = body.getMetadata().getLabels() == null ? Map.of() : body.getMetadata().getLabels();
        Map<String, String> annotations = body.getMetadata().getAnnotations() == null ? Map.of() : body.getMetadata().getAnnotations();
        try {
            return Response.ok(client.namespaces().withName(name).edit(x -> {
                Map<String, String> l = new HashMap<>(x.getMetadata().getLabels());
                l.putAll(labels);
                l.put(TenancyTypes.LABEL_WORKSPACE, ws);
                Map<String, String> a = x.getMetadata().getAnnotations() == null ? new HashMap<>() : new HashMap<>(x.getMetadata().getAnnotations());
                a.putAll(annotations);
                x.getMetadata().setLabels(l);
                x.getMetadata().setAnnotations(a);
                return x;
            })).build();
        } catch (KubernetesClientException e) {
            return fromApi(e);
        }
    }

    @DELETE
    @Path("workspaces/{ws}/namespaces/{ns}")
    public Response deleteProject(@PathParam("ws") String ws, @PathParam("ns") String name, @Context HttpServletRequest req) {
        Namespace ns = namespaces.getStore().getByKey(name);
        if (ns == null || !ws.equals(ws(ns)) || !visibility.seesProject(user(req), ws, name)) {
            return notFound("namespaces", name);
        }
        client.namespaces().withName(name).withGracePeriod(0).delete();
        LOG.info("event=project-delete-requested workspace={} namespace={} user={}", ws, name, user(req).name());
        return Response.ok(Map.of("message", "success")).build();
    }

    // ---- helpers

    private Response validateTemplate(GenericKubernetesResource body, String pathName) {
        if (body == null || body.getMetadata() == null || body.getMetadata().getName() == null
                || !DNS_LABEL.matcher(body.getMetadata().getName()).matches()) {
            return badRequest("the request body must be a WorkspaceTemplate whose metadata.name is a DNS-1123 label");
        }
        if (pathName != null && !pathName.equals(body.getMetadata().getName())) {
            return badRequest("metadata.name \"" + body.getMetadata().getName() + "\" does not match the path's \"" + pathName + "\"");
        }
        body.setApiVersion(TenancyTypes.TENANT_GROUP + "/" + TenancyTypes.TENANT_VERSION);
        body.setKind("WorkspaceTemplate");
        String manager = IamTypes.str(body, "spec", "template", "spec", "manager");
        if (!manager.isEmpty() && client.genericKubernetesResources(IamTypes.USERS).withName(manager).get() == null) {
            return badRequest("manager \"" + manager + "\" is not a user");
        }
        return null;
    }

    private static <T extends io.fabric8.kubernetes.api.model.HasMetadata> Response list(List<T> items, UriInfo uri) {
        try {
            return Response.ok(ListQuery.from(uri.getQueryParameters()).apply(items, x -> x)).build();
        } catch (IllegalArgumentException e) {
            return badRequest(e.getMessage());
        }
    }

    private static String ws(Namespace ns) {
        Map<String, String> l = ns.getMetadata().getLabels();
        return l == null ? "" : l.getOrDefault(TenancyTypes.LABEL_WORKSPACE, "");
    }

    static UserInfo user(HttpServletRequest req) {
        return (UserInfo) req.getAttribute(RequestAttributes.USER);
    }
}
