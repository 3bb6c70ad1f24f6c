package io.tessera.kernel.extensions;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /kapis/kubesphere.io/v1alpha1/extensions/{name}/health}: the extension's health
 * checks, run now on the replica that answers. Authorized as {@code get extensions/health} in
 * {@code kubesphere.io} (platform administrators). The kernel's own {@code /readyz} never
 * depends on it.
 */
@Path("extensions/{name}/health")
public final class ExtensionHealthResource {

    private final ExtensionRuntime runtime;
    private final String replicaId;

    ExtensionHealthResource(ExtensionRuntime runtime, String replicaId) {
        this.runtime = runtime;
        this.replicaId = replicaId;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response health(@PathParam("name") String name) {
        var running = runtime.running(name);
        if (running.isEmpty()) {
            Map<String, Object> status = new LinkedHashMap<>();
            status.put("kind", "Status");
            status.put("apiVersion", "v1");
            status.put("metadata", Map.of());
            status.put("status", "Failure");
            status.put("message", "extension " + name + " is not running on this kernel replica");
            status.put("reason", "NotFound");
            status.put("details", Map.of("name", name, "group", "kubesphere.io", "kind", "extensions"));
            status.put("code", 404);
            return Response.status(404).type(MediaType.APPLICATION_JSON).entity(status).build();
        }
        List<RuntimeContext.CheckResult> results = running.get().context().probe();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("version", running.get().version());
        body.put("replica", replicaId);
        body.put("healthy", results.stream().allMatch(RuntimeContext.CheckResult::healthy));
        body.put("probeTime", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        body.put("checks", results.stream().map(r -> {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", r.name());
            c.put("healthy", r.healthy());
            c.put("message", r.message());
            return c;
        }).toList());
        return Response.ok(body, MediaType.APPLICATION_JSON).build();
    }
}
