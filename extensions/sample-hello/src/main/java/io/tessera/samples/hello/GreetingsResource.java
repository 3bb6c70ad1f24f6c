package io.tessera.samples.hello;

import io.tessera.extension.api.ExtensionContext;
import io.tessera.extension.api.kube.ScopedClient;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code greetings}: Greeting objects, read and created through the extension's scoped client.
 * The kernel has already authorized the caller for {@code greetings} in {@code samples.tessera.io}
 * (the role templates grant it); the extension acts with its own declared permissions.
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public final class GreetingsResource {

    private final ExtensionContext context;

    GreetingsResource(ExtensionContext context) {
        this.context = context;
    }

    private ScopedClient.Resources greetings() {
        return context.kubernetes().resources(HelloExtension.GROUP, HelloExtension.VERSION, HelloExtension.GREETINGS);
    }

    @GET
    @Path("greetings")
    public Map<String, Object> list() {
        return page(greetings().list(null));
    }

    @GET
    @Path("namespaces/{namespace}/greetings")
    public Map<String, Object> list(@PathParam("namespace") String namespace) {
        return page(greetings().list(namespace));
    }

    @GET
    @Path("namespaces/{namespace}/greetings/{name}")
    public Response get(@PathParam("namespace") String namespace, @PathParam("name") String name) {
        Map<String, Object> g = greetings().get(namespace, name);
        return g == null ? status(404, "NotFound", "greetings \"" + name + "\" not found") : Response.ok(g).build();
    }

    /** Creates a Greeting for {@code spec.name}; the controller then writes its message. */
    @POST
    @Path("namespaces/{namespace}/greetings")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(@PathParam("namespace") String namespace, Map<String, Object> body,
            @Context ContainerRequestContext request) {
        Object spec = body == null ? null : body.get("spec");
        Object metadata = body == null ? null : body.get("metadata");
        if (!(spec instanceof Map<?, ?> s) || !(s.get("name") instanceof String who) || who.isBlank()) {
            return status(400, "BadRequest", "spec.name is required");
        }
        if (!(metadata instanceof Map<?, ?> m) || !(m.get("name") instanceof String name) || name.isBlank()) {
            return status(400, "BadRequest", "metadata.name is required");
        }
        Map<String, Object> greeting = new LinkedHashMap<>();
        greeting.put("apiVersion", HelloExtension.GROUP + "/" + HelloExtension.VERSION);
        greeting.put("kind", "Greeting");
        greeting.put("metadata", Map.of("name", name, "namespace", namespace,
                "annotations", Map.of("samples.tessera.io/creator", context.currentUser(request).name())));
        greeting.put("spec", Map.of("name", who));
        return Response.status(201).entity(greetings().create(namespace, greeting)).build();
    }

    private static Map<String, Object> page(List<Map<String, Object>> items) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", items);
        out.put("totalItems", items.size());
        return out;
    }

    private static Response status(int code, String reason, String message) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("kind", "Status");
        s.put("apiVersion", "v1");
        s.put("metadata", Map.of());
        s.put("status", "Failure");
        s.put("message", message);
        s.put("reason", reason);
        s.put("code", code);
        return Response.status(code).type(MediaType.APPLICATION_JSON).entity(s).build();
    }
}
