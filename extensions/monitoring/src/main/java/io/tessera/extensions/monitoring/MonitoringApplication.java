package io.tessera.extensions.monitoring;

import io.tessera.extension.api.ExtensionContext;
import jakarta.ws.rs.core.Application;
import java.util.Set;

/** The JAX-RS application served under /kapis/monitoring.kubesphere.io/v1alpha3. */
final class MonitoringApplication extends Application {

    private final Set<Object> singletons;

    MonitoringApplication(ExtensionContext context, Backend backend) {
        this.singletons = Set.of(new MonitoringResource(context, backend), new TargetsResource(context));
    }

    @Override
    public Set<Object> getSingletons() {
        return singletons;
    }
}
