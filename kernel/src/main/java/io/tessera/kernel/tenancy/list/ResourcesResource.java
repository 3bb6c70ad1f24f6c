package io.tessera.kernel.tenancy.list;

import static io.tessera.kernel.tenancy.api.TenancyTypes.badRequest;
import static io.tessera.kernel.tenancy.api.TenancyTypes.notFound;
import static io.tessera.kernel.tenancy.api.TenancyTypes.status;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.tessera.kernel.query.ListQuery;
import io.tessera.kernel.tenancy.api.TenancyTypes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /kapis/resources.kubesphere.io/v1alpha3} (reference §5.3): lists and gets of the core and
 * platform kinds KubeSphere supports there, answering {@code {items, totalItems}} with the shared
 * {@link ListQuery}. The kernel chain has authorized {@code list|get <resource>} at the path's
 * scope. Users are left out: their objects carry password hashes (the Users API serves them).
 * The label selector is passed to the API server; the rest is applied here.
 */
@Path("")
@Produces(MediaType.APPLICATION_JSON)
public final class ResourcesResource {

    /** Plural → kind, in KubeSphere's supported list. */
    static final Map<String, ResourceDefinitionContext> KINDS;

    static {
        Map<String, ResourceDefinitionContext> m = new LinkedHashMap<>();
        ns(m, "apps", "v1", "Deployment", "deployments");
        ns(m, "apps", "v1", "DaemonSet", "daemonsets");
        ns(m, "apps", "v1", "StatefulSet", "statefulsets");
        ns(m, "", "v1", "Service", "services");
        ns(m, "", "v1", "ConfigMap", "configmaps");
        ns(m, "", "v1", "Secret", "secrets");
        ns(m, "", "v1", "Pod", "pods");
        ns(m, "", "v1", "ServiceAccount", "serviceaccounts");
        ns(m, "networking.k8s.io", "v1", "Ingress", "ingresses");
        ns(m, "batch", "v1", "Job", "jobs");
        ns(m, "batch", "v1", "CronJob", "cronjobs");
        ns(m, "", "v1", "PersistentVolumeClaim", "persistentvolumeclaims");
        ns(m, "autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers");
        ns(m, "iam.kubesphere.io", "v1beta1", "Role", "roles");
        ns(m, "iam.kubesphere.io", "v1beta1", "RoleBinding", "rolebindings");
        cl(m, "", "v1", "PersistentVolume", "persistentvolumes");
        cl(m, "", "v1", "Node", "nodes");
        cl(m, "", "v1", "Namespace", "namespaces");
        cl(m, "apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions");
        m.put("workspaces", TenancyTypes.WORKSPACES);
        m.put("workspacetemplates", TenancyTypes.WORKSPACE_TEMPLATES);
        m.put("clusters", TenancyTypes.CLUSTERS);
        m.put("groups", TenancyTypes.GROUPS);
        m.put("groupbindings", TenancyTypes.GROUP_BINDINGS);
        for (String k : List.of("GlobalRole", "WorkspaceRole", "GlobalRoleBinding", "WorkspaceRoleBinding", "LoginRecord",
                "ClusterRole", "ClusterRoleBinding")) {
            cl(m, "iam.kubesphere.io", "v1beta1", k, k.toLowerCase() + "s");
        }
        KINDS = Map.copyOf(m);
    }

    private final KubernetesClient client;

    public ResourcesResource(KubernetesClient client) {
        this.client = client;
    }

    @GET
    @Path("{resources}")
    public Response list(@PathParam("resources") String plural, @Context UriInfo uri) {
        return list(plural, "", uri);
    }

    @GET
    @Path("namespaces/{ns}/{resources}")
    public Response listInNamespace(@PathParam("ns") String ns, @PathParam("resources") String plural, @Context UriInfo uri) {
        return list(plural, ns, uri);
    }

    @GET
    @Path("{resources}/{name}")
    public Response get(@PathParam("resources") String plural, @PathParam("name") String name) {
        return get(plural, "", name);
    }

    @GET
    @Path("namespaces/{ns}/{resources}/{name}")
    public Response getInNamespace(@PathParam("ns") String ns, @PathParam("resources") String plural, @PathParam("name") String name) {
        return get(plural, ns, name);
    }

    private Response list(String plural, String ns, UriInfo uri) {
        ResourceDefinitionContext ctx = KINDS.get(plural);
        if (ctx == null || (!ns.isEmpty() && !ctx.isNamespaceScoped())) {
            return status(404, "NotFound", "resource not supported");
        }
        ListQuery query;
        try {
            query = ListQuery.from(uri.getQueryParameters());
        } catch (IllegalArgumentException e) {
            return badRequest(e.getMessage());
        }
        try {
            var op = client.genericKubernetesResources(ctx);
            var scoped = !ctx.isNamespaceScoped() ? op : ns.isEmpty() ? op.inAnyNamespace() : op.inNamespace(ns);
            List<GenericKubernetesResource> items = query.labelSelector().isEmpty() ? scoped.list().getItems()
                    : scoped.withLabelSelector(query.labelSelector()).list().getItems();
            return Response.ok(query.apply(items, x -> x)).build();
        } catch (KubernetesClientException e) {
            return TenancyTypes.fromApi(e);
        }
    }

    private Response get(String plural, String ns, String name) {
        ResourceDefinitionContext ctx = KINDS.get(plural);
        if (ctx == null || ctx.isNamespaceScoped() == ns.isEmpty()) {
            return status(404, "NotFound", "resource not supported");
        }
        var op = client.genericKubernetesResources(ctx);
        GenericKubernetesResource r = (ctx.isNamespaceScoped() ? op.inNamespace(ns) : op).withName(name).get();
        return r == null ? notFound(plural, name) : Response.ok(r).build();
    }

    private static void ns(Map<String, ResourceDefinitionContext> m, String g, String v, String kind, String plural) {
        m.put(plural, new ResourceDefinitionContext.Builder().withGroup(g).withVersion(v).withKind(kind).withPlural(plural)
                .withNamespaced(true).build());
    }

    private static void cl(Map<String, ResourceDefinitionContext> m, String g, String v, String kind, String plural) {
        m.put(plural, new ResourceDefinitionContext.Builder().withGroup(g).withVersion(v).withKind(kind).withPlural(plural)
                .withNamespaced(false).build());
    }
}
