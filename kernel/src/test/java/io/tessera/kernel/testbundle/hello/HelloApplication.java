package io.tessera.kernel.testbundle.hello;

import jakarta.ws.rs.core.Application;
import java.util.Set;

/** The test bundle's application: one resource instance. */
public class HelloApplication extends Application {

    private final HelloResource resource;

    public HelloApplication(String message, String cluster) {
        this.resource = new HelloResource(message, cluster);
    }

    @Override
    public Set<Object> getSingletons() {
        return Set.of(resource);
    }
}
