package io.tessera.samples.hello;

import io.tessera.extension.api.ExtensionContext;
import jakarta.ws.rs.core.Application;
import java.util.Set;

/** The JAX-RS application served under /kapis/samples.tessera.io/v1alpha1. */
final class HelloApplication extends Application {

    private final ExtensionContext context;

    HelloApplication(ExtensionContext context) {
        this.context = context;
    }

    @Override
    public Set<Object> getSingletons() {
        return Set.of(new GreetingsResource(context));
    }
}
