package io.tessera.kernel.testext.greeter;

import io.tessera.extension.api.ExtensionContext;
import io.tessera.extension.api.kube.PermissionDeniedException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

@Path("/")
public class GreeterResource {

    private final ExtensionContext context;

    GreeterResource(ExtensionContext context) {
        this.context = context;
    }

    @GET
    @Path("greetings")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> greetings(@Context ContainerRequestContext request) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("version", context.version());
        out.put("message", context.config().getOrDefault("message", "hello"));
        out.put("user", context.currentUser(request).name());
        return out;
    }

    /** An extension bug: the kernel answers 500 with a Status and keeps serving everything else. */
    @GET
    @Path("boom")
    public String boom() {
        throw new IllegalStateException("greeter bug");
    }

    /** Lists the kind named by the path in the extension's namespace: configmaps are declared, secrets are not. */
    @GET
    @Path("peek/{plural}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response peek(@jakarta.ws.rs.PathParam("plural") String plural) {
        try {
            return Response.ok(Map.of("count", context.kubernetes().resources("", "v1", plural).list("default").size())).build();
        } catch (PermissionDeniedException e) {
            return Response.status(403).entity(Map.of("message", e.getMessage())).build();
        }
    }
}
