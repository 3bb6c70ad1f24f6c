package io.tessera.kernel.testbundle.hello;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/** GET /kapis/{group}/v1/greetings/{name} → {"message": …, "name": …, "cluster": …}. */
@Path("greetings")
public class HelloResource {

    private final String message;
    private final String cluster;

    public HelloResource(String message, String cluster) {
        this.message = message;
        this.cluster = cluster;
    }

    @GET
    @Path("{name}")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, String> greet(@PathParam("name") String name) {
        return Map.of("message", message, "name", name, "cluster", cluster);
    }
}
