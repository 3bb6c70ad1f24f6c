package io.tessera.kernel.modules;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.tessera.kernel.config.KernelConfig;
import io.tessera.kernel.health.Readiness;
import io.tessera.kernel.http.Security;
import io.tessera.kernel.routing.JaxRsApps;
import io.tessera.kernel.routing.RouteTable;
import io.tessera.kernel.security.Authenticator;
import io.tessera.kernel.security.Authorizer;
import io.tessera.kernel.spi.KernelContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** The kernel's side of {@link KernelContext}: every call lands in the live request chain. */
public final class DefaultKernelContext implements KernelContext {

    /** The owner recorded in the route table for kernel mounts. */
    public static final String KERNEL_OWNER = "kernel";

    private final KernelConfig config;
    private final KubernetesClient kubernetes;
    private final Security security;
    private final RouteTable routes;
    private final Readiness readiness;
    private final io.tessera.kernel.osgi.FelixHost osgi;
    private final io.tessera.kernel.audit.AuditBus audit;
    /** Resources per prefix: a second mount of the same prefix adds to the first. */
    private final Map<String, List<Object>> mounted = new HashMap<>();

    public DefaultKernelContext(KernelConfig config, KubernetesClient kubernetes, Security security,
            RouteTable routes, Readiness readiness) {
        this(config, kubernetes, security, routes, readiness, null, new io.tessera.kernel.audit.AuditBus());
    }

    public DefaultKernelContext(KernelConfig config, KubernetesClient kubernetes, Security security,
            RouteTable routes, Readiness readiness, io.tessera.kernel.osgi.FelixHost osgi,
            io.tessera.kernel.audit.AuditBus audit) {
        this.osgi = osgi;
        this.audit = audit;
        this.config = config;
        this.kubernetes = kubernetes;
        this.security = security;
        this.routes = routes;
        this.readiness = readiness;
    }

    @Override
    public KernelConfig config() {
        return config;
    }

    @Override
    public KubernetesClient kubernetes() {
        return kubernetes;
    }

    @Override
    public void addAuthenticator(Authenticator authenticator) {
        security.addAuthenticator(authenticator);
    }

    @Override
    public void setAuthorizer(Authorizer authorizer) {
        security.setAuthorizer(authorizer);
    }

    @Override
    public Authorizer authorizer() {
        return security.authorizer();
    }

    @Override
    public void addPublicPath(String pattern) {
        security.publicPaths().add(pattern);
    }

    @Override
    public void mountKapis(String group, String version, Object... resources) {
        mount(RouteTable.kapisPrefix(group, version), resources);
    }

    @Override
    public void mountPath(String prefix, Object... resources) {
        if (prefix.startsWith("/kapis/") || prefix.equals("/kapis")) {
            throw new IllegalArgumentException("use mountKapis for /kapis paths: " + prefix);
        }
        mount(prefix, resources);
    }

    private synchronized void mount(String prefix, Object... resources) {
        Object owner = routes.owner(prefix);
        if (owner != null && !KERNEL_OWNER.equals(owner)) {
            throw new IllegalStateException(prefix + " is already served by " + owner);
        }
        List<Object> all = mounted.computeIfAbsent(prefix, p -> new ArrayList<>());
        all.addAll(Arrays.asList(resources));
        try {
            routes.mount(prefix, KERNEL_OWNER, JaxRsApps.forResources("kernel" + prefix, all));
        } catch (jakarta.servlet.ServletException e) {
            throw new IllegalStateException("cannot mount " + prefix + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void addReadinessCheck(String name, BooleanSupplier ready) {
        readiness.add(name, ready);
    }

    @Override
    public io.tessera.kernel.osgi.FelixHost osgi() {
        return osgi;
    }

    @Override
    public io.tessera.kernel.audit.AuditBus auditBus() {
        return audit;
    }
}
