package io.tessera.kernel.served;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.tessera.kernel.query.ListQuery;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * KubeSphere's generic served-resource API (reference §5.2) for one group/version: list, get,
 * create, update, patch and delete of the given kinds at cluster, workspace and namespace paths.
 * Workspace paths filter by and inject the label {@code kubesphere.io/workspace}. Lists use the
 * §5.1 parameters and answer a Kubernetes list whose {@code metadata.continue} is the total count.
 * The object is taken from the body (name and namespace too, as KubeSphere does); PATCH replaces
 * the stored object with the body. Authorization has already happened in the kernel chain.
 * Reusable by any module: mount an instance with {@code mountKapis(group, version, …)}.
 */
@Path("")
@Produces(MediaType.APPLICATION_JSON)
public final class ServedResource {

    public static final String WORKSPACE_LABEL = "kubesphere.io/workspace";

    private final KubernetesClient client;
    private final String apiVersion;
    private final Map<String, ResourceDefinitionContext> kinds;

    public ServedResource(KubernetesClient client, String group, String version, Map<String, ResourceDefinitionContext> kinds) {
        this.client = client;
        this.apiVersion = group + "/" + version;
        this.kinds = Map.copyOf(kinds);
    }

    @GET
    @Path("{resources}")
    public Response list(@PathParam("resources") String plural, @Context UriInfo uri) {
        return list(plural, "", "", uri);
    }

    @GET
    @Path("workspaces/{workspace}/{resources}")
    public Response listInWorkspace(@PathParam("workspace") String ws, @PathParam("resources") String plural, @Context UriInfo uri) {
        return list(plural, ws, "", uri);
    }

    @GET
    @Path("namespaces/{namespace}/{resources}")
    public Response listInNamespace(@PathParam("namespace") String ns, @PathParam("resources") String plural, @Context UriInfo uri) {
        return list(plural, "", ns, uri);
    }

    @GET
    @Path("{resources}/{name}")
    public Response get(@PathParam("resources") String plural, @PathParam("name") String name) {
        return get(plural, "", "", name);
    }

    @GET
    @Path("workspaces/{workspace}/{resources}/{name}")
    public Response getInWorkspace(@PathParam("workspace") String ws, @PathParam("resources") String plural,
                                   @PathParam("name") String name) {
        return get(plural, ws, "", name);
    }

    @GET
    @Path("namespaces/{namespace}/{resources}/{name}")
    public Response getInNamespace(@PathParam("namespace") String ns, @PathParam("resources") String plural,
                                   @PathParam("name") String name) {
        return get(plural, "", ns, name);
    }

    @POST
    @Path("{resources}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(@PathParam("resources") String plural, GenericKubernetesResource body) {
        return create(plural, "", "", body);
    }

    @POST
    @Path("workspaces/{workspace}/{resources}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response createInWorkspace(@PathParam("workspace") String ws, @PathParam("resources") String plural,
                                      GenericKubernetesResource body) {
        return create(plural, ws, "", body);
    }

    @POST
    @Path("namespaces/{namespace}/{resources}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response createInNamespace(@PathParam("namespace") String ns, @PathParam("resources") String plural,
                                      GenericKubernetesResource body) {
        return create(plural, "", ns, body);
    }

    @PUT
    @Path("{resources}/{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response update(@PathParam("resources") String plural, @PathParam("name") String name, GenericKubernetesResource body) {
        return replace(plural, "", "", name, body, true);
    }

    @PUT
    @Path("workspaces/{workspace}/{resources}/{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response updateInWorkspace(@PathParam("workspace") String ws, @PathParam("resources") String plural,
                                      @PathParam("name") String name, GenericKubernetesResource body) {
        return replace(plural, ws, "", name, body, true);
    }

    @PUT
    @Path("namespaces/{namespace}/{resources}/{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response updateInNamespace(@PathParam("namespace") String ns, @PathParam("resources") String plural,
                                      @PathParam("name") String name, GenericKubernetesResource body) {
        return replace(plural, "", ns, name, body, true);
    }

    @PATCH
    @Path("{resources}/{name}")
    @Consumes({MediaType.APPLICATION_JSON, "application/merge-patch+json"})
    public Response patch(@PathParam("resources") String plural, @PathParam("name") String name, GenericKubernetesResource body) {
        return replace(plural, "", "", name, body, false);
    }

    @PATCH
    @Path("workspaces/{workspace}/{resources}/{name}")
    @Consumes({MediaType.APPLICATION_JSON, "application/merge-patch+json"})
    public Response patchInWorkspace(@PathParam("workspace") String ws, @PathParam("resources") String plural,
                                     @PathParam("name") String name, GenericKubernetesResource body) {
        return replace(plural, ws, "", name, body, false);
    }

    @PATCH
    @Path("namespaces/{namespace}/{resources}/{name}")
    @Consumes({MediaType.APPLICATION_JSON, "application/merge-patch+json"})
    public Response patchInNamespace(@PathParam("namespace") String ns, @PathParam("resources") String plural,
                                     @PathParam("name") String name, GenericKubernetesResource body) {
        return replace(plural, "", ns, name, body, false);
    }

    @DELETE
    @Path("{resources}/{name}")
    public Response delete(@PathParam("resources") String plural, @PathParam("name") String name) {
        return delete(plural, "", "", name);
    }

    @DELETE
    @Path("workspaces/{workspace}/{resources}/{name}")
    public Response deleteInWorkspace(@PathParam("workspace") String ws, @PathParam("resources") String plural,
                                      @PathParam("name") String name) {
        return delete(plural, ws, "", name);
    }

    @DELETE
    @Path("namespaces/{namespace}/{resources}/{name}")
    public Response deleteInNamespace(@PathParam("namespace") String ns, @PathParam("resources") String plural,
                                      @PathParam("name") String name) {
        return delete(plural, "", ns, name);
    }

    private Response list(String plural, String ws, String ns, UriInfo uri) {
        ResourceDefinitionContext ctx = kind(plural, ns);
        if (ctx == null) {
            return status(404, "NotFound", "the server could not find the requested resource " + plural);
        }
        ListQuery query;
        try {
            query = ListQuery.from(uri.getQueryParameters());
        } catch (IllegalArgumentException e) {
            return status(400, "BadRequest", e.getMessage());
        }
        var op = client.genericKubernetesResources(ctx);
        List<GenericKubernetesResource> items = (ctx.isNamespaceScoped() ? op.inNamespace(ns) : op).list().getItems();
        if (!ws.isEmpty()) {
            items = items.stream().filter(i -> ws.equals(label(i, WORKSPACE_LABEL))).toList();
        }
        List<GenericKubernetesResource> matched = query.sort(query.filter(items));
        List<GenericKubernetesResource> page = query.page(matched);
        int offset = query.limit() < 0 ? 0 : Math.min(matched.size(), (query.page() - 1) * query.limit());
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("continue", Integer.toString(matched.size()));
        metadata.put("remainingItemCount", Math.max(0, matched.size() - offset - page.size()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("apiVersion", apiVersion);
        out.put("kind", ctx.getKind() + "List");
        out.put("metadata", metadata);
        out.put("items", page);
        return Response.ok(out).build();
    }

    private Response get(String plural, String ws, String ns, String name) {
        ResourceDefinitionContext ctx = kind(plural, ns);
        if (ctx == null) {
            return status(404, "NotFound", "the server could not find the requested resource " + plural);
        }
        GenericKubernetesResource obj = fetch(ctx, ns, name);
        if (obj == null || (!ws.isEmpty() && !ws.equals(label(obj, WORKSPACE_LABEL)))) {
            return status(404, "NotFound", plural + " \"" + name + "\" not found");
        }
        return Response.ok(obj).build();
    }

    private Response create(String plural, String ws, String ns, GenericKubernetesResource body) {
        ResourceDefinitionContext ctx = kind(plural, ns);
        if (ctx == null) {
            return status(404, "NotFound", "the server could not find the requested resource " + plural);
        }
        if (body == null || body.getMetadata() == null) {
            return status(400, "BadRequest", "the request body must be a " + ctx.getKind());
        }
        prepare(ctx, body, ws, ns);
        try {
            var op = client.genericKubernetesResources(ctx);
            return Response.ok((ctx.isNamespaceScoped() ? op.inNamespace(body.getMetadata().getNamespace()) : op).resource(body).create())
                    .build();
        } catch (KubernetesClientException e) {
            return fromApi(e);
        }
    }

    private Response replace(String plural, String ws, String ns, String name, GenericKubernetesResource body, boolean keepVersion) {
        ResourceDefinitionContext ctx = kind(plural, ns);
        if (ctx == null) {
            return status(404, "NotFound", "the server could not find the requested resource " + plural);
        }
        if (body == null || body.getMetadata() == null) {
            return status(400, "BadRequest", "the request body must be a " + ctx.getKind());
        }
        if (body.getMetadata().getName() == null) {
            body.getMetadata().setName(name);
        }
        GenericKubernetesResource stored = fetch(ctx, ns, body.getMetadata().getName());
        if (stored == null || (!ws.isEmpty() && !ws.equals(label(stored, WORKSPACE_LABEL)))) {
            return status(404, "NotFound", plural + " \"" + name + "\" not found");
        }
        prepare(ctx, body, ws, ns);
        if (!keepVersion || body.getMetadata().getResourceVersion() == null) {
            body.getMetadata().setResourceVersion(stored.getMetadata().getResourceVersion());
        }
        try {
            var op = client.genericKubernetesResources(ctx);
            return Response.ok((ctx.isNamespaceScoped() ? op.inNamespace(body.getMetadata().getNamespace()) : op).resource(body).update())
                    .build();
        } catch (KubernetesClientException e) {
            return fromApi(e);
        }
    }

    private Response delete(String plural, String ws, String ns, String name) {
        ResourceDefinitionContext ctx = kind(plural, ns);
        if (ctx == null) {
            return status(404, "NotFound", "the server could not find the requested resource " + plural);
        }
        GenericKubernetesResource stored = fetch(ctx, ns, name);
        if (stored == null || (!ws.isEmpty() && !ws.equals(label(stored, WORKSPACE_LABEL)))) {
            return status(404, "NotFound", plural + " \"" + name + "\" not found");
        }
        var op = client.genericKubernetesResources(ctx);
        (ctx.isNamespaceScoped() ? op.inNamespace(ns) : op).withName(name).delete();
        return Response.ok(Map.of("message", "success")).build();
    }

    private void prepare(ResourceDefinitionContext ctx, GenericKubernetesResource body, String ws, String ns) {
        body.setApiVersion(apiVersion);
        body.setKind(ctx.getKind());
        if (ctx.isNamespaceScoped() && body.getMetadata().getNamespace() == null) {
            body.getMetadata().setNamespace(ns);
        }
        if (!ws.isEmpty()) {
            Map<String, String> labels = body.getMetadata().getLabels() == null ? new HashMap<>()
                    : new HashMap<>(body.getMetadata().getLabels());
            labels.put(WORKSPACE_LABEL, ws);
            body.getMetadata().setLabels(labels);
        }
    }

    /** The kind for a plural, if served, and only at a path matching its scope. */
    private ResourceDefinitionContext kind(String plural, String ns) {
        ResourceDefinitionContext ctx = kinds.get(plural);
        if (ctx == null || ctx.isNamespaceScoped() == ns.isEmpty()) {
            return null;
        }
        return ctx;
    }

    private GenericKubernetesResource fetch(ResourceDefinitionContext ctx, String ns, String name) {
        var op = client.genericKubernetesResources(ctx);
        return (ctx.isNamespaceScoped() ? op.inNamespace(ns) : op).withName(name).get();
    }

    private static String label(GenericKubernetesResource r, String key) {
        Map<String, String> l = r.getMetadata().getLabels();
        return l == null ? "" : l.getOrDefault(key, "");
    }

    private static Response fromApi(KubernetesClientException e) {
        int code = e.getCode() > 0 ? e.getCode() : 500;
        String message = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : "request failed";
        String reason = e.getStatus() != null && e.getStatus().getReason() != null ? e.getStatus().getReason() : "InternalError";
        return status(code, reason, message);
    }

    private static Response status(int code, String reason, String message) {
        return Response.status(code).type(MediaType.APPLICATION_JSON).entity(new StatusBuilder().withStatus("Failure").withCode(code)
                .withReason(reason).withMessage(message).build()).build();
    }
}
