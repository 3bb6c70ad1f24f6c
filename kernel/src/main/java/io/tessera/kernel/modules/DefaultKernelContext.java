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
import java.util.Optional;
import java.util.function.BooleanSupplier;

/** The kernel's side of {@link KernelContext}: every call lands in the live request chain. */
public final class DefaultKernelContext implements KernelContext {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DefaultKernelContext.class);

    /** The owner recorded in the route table for kernel mounts. */
    public static final String KERNEL_OWNER = "kernel";

    private final KernelConfig config;
    private final KubernetesClient kubernetes;
    private final Security security;
    private final RouteTable routes;
    private final Readiness readiness;
    private final io.tessera.kernel.osgi.FelixHost osgi;
    private final io.tessera.kernel.audit.AuditBus audit;
    private final ModuleServices services;
    /** Resources per prefix: a second mount of the same prefix adds to the first. */
    private final Map<String, List<Object>> mounted = new HashMap<>();
    /** Prefixes mounted while {@link #deferMounts deferred}, in the order first mounted. */
    private final java.util.Set<String> pending = new java.util.LinkedHashSet<>();
    private boolean deferred;

    public DefaultKernelContext(KernelConfig config, KubernetesClient kubernetes, Security security,
            RouteTable routes, Readiness readiness) {
        this(config, kubernetes, security, routes, readiness, null, new io.tessera.kernel.audit.AuditBus(), new ModuleServices());
    }

    public DefaultKernelContext(KernelConfig config, KubernetesClient kubernetes, Security security,
            RouteTable routes, Readiness readiness, io.tessera.kernel.osgi.FelixHost osgi,
            io.tessera.kernel.audit.AuditBus audit, ModuleServices services) {
        this.services = services;
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
        if (deferred) {
            pending.add(prefix);
            return;
        }
        build(prefix, all);
    }

    private void build(String prefix, List<Object> resources) {
        try {
            routes.mount(prefix, KERNEL_OWNER, JaxRsApps.forResources("kernel" + prefix, resources));
        } catch (jakarta.servlet.ServletException e) {
            throw new IllegalStateException("cannot mount " + prefix + ": " + e.getMessage(), e);
        }
    }

    /**
     * From now until {@link #mountDeferred}, mounts are recorded but not built. The kernel boots
     * this way: a Jersey application takes a while to build, modules starting in parallel would
     * queue behind one another on this object's lock, and a prefix that two modules add to
     * would be built twice.
     */
    public synchronized void deferMounts() {
        deferred = true;
    }

    /**
     * Builds every mount recorded since {@link #deferMounts} and returns when all are served;
     * later mounts are built at once again, each prefix on its own. The recorded prefixes share
     * as few Jersey applications as keep every resource at exactly the paths it would serve in one
     * application per prefix (each application costs its own HK2 locator and much of a cold
     * boot's CPU): prefixes that nest (such as {@code /proxy} and {@code /proxy/a}) never share one,
     * nor does a prefix with a provider among its objects. The root {@code /} nests every prefix, yet
     * the route table hands it only the paths no other prefix serves, so it shares when each of its
     * resources answers only under literal first segments that no prefix of the application starts
     * with (the console's {@code /} and {@code /console-assets/…}): then no resource of the
     * application can answer a path routed to another prefix. A catch-all at the root keeps an
     * application of its own. The applications build in parallel on {@code threads}.
     *
     * @throws IllegalStateException naming the first prefix that could not be mounted
     */
    public void mountDeferred(java.util.concurrent.Executor threads) {
        Map<String, List<Object>> batch = new java.util.LinkedHashMap<>();
        synchronized (this) {
            deferred = false;
            for (String prefix : pending) {
                batch.put(prefix, new ArrayList<>(mounted.get(prefix)));
            }
            pending.clear();
        }
        List<List<String>> groups = new ArrayList<>();
        List<List<String>> alone = new ArrayList<>();
        // read once from the root's resource models; consulted only when the root is in the batch
        java.util.Set<String> rootSegments = batch.containsKey(RouteTable.ROOT)
                ? JaxRsApps.firstSegments(batch.get(RouteTable.ROOT)) : null;
        batch.forEach((prefix, resources) -> {
            if (resources.stream().allMatch(JaxRsApps::canShare)) {
                joinGroup(groups, prefix, rootSegments);
            } else {
                alone.add(List.of(prefix));
            }
        });
        groups.addAll(alone);
        List<java.util.concurrent.CompletableFuture<Void>> built = new ArrayList<>();
        for (List<String> group : groups) {
            built.add(java.util.concurrent.CompletableFuture.runAsync(() -> {
                BootPhases phases = new BootPhases(LOG, "mount");
                group.forEach(DefaultKernelContext.this::requireKernelOwned);
                if (group.size() == 1) {
                    build(group.get(0), batch.get(group.get(0)));
                } else {
                    buildShared(group, batch);
                }
                phases.mark(String.join(",", group));
            }, threads));
        }
        for (java.util.concurrent.CompletableFuture<Void> future : built) {
            try {
                future.join();
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
        }
    }

    /** Adds {@code prefix} to the first group none of whose prefixes it overlaps, or to a new group. */
    private static void joinGroup(List<List<String>> groups, String prefix, java.util.Set<String> rootSegments) {
        for (List<String> group : groups) {
            if (group.stream().noneMatch(other -> overlap(prefix, other, rootSegments))) {
                group.add(prefix);
                return;
            }
        }
        groups.add(new ArrayList<>(List.of(prefix)));
    }

    /**
     * Whether resources of one prefix could answer a path the route table hands to the other: the
     * prefixes nest, and neither is the root whose resources all stay off the other's first segment.
     *
     * @param rootSegments {@link JaxRsApps#firstSegments} of the root's resources (null: any)
     */
    static boolean overlap(String a, String b, java.util.Set<String> rootSegments) {
        if (a.equals(RouteTable.ROOT) != b.equals(RouteTable.ROOT)) {
            String other = a.equals(RouteTable.ROOT) ? b : a;
            return rootSegments == null || rootSegments.contains(other.substring(1).split("/", 2)[0]);
        }
        return nested(a, b);
    }

    /** Whether a path can be under both prefixes, so resources of one could answer for the other. */
    static boolean nested(String a, String b) {
        return a.equals(RouteTable.ROOT) || b.equals(RouteTable.ROOT) || a.equals(b)
                || a.startsWith(b + "/") || b.startsWith(a + "/");
    }

    private void requireKernelOwned(String prefix) {
        Object owner = routes.owner(prefix);
        if (owner != null && !KERNEL_OWNER.equals(owner)) {
            throw new IllegalStateException(prefix + " is already served by " + owner);
        }
    }

    private void buildShared(List<String> prefixes, Map<String, List<Object>> batch) {
        Map<String, List<Object>> resources = new java.util.LinkedHashMap<>();
        prefixes.forEach(prefix -> resources.put(prefix, batch.get(prefix)));
        try {
            routes.mountShared(prefixes, KERNEL_OWNER, JaxRsApps.forPrefixes(KERNEL_OWNER, resources));
        } catch (jakarta.servlet.ServletException e) {
            throw new IllegalStateException("cannot mount " + String.join(", ", prefixes) + ": " + e.getMessage(), e);
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

    @Override
    public <T> void provide(Class<T> type, T service) {
        services.provide(type, service);
    }

    @Override
    public <T> Optional<T> lookup(Class<T> type) {
        return services.lookup(type);
    }
}
