package io.tessera.kernel.tenancy.quotas;

import static io.tessera.kernel.tenancy.api.TenancyTypes.badRequest;
import static io.tessera.kernel.tenancy.api.TenancyTypes.forbidden;
import static io.tessera.kernel.tenancy.api.TenancyTypes.fromApi;
import static io.tessera.kernel.tenancy.api.TenancyTypes.notFound;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.tessera.kernel.query.ListQuery;
import io.tessera.kernel.security.UserInfo;
import io.tessera.kernel.spi.RequestAttributes;
import io.tessera.kernel.tenancy.Visibility;
import io.tessera.kernel.tenancy.api.TenancyTypes;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Workspace quotas ({@code workspaces/{ws}/resourcequotas}, quota.kubesphere.io ResourceQuota with
 * label and selector {@code kubesphere.io/workspace=ws}, reference §4.2) and project quotas
 * ({@code namespaces/{ns}/resourcequotas}, core ResourceQuota; a Tessera route until the Kubernetes
 * proxy serves {@code /api/v1/namespaces/{ns}/resourcequotas}, which calls the same
 * {@link QuotaAdmission}). A project quota past its workspace quota is a 403 {@code Forbidden}.
 */
@Path("")
@Produces(MediaType.APPLICATION_JSON)
public final class QuotaResource {

    private static final Logger LOG = LoggerFactory.getLogger(QuotaResource.class);

    private final KubernetesClient client;
    private final Visibility visibility;
    private final QuotaAdmission admission;
    private final SharedIndexInformer<GenericKubernetesResource> workspaceQuotas;
    private final SharedIndexInformer<GenericKubernetesResource> templates;

    public QuotaResource(KubernetesClient client, Visibility visibility, QuotaAdmission admission,
                         SharedIndexInformer<GenericKubernetesResource> workspaceQuotas,
                         SharedIndexInformer<GenericKubernetesResource> templates) {
        this.client = client;
        this.visibility = visibility;
        this.admission = admission;
        this.workspaceQuotas = workspaceQuotas;
        this.templates = templates;
    }

    @GET
    @Path("workspaces/{ws}/resourcequotas")
    public Response listWorkspaceQuotas(@PathParam("ws") String ws, @Context HttpServletRequest req, @Context UriInfo uri) {
        if (!visibility.seesWorkspace(user(req), ws)) {
            return notFound("workspacetemplates.tenant.kubesphere.io", ws);
        }
        List<GenericKubernetesResource> items = workspaceQuotas.getStore().list().stream()
                .filter(q -> ws.equals(label(q))).toList();
        try {
            return Response.ok(ListQuery.from(uri.getQueryParameters()).apply(items, x -> x)).build();
        } catch (IllegalArgumentException e) {
            return badRequest(e.getMessage());
        }
    }

    @GET
    @Path("workspaces/{ws}/resourcequotas/{name}")
    public Response getWorkspaceQuota(@PathParam("ws") String ws, @PathParam("name") String name, @Context HttpServletRequest req) {
        GenericKubernetesResource q = workspaceQuotas.getStore().getByKey(name);
        if (q == null || !ws.equals(label(q)) || !visibility.seesWorkspace(user(req), ws)) {
            return notFound("resourcequotas.quota.kubesphere.io", name);
        }
        return Response.ok(q).build();
    }

    @POST
    @Path("workspaces/{ws}/resourcequotas")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response createWorkspaceQuota(@PathParam("ws") String ws, GenericKubernetesResource body, @Context HttpServletRequest req) {
        if (templates.getStore().getByKey(ws) == null) {
            return notFound("workspacetemplates.tenant.kubesphere.io", ws);
        }
        Response invalid = prepare(ws, body, null);
        if (invalid != null) {
            return invalid;
        }
        try {
            GenericKubernetesResource created = client.genericKubernetesResources(TenancyTypes.WORKSPACE_QUOTAS).resource(body).create();
            LOG.info("event=workspace-quota-created workspace={} quota={} user={}", ws, created.getMetadata().getName(), user(req).name());
            return Response.ok(created).build();
        } catch (KubernetesClientException e) {
            return fromApi(e);
        }
    }

    @PUT
    @Path("workspaces/{ws}/resourcequotas/{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response updateWorkspaceQuota(@PathParam("ws") String ws, @PathParam("name") String name, GenericKubernetesResource body) {
        GenericKubernetesResource stored = client.genericKubernetesResources(TenancyTypes.WORKSPACE_QUOTAS).withName(name).get();
        if (stored == null || !ws.equals(label(stored))) {
            return notFound("resourcequotas.quota.kubesphere.io", name);
        }
        Response invalid = prepare(ws, body, name);
        if (invalid != null) {
            return invalid;
        }
        if (body.getMetadata().getResourceVersion() == null) {
            body.getMetadata().setResourceVersion(stored.getMetadata().getResourceVersion());
        }
        body.getAdditionalProperties().put("status", stored.getAdditionalProperties().get("status"));
        try {
            return Response.ok(client.genericKubernetesResources(TenancyTypes.WORKSPACE_QUOTAS).resource(body).update()).build();
        } catch (KubernetesClientException e) {
            return fromApi(e);
        }
    }

    @DELETE
    @Path("workspaces/{ws}/resourcequotas/{name}")
    public Response deleteWorkspaceQuota(@PathParam("ws") String ws, @PathParam("name") String name) {
        GenericKubernetesResource stored = workspaceQuotas.getStore().getByKey(name);
        if (stored == null || !ws.equals(label(stored))) {
            return notFound("resourcequotas.quota.kubesphere.io", name);
        }
        client.genericKubernetesResources(TenancyTypes.WORKSPACE_QUOTAS).withName(name).delete();
        return Response.ok(Map.of("message", "success")).build();
    }

    // ---- project quotas

    @GET
    @Path("namespaces/{ns}/resourcequotas")
    public Response listProjectQuotas(@PathParam("ns") String ns, @Context HttpServletRequest req, @Context UriInfo uri) {
        if (!seesProject(req, ns)) {
            return notFound("namespaces", ns);
        }
        try {
            return Response.ok(ListQuery.from(uri.getQueryParameters())
                    .apply(client.resourceQuotas().inNamespace(ns).list().getItems(), x -> x)).build();
        } catch (IllegalArgumentException e) {
            return badRequest(e.getMessage());
        }
    }

    @GET
    @Path("namespaces/{ns}/resourcequotas/{name}")
    public Response getProjectQuota(@PathParam("ns") String ns, @PathParam("name") String name, @Context HttpServletRequest req) {
        ResourceQuota q = seesProject(req, ns) ? client.resourceQuotas().inNamespace(ns).withName(name).get() : null;
        return q == null ? notFound("resourcequotas", name) : Response.ok(q).build();
    }

    @POST
    @Path("namespaces/{ns}/resourcequotas")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response createProjectQuota(@PathParam("ns") String ns, ResourceQuota body, @Context HttpServletRequest req) {
        return writeProjectQuota(ns, null, body, req);
    }

    @PUT
    @Path("namespaces/{ns}/resourcequotas/{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response updateProjectQuota(@PathParam("ns") String ns, @PathParam("name") String name, ResourceQuota body,
                                       @Context HttpServletRequest req) {
        return writeProjectQuota(ns, name, body, req);
    }

    @DELETE
    @Path("namespaces/{ns}/resourcequotas/{name}")
    public Response deleteProjectQuota(@PathParam("ns") String ns, @PathParam("name") String name) {
        if (client.resourceQuotas().inNamespace(ns).withName(name).get() == null) {
            return notFound("resourcequotas", name);
        }
        client.resourceQuotas().inNamespace(ns).withName(name).delete();
        return Response.ok(Map.of("message", "success")).build();
    }

    private Response writeProjectQuota(String ns, String name, ResourceQuota body, HttpServletRequest req) {
        if (client.namespaces().withName(ns).get() == null) {
            return notFound("namespaces", ns);
        }
        if (body == null || body.getMetadata() == null || body.getMetadata().getName() == null || body.getSpec() == null
                || body.getSpec().getHard() == null) {
            return badRequest("the request body must be a ResourceQuota with metadata.name and spec.hard");
        }
        if (name != null && !name.equals(body.getMetadata().getName())) {
            return badRequest("metadata.name \"" + body.getMetadata().getName() + "\" does not match the path's \"" + name + "\"");
        }
        for (var e : body.getSpec().getHard().entrySet()) {
            try {
                Quantity.getAmountInBytes(e.getValue());
            } catch (RuntimeException ex) {
                return badRequest("spec.hard." + e.getKey() + ": \"" + e.getValue() + "\" is not a quantity");
            }
        }
        body.getMetadata().setNamespace(ns);
        body.setApiVersion("v1");
        body.setKind("ResourceQuota");
        String ws = admission.workspaceOf(ns);
        QuotaAdmission.Decision d = admission.admitProjectQuota(ws, ns, body);
        if (!d.allowed()) {
            LOG.info("event=project-quota-refused workspace={} namespace={} quota={} user={}", ws, ns, body.getMetadata().getName(),
                    user(req).name());
            return forbidden(d.message());
        }
        try {
            ResourceQuota out;
            if (name == null) {
                out = client.resourceQuotas().inNamespace(ns).resource(body).create();
            } else {
                ResourceQuota stored = client.resourceQuotas().inNamespace(ns).withName(name).get();
                if (stored == null) {
                    return notFound("resourcequotas", name);
                }
                if (body.getMetadata().getResourceVersion() == null) {
                    body.getMetadata().setResourceVersion(stored.getMetadata().getResourceVersion());
                }
                out = client.resourceQuotas().inNamespace(ns).resource(body).update();
            }
            return Response.ok(out).build();
        } catch (KubernetesClientException e) {
            return fromApi(e);
        }
    }

    private Response prepare(String ws, GenericKubernetesResource body, String pathName) {
        if (body == null || body.getMetadata() == null || body.getMetadata().getName() == null) {
            return badRequest("the request body must be a quota.kubesphere.io ResourceQuota with metadata.name");
        }
        if (pathName != null && !pathName.equals(body.getMetadata().getName())) {
            return badRequest("metadata.name \"" + body.getMetadata().getName() + "\" does not match the path's \"" + pathName + "\"");
        }
        Map<String, Object> spec = io.tessera.kernel.iam.api.IamTypes.section(body, "spec");
        Object quota = spec.get("quota");
        if (!(quota instanceof Map<?, ?> q) || !(q.get("hard") instanceof Map<?, ?> hard)) {
            return badRequest("spec.quota.hard is required");
        }
        for (var e : hard.entrySet()) {
            try {
                new Quantity(String.valueOf(e.getValue())).getNumericalAmount();
            } catch (RuntimeException ex) {
                return badRequest("spec.quota.hard." + e.getKey() + ": \"" + e.getValue() + "\" is not a quantity");
            }
        }
        body.setApiVersion("quota.kubesphere.io/v1alpha2");
        body.setKind("ResourceQuota");
        io.tessera.kernel.iam.api.IamTypes.putLabel(body, TenancyTypes.LABEL_WORKSPACE, ws);
        Map<String, Object> selector = new HashMap<>();
        selector.put(TenancyTypes.LABEL_WORKSPACE, ws);
        spec.put("selector", selector);
        return null;
    }

    private boolean seesProject(HttpServletRequest req, String ns) {
        String ws = admission.workspaceOf(ns);
        UserInfo user = user(req);
        return visibility.seesProject(user, ws, ns)
                || visibility.allowed(user, "list", "", "resourcequotas", ws, ns, io.tessera.kernel.routing.RequestInfo.Scope.NAMESPACE);
    }

    private static String label(GenericKubernetesResource q) {
        Map<String, String> l = q.getMetadata().getLabels();
        return l == null ? "" : l.getOrDefault(TenancyTypes.LABEL_WORKSPACE, "");
    }

    private static UserInfo user(HttpServletRequest req) {
        return (UserInfo) req.getAttribute(RequestAttributes.USER);
    }
}
