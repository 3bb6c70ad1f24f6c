package io.tessera.kernel.spi;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.tessera.kernel.config.KernelConfig;
import io.tessera.kernel.security.Authenticator;
import io.tessera.kernel.security.Authorizer;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/** What the kernel offers its modules while they start. */
public interface KernelContext {

    KernelConfig config();

    /** The kernel's own client, with the platform's credentials. */
    KubernetesClient kubernetes();

    /** Adds an authenticator after those added before it (modules start in dependency order). */
    void addAuthenticator(Authenticator authenticator);

    /**
     * Replaces the authorizer. The kernel's default allows only the public paths and denies
     * everything else.
     */
    void setAuthorizer(Authorizer authorizer);

    /**
     * The authorizer in effect now (the one IAM set, once it started), for modules that decide
     * per user what to show beyond the request itself (e.g. console entries).
     */
    Authorizer authorizer();

    /**
     * Declares a path that answers without authentication. A pattern ending in {@code /*}
     * matches everything below its prefix; a method-qualified pattern ({@code "GET /x"}) only
     * that method.
     */
    void addPublicPath(String pattern);

    /** Mounts kernel JAX-RS resources (instances or classes) under {@code /kapis/{group}/{version}}. */
    void mountKapis(String group, String version, Object... resources);

    /** Mounts kernel JAX-RS resources under a root prefix such as {@code /oauth}. */
    void mountPath(String prefix, Object... resources);

    /** {@code /readyz} answers 200 only while every check answers true. */
    void addReadinessCheck(String name, BooleanSupplier ready);

    /** The OSGi framework that runs extension bundles (for the extension runtime). */
    io.tessera.kernel.osgi.FelixHost osgi();

    /** The in-kernel audit bus: request events, and events modules add (e.g. refused extension calls). */
    io.tessera.kernel.audit.AuditBus auditBus();

    /**
     * Offers a service to the other modules (and the kernel, e.g. {@link KubernetesWriteAdmission}
     * to the Kubernetes proxy): one per type, for the kernel's lifetime.
     *
     * @throws IllegalStateException when a service of that type is already provided
     */
    <T> void provide(Class<T> type, T service);

    /**
     * The service of that type another module provided, or empty. Modules may start in any order
     * (and concurrently), so look a service up when it is used (per request), not once in
     * {@code start}; an absent service means "that module is not (yet) there".
     */
    <T> Optional<T> lookup(Class<T> type);
}
