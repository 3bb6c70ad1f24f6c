package io.tessera.extensions.monitoring;

import io.tessera.extension.api.ExtensionContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prometheus HTTP service discovery ({@code http_sd_configs}) for ApplicationMonitor objects:
 * one target group per monitor whose Service exists and has the named port. Resource
 * {@code targets} at cluster scope: Prometheus calls it with a token of an identity granted
 * {@code get targets} (docs/monitoring.md).
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public final class TargetsResource {

    private final ExtensionContext context;

    TargetsResource(ExtensionContext context) {
        this.context = context;
    }

    @GET
    @Path("targets")
    public List<Map<String, Object>> targets() {
        List<Map<String, Object>> groups = new ArrayList<>();
        for (Map<String, Object> monitor : context.kubernetes()
                .resources(MonitoringExtension.APP_GROUP, MonitoringExtension.APP_VERSION, MonitoringExtension.APP_MONITORS).list(null)) {
            ApplicationMonitors.Target t = ApplicationMonitors.resolve(context.kubernetes(), monitor);
            if (t.error() != null) {
                continue; // reported on the monitor's status by the controller
            }
            Map<?, ?> md = (Map<?, ?>) monitor.get("metadata");
            Map<String, Object> labels = new LinkedHashMap<>();
            labels.put("__metrics_path__", t.path());
            labels.put("__scheme__", t.scheme());
            labels.put("namespace", md.get("namespace"));
            labels.put("service", t.service());
            labels.put("job", md.get("namespace") + "/" + md.get("name"));
            Map<String, Object> group = new LinkedHashMap<>();
            group.put("targets", List.of(t.address()));
            group.put("labels", labels);
            groups.add(group);
        }
        return groups;
    }
}
