package io.tessera.extensions.alerting;

import io.tessera.extension.api.ExtensionContext;
import jakarta.ws.rs.core.Application;
import java.util.Set;

/** The JAX-RS application served under /kapis/alerting.kubesphere.io/v2beta1. */
final class AlertingApplication extends Application {

    private final Set<Object> singletons;

    AlertingApplication(ExtensionContext context, Settings settings) {
        this.singletons = Set.of(new AlertingResource(context, settings));
    }

    @Override
    public Set<Object> getSingletons() {
        return singletons;
    }
}
