package io.tessera.kernel.testext.greeter;

import io.tessera.extension.api.ExtensionContext;
import jakarta.ws.rs.core.Application;
import java.util.Set;

public class GreeterApplication extends Application {

    private final ExtensionContext context;

    GreeterApplication(ExtensionContext context) {
        this.context = context;
    }

    @Override
    public Set<Object> getSingletons() {
        return Set.of(new GreeterResource(context));
    }
}
