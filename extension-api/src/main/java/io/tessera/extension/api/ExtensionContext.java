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

    /** An SLF4J logger named {@code extension.{name}}. */
    Logger logger();

    /**
     * The authenticated caller of a request being served by one of the extension's resources;
     * pass the {@code @Context HttpServletRequest} or {@code ContainerRequestContext}.
     */
    User currentUser(Object request);
}
