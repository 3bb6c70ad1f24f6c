package io.tessera.kernel.extensions;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.tessera.extension.api.ExtensionContext;
import io.tessera.extension.api.HealthCheck;
import io.tessera.extension.api.User;
import io.tessera.extension.api.http.KapisRoutes;
import io.tessera.extension.api.kube.Reconciler;
import io.tessera.extension.api.kube.ScopedClient;
import io.tessera.kernel.concurrent.DaemonThreads;
import io.tessera.kernel.config.KernelConfig;
import io.tessera.kernel.kube.LeaderGate;
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
    private final List<LeaderGate> elections = new CopyOnWriteArrayList<>();
    private final Map<String, HealthCheck> healthChecks = new java.util.concurrent.ConcurrentSkipListMap<>();
    /** Runs the probes: a probe that hangs past its timeout keeps only its own thread. */
    private final java.util.concurrent.ExecutorService probes;
    private final ScheduledExecutorService healthTimer;

    RuntimeContext(ExtensionManifest manifest, BundleContext bundle, KubernetesClient kernelClient,
            ScopedKubeClient scoped, Map<String, Object> config, String replicaId) {
        this.replicaId = replicaId;
        this.manifest = manifest;
        this.bundle = bundle;
        this.kernelClient = kernelClient;
        this.scoped = scoped;
        this.config = config;
        this.logger = LoggerFactory.getLogger("extension." + manifest.name());
        this.probes = Executors.newCachedThreadPool(DaemonThreads.named("extension-" + manifest.name() + "-health"));
        this.healthTimer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("extension-" + manifest.name() + "-health-timer"));
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
        // a configuration change often is what fixes (or breaks) a backend: probe again now
        if (!healthChecks.isEmpty() && !closed) {
            healthTimer.execute(this::probeAndPublish);
        }
    }

    @Override
    public void healthCheck(String name, HealthCheck check) {
        if (name == null || name.isBlank() || check == null) {
            throw new IllegalArgumentException("a health check needs a name and a check");
        }
        healthChecks.put(name, check);
    }

    /** One check's outcome. */
    record CheckResult(String name, boolean healthy, String message) {
    }

    /** Runs every registered check now (in parallel, each bounded by {@link #PROBE_TIMEOUT}). */
    List<CheckResult> probe() {
        Map<String, java.util.concurrent.Future<?>> running = new java.util.LinkedHashMap<>();
        healthChecks.forEach((n, c) -> running.put(n, probes.submit(() -> {
            c.check();
            return null;
        })));
        List<CheckResult> out = new ArrayList<>();
        long deadline = System.nanoTime() + PROBE_TIMEOUT.toNanos();
        running.forEach((n, f) -> {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                out.add(new CheckResult(n, true, "ok"));
            } catch (java.util.concurrent.TimeoutException e) {
                f.cancel(true);
                out.add(new CheckResult(n, false, "no answer within " + PROBE_TIMEOUT.toSeconds() + " s"));
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                out.add(new CheckResult(n, false, cause.getMessage() == null ? cause.getClass().getName() : cause.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                out.add(new CheckResult(n, false, "interrupted"));
            } catch (java.util.concurrent.CancellationException | java.util.concurrent.RejectedExecutionException e) {
                out.add(new CheckResult(n, false, "the extension stopped"));
            }
        });
        return out;
    }

    boolean hasHealthChecks() {
        return !healthChecks.isEmpty();
    }

    /** After the version took over: publish now, then probe every {@link #PROBE_INTERVAL}. */
    void startHealthChecks() {
        if (healthChecks.isEmpty() || closed) {
            return;
        }
        healthTimer.scheduleWithFixedDelay(this::probeAndPublish, 0, PROBE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void probeAndPublish() {
        if (closed) {
            return;
        }
        try {
            List<CheckResult> results = probe();
            List<CheckResult> failing = results.stream().filter(r -> !r.healthy()).toList();
            String self = " (replica " + replicaId + ")";
            if (failing.isEmpty()) {
                // a healthy replica does not clear another replica's failure: that one clears it itself
                writeCondition(HEALTHY, true, "HealthCheckPassed",
                        results.size() + " health check(s) pass" + self,
                        old -> !"False".equals(old.get("status")) || String.valueOf(old.get("message")).endsWith(self));
            } else {
                writeCondition(HEALTHY, false, "HealthCheckFailed", failing.stream().map(r -> r.name() + ": " + r.message())
                        .collect(java.util.stream.Collectors.joining("; ")) + self, old -> true);
            }
        } catch (RuntimeException e) {
            LOG.warn("event=extension.health.publish.failed extension={} error=\"{}\"", name(), e.toString());
        }
    }

    static final String HEALTHY = "Healthy";
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
    static final Duration PROBE_INTERVAL = Duration.ofSeconds(10);

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
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("extension-" + name() + "-" + plural));
        executors.add(executor);
        ResourceDefinitionContext rdc = new ResourceDefinitionContext.Builder().withGroup(g).withVersion(version)
                .withPlural(plural).withNamespaced(true).build();
        // one replica runs the controller: leader election on a Lease per extension × resource
        String leaseName = "tessera-ext-" + name() + "-" + plural.replace('/', '-');
        SharedIndexInformer<?>[] current = new SharedIndexInformer<?>[1];
        // a LeaderGate campaigns again after losing the Lease, so this replica can lead again later
        LeaderGate gate = new LeaderGate(kernelClient, ReplicaRegistry.NAMESPACE, leaseName, replicaId,
                new KernelConfig.LeaderElection(Duration.ofSeconds(ReplicaRegistry.LEASE_SECONDS), Duration.ofSeconds(10),
                        Duration.ofSeconds(2)));
        elections.add(gate);
        gate.run(() -> {
            if (closed) {
                return;
            }
            LOG.info("event=extension.controller.leading extension={} resource={} replica={}", name(), plural, replicaId);
            current[0] = informer(rdc, executor, reconciler, plural);
            informers.add(current[0]);
        }, () -> {
            LOG.info("event=extension.controller.stopped-leading extension={} resource={} replica={}", name(), plural, replicaId);
            if (current[0] != null) {
                current[0].close();
                informers.remove(current[0]);
                current[0] = null;
            }
        });
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
                        executor.execute(() -> {
                            if (closed) {
                                return;
                            }
                            try {
                                reconciler.deleted(scoped.toMap(obj));
                            } catch (Exception | LinkageError e) {
                                LOG.warn("event=extension.deleted.failed extension={} resource={} object={}/{} error=\"{}\"", name(),
                                        plural, obj.getMetadata().getNamespace(), obj.getMetadata().getName(), e.toString());
                            }
                        });
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

    /**
     * Extension-reported conditions live beside the runtime's own on the InstallPlan (named after
     * the extension); the InstallPlanController keeps conditions of other types when it writes.
     */
    @Override
    @SuppressWarnings("unchecked")
    public void condition(String type, boolean status, String reason, String message) {
        if (type == null || type.isBlank()) {
            return;
        }
        writeCondition(type, status, reason, message, old -> true);
    }

    /** Writes one condition unless unchanged or {@code mayReplace} refuses the one there now. */
    @SuppressWarnings("unchecked")
    private void writeCondition(String type, boolean status, String reason, String message,
            java.util.function.Predicate<Map<?, ?>> mayReplace) {
        if (closed) {
            return;
        }
        String wanted = status ? "True" : "False";
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                var ops = kernelClient.genericKubernetesResources(ExtensionTypes.INSTALL_PLANS);
                GenericKubernetesResource plan = ops.withName(name()).get();
                if (plan == null) {
                    return;
                }
                Map<String, Object> st = plan.getAdditionalProperties().get("status") instanceof Map<?, ?> m
                        ? new java.util.LinkedHashMap<>((Map<String, Object>) m) : new java.util.LinkedHashMap<>();
                List<Map<String, Object>> conditions = new ArrayList<>();
                if (st.get("conditions") instanceof List<?> l) {
                    for (Object c : l) {
                        if (c instanceof Map<?, ?> cm) {
                            if (type.equals(cm.get("type")) && wanted.equals(cm.get("status"))
                                    && java.util.Objects.equals(reason, cm.get("reason"))
                                    && java.util.Objects.equals(message, cm.get("message"))) {
                                return; // unchanged: no write
                            }
                            if (type.equals(cm.get("type")) && !mayReplace.test(cm)) {
                                return;
                            }
                            if (!type.equals(cm.get("type"))) {
                                conditions.add((Map<String, Object>) cm);
                            }
                        }
                    }
                }
                Map<String, Object> c = new java.util.LinkedHashMap<>();
                c.put("type", type);
                c.put("status", wanted);
                c.put("reason", reason);
                c.put("message", message);
                c.put("lastTransitionTime", java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
                conditions.add(c);
                st.put("conditions", conditions);
                plan.setAdditionalProperty("status", st);
                ops.resource(plan).updateStatus();
                logger.info("event=extension.condition type={} status={} reason={} message=\"{}\"", type, wanted, reason, message);
                return;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409) {
                    LOG.warn("event=extension.condition.failed extension={} type={} error=\"{}\"", name(), type, e.getMessage());
                    return;
                }
            }
        }
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
        healthTimer.shutdownNow();
        probes.shutdownNow();
        healthChecks.clear();
        for (LeaderGate election : elections) {
            // releases the Lease, so another replica takes over at once
            election.close();
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
