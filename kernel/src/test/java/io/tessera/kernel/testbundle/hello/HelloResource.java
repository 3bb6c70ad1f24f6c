package io.tessera.kernel.testbundle.hello;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
    public Greeting greet(@PathParam("name") String name, @QueryParam("gate") String gate) throws InterruptedException {
        if (gate != null) {
            // Test rendezvous: the test (another class loader) leaves {entered, release} latches
            // in the system properties, so it can hold this request in flight.
            if (System.getProperties().get("tessera.test.gate." + gate) instanceof CountDownLatch[] latches) {
                latches[0].countDown();
                latches[1].await(60, TimeUnit.SECONDS);
            }
        }
        return new Greeting(message, name, cluster);
    }
}
