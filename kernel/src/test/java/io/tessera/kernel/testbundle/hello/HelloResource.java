package io.tessera.kernel.testbundle.hello;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

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
    public Greeting greet(@PathParam("name") String name) {
        return new Greeting(message, name, cluster);
    }
}
