package io.tessera.extension.api;

import io.tessera.extension.api.kube.ScopedClient;
import jakarta.ws.rs.core.Application;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;

/** What the runtime gives a running extension. One instance per started extension version. */
public interface ExtensionContext {

    /** The extension's name from {@code extension.yaml}. */
    String name();

    /** The running version from {@code extension.yaml}. */
    String version();

    /** The extension's own namespace: {@code extension-{name}} unless the manifest names another. */
    String namespace();

    /**
     * The InstallPlan's {@code spec.config} YAML parsed to a map, over the defaults of the
     * package's configuration schema. Immutable; a new map replaces it when the plan changes.
     */
    Map<String, Object> config();

    /** Called with the new configuration after each change of the InstallPlan's {@code spec.config}. */
    void onConfigChange(Consumer<Map<String, Object>> listener);

    /**
     * A Kubernetes client limited to the resources and verbs declared under {@code permissions}
     * in {@code extension.yaml}; anything else throws
     * {@link io.tessera.extension.api.kube.PermissionDeniedException} and emits an audit event.
     */
    ScopedClient kubernetes();

    /**
     * Serves a JAX-RS application under {@code /kapis/{group}/{version}} until the extension
     * stops. Resources read the caller with {@link #currentUser(Object)}.
     */
    void kapis(String group, String version, Application application);

    /**
     * Runs {@code reconciler} for every object of the resource (verbs {@code list} and
     * {@code watch} must be declared) until the extension stops.
     */
    void controller(String group, String version, String plural, io.tessera.extension.api.kube.Reconciler reconciler);

    /**
     * Registers a health check under {@code name} (call it from {@link Extension#start}). The
     * runtime runs every check once right after {@code start} returns — a failing check fails the
     * install or upgrade like a throwing {@code start}, so an upgrade rolls back to the previous
     * version — and then periodically on every kernel replica while the extension runs. The result
     * is the condition {@code Healthy} on the extension's InstallPlan (reason
     * {@code HealthCheckPassed} or {@code HealthCheckFailed}, the failing checks' messages) and
     * {@code GET /kapis/kubesphere.io/v1alpha1/extensions/{name}/health}. An unhealthy extension
     * keeps serving; the kernel's {@code /readyz} does not depend on it.
     *
     * @since api 0.4
     */
    void healthCheck(String name, HealthCheck check);

    /** An SLF4J logger named {@code extension.{name}}. */
    Logger logger();

    /**
     * The authenticated caller of a request being served by one of the extension's resources;
     * pass the {@code @Context HttpServletRequest} or {@code ContainerRequestContext}.
     */
    User currentUser(Object request);

    /**
     * Sets one condition on the extension's InstallPlan {@code status.conditions} (replacing the
     * condition of the same type), e.g. {@code PrometheusReachable=False} while a backend is down.
     * The runtime's own condition types ({@code Installed}, …) are not touched. Writes only when
     * status, reason or message change, so it may be called on every health probe.
     *
     * @since 1.1 (added by issue 10: capability extensions need to report backend health where the
     *        marketplace and {@code kubectl get installplan -o yaml} show it)
     */
    default void condition(String type, boolean status, String reason, String message) {
        logger().info("event=extension.condition type={} status={} reason={} message=\"{}\"", type,
                status ? "True" : "False", reason, message);
    }
}
