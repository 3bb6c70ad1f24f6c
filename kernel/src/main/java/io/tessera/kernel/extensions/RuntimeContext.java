package io.tessera.kernel.extensions;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.tessera.extension.api.ExtensionContext;
import io.tessera.extension.api.User;
import io.tessera.extension.api.http.KapisRoutes;
import io.tessera.extension.api.kube.Reconciler;
import io.tessera.extension.api.kube.ScopedClient;
import io.tessera.kernel.security.UserInfo;
import io.tessera.kernel.spi.RequestAttributes;
import jakarta.ws.rs.core.Application;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One started extension version's context. Everything it registers is tracked so that
 * {@link #close()} removes routes and controllers and drops every reference into the
 * extension's class loader.
 */
final class RuntimeContext implements ExtensionContext, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeContext.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

    private final ExtensionManifest manifest;
    private final BundleContext bundle;
    private final KubernetesClient kernelClient;
    private final ScopedKubeClient scoped;
    private final Logger logger;
    private final List<ServiceRegistration<?>> registrations = new CopyOnWriteArrayList<>();
    private final List<Consumer<Map<String, Object>>> configListeners = new CopyOnWriteArrayList<>();
    private final List<SharedIndexInformer<?>> informers = new CopyOnWriteArrayList<>();
    private final List<ScheduledExecutorService> executors = new CopyOnWriteArrayList<>();
    private volatile Map<String, Object> config;
    private volatile boolean closed;
    private final String replicaId;
    private final List<java.util.concurrent.CompletableFuture<?>> elections = new CopyOnWriteArrayList<>();

    RuntimeContext(ExtensionManifest manifest, BundleContext bundle, KubernetesClient kernelClient,
            ScopedKubeClient scoped, Map<String, Object> config, String replicaId) {
        this.replicaId = replicaId;
        this.manifest = manifest;
        this.bundle = bundle;
        this.kernelClient = kernelClient;
        this.scoped = scoped;
        this.config = config;
        this.logger = LoggerFactory.getLogger("extension." + manifest.name());
    }

    @Override
    public String name() {
        return manifest.name();
    }

    @Override
    public String version() {
        return manifest.version();
    }

    @Override
    public String namespace() {
        return manifest.namespace();
    }

    @Override
    public Map<String, Object> config() {
        return config;
    }

    @Override
    public void onConfigChange(Consumer<Map<String, Object>> listener) {
        configListeners.add(listener);
    }

    void updateConfig(Map<String, Object> value) {
        config = value;
        for (Consumer<Map<String, Object>> l : configListeners) {
            try {
                l.accept(value);
            } catch (RuntimeException e) {
                LOG.warn("event=extension.config.listener.failed extension={} error=\"{}\"", name(), e.toString());
            }
        }
    }

    @Override
    public ScopedClient kubernetes() {
        return scoped;
    }

    @Override
    public void kapis(String group, String version, Application application) {
        if (closed) {
            throw new IllegalStateException("extension " + name() + " has stopped");
        }
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(KapisRoutes.GROUP, group);
        props.put(KapisRoutes.VERSION, version);
        // registered with the extension bundle's context so the route table knows its owner (drain on uninstall)
        registrations.add(bundle.registerService(Application.class, application, props));
        LOG.info("event=extension.route.registered extension={} version={} prefix=/kapis/{}/{}", name(),
                version(), group, version);
    }

    @Override
    public void controller(String group, String version, String plural, Reconciler reconciler) {
        String g = group == null ? "" : group;
        scoped.check(g, version, plural, "list", null, null);
        scoped.check(g, version, plural, "watch", null, null);
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "extension-" + name() + "-" + plural);
            t.setDaemon(true);
            return t;
        });
        executors.add(executor);
        ResourceDefinitionContext rdc = new ResourceDefinitionContext.Builder().withGroup(g).withVersion(version)
                .withPlural(plural).withNamespaced(true).build();
        // one replica runs the controller: leader election on a Lease per extension × resource
        String leaseName = "tessera-ext-" + name() + "-" + plural.replace('/', '-');
        SharedIndexInformer<?>[] current = new SharedIndexInformer<?>[1];
        var config = new io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder()
                .withName(leaseName)
                .withLock(new io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock(
                        ReplicaRegistry.NAMESPACE, leaseName, replicaId))
                .withLeaseDuration(Duration.ofSeconds(ReplicaRegistry.LEASE_SECONDS))
                .withRenewDeadline(Duration.ofSeconds(10))
                .withRetryPeriod(Duration.ofSeconds(2))
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks(
                        () -> {
                            if (closed) {
                                return;
                            }
                            LOG.info("event=extension.controller.leading extension={} resource={} replica={}", name(), plural, replicaId);
                            current[0] = informer(rdc, executor, reconciler, plural);
                            informers.add(current[0]);
                        },
                        () -> {
                            LOG.info("event=extension.controller.stopped-leading extension={} resource={} replica={}", name(), plural,
                                    replicaId);
                            if (current[0] != null) {
                                current[0].close();
                                informers.remove(current[0]);
                                current[0] = null;
                            }
                        },
                        leader -> LOG.debug("event=extension.controller.leader extension={} resource={} leader={}", name(), plural,
                                leader)))
                .build();
        elections.add(kernelClient.leaderElector().withConfig(config).build().start());
    }

    private SharedIndexInformer<GenericKubernetesResource> informer(ResourceDefinitionContext rdc,
            ScheduledExecutorService executor, Reconciler reconciler, String plural) {
        return kernelClient.genericKubernetesResources(rdc)
                .inAnyNamespace().inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(GenericKubernetesResource obj) {
                        executor.execute(() -> run(executor, reconciler, plural, obj, Duration.ofSeconds(1)));
                    }

                    @Override
                    public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
                        if (!java.util.Objects.equals(oldObj.getMetadata().getGeneration(), newObj.getMetadata().getGeneration())
                                || newObj.getMetadata().getGeneration() == null) {
                            executor.execute(() -> run(executor, reconciler, plural, newObj, Duration.ofSeconds(1)));
                        }
                    }

                    @Override
                    public void onDelete(GenericKubernetesResource obj, boolean unknown) {
                    }
                });
    }

    private void run(ScheduledExecutorService executor, Reconciler reconciler, String plural,
            GenericKubernetesResource obj, Duration backoff) {
        if (closed) {
            return;
        }
        String key = obj.getMetadata().getNamespace() + "/" + obj.getMetadata().getName();
        try {
            Reconciler.Result result = reconciler.reconcile(scoped.toMap(obj));
            if (result != null && result.requeueAfter() != null) {
                executor.schedule(() -> run(executor, reconciler, plural, obj, Duration.ofSeconds(1)),
                        result.requeueAfter().toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (Exception | LinkageError e) {
            // an extension's controller failure stays inside its own executor: retry with backoff
            LOG.warn("event=extension.reconcile.failed extension={} resource={} object={} retryMs={} error=\"{}\"",
                    name(), plural, key, backoff.toMillis(), e.toString());
            Duration next = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            if (!closed) {
                executor.schedule(() -> run(executor, reconciler, plural, obj, next), backoff.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    @Override
    public Logger logger() {
        return logger;
    }

    @Override
    public User currentUser(Object request) {
        Object user = null;
        if (request instanceof jakarta.servlet.http.HttpServletRequest r) {
            user = r.getAttribute(RequestAttributes.USER);
        } else if (request instanceof jakarta.ws.rs.container.ContainerRequestContext r) {
            user = r.getProperty(RequestAttributes.USER);
        }
        if (user instanceof UserInfo u) {
            return new User(u.name(), u.groups());
        }
        throw new IllegalArgumentException("not a request served by the kernel: " + request);
    }

    /** Removes routes and controllers; safe to call more than once. */
    @Override
    public void close() {
        closed = true;
        for (var election : elections) {
            // cancel releases the lease (releaseOnCancel), so another replica takes over at once
            election.cancel(true);
        }
        elections.clear();
        for (SharedIndexInformer<?> i : informers) {
            i.close();
        }
        informers.clear();
        for (ScheduledExecutorService e : executors) {
            e.shutdownNow();
        }
        executors.clear();
        List<ServiceRegistration<?>> regs = new ArrayList<>(registrations);
        registrations.clear();
        for (ServiceRegistration<?> r : regs) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle stopped first: its services are gone already
            }
        }
        configListeners.clear();
    }
}
