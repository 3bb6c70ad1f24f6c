package io.tessera.kernel;

import io.tessera.devcluster.DevCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.tessera.extension.api.KernelInfo;
import io.tessera.kernel.audit.AuditBus;
import io.tessera.kernel.concurrent.DaemonThreads;
import io.tessera.kernel.config.KernelConfig;
import io.tessera.kernel.health.BuildInfo;
import io.tessera.kernel.health.HealthEndpoints;
import io.tessera.kernel.health.Readiness;
import io.tessera.kernel.health.VersionEndpoint;
import io.tessera.kernel.http.Gateway;
import io.tessera.kernel.http.JettyMemory;
import io.tessera.kernel.http.Security;
import io.tessera.kernel.http.tls.ServingKeys;
import io.tessera.kernel.kube.CrdInstaller;
import io.tessera.kernel.kube.KubeConnection;
import io.tessera.kernel.kube.KubeConnectionException;
import io.tessera.kernel.kubeproxy.KubeconfigResource;
import io.tessera.kernel.kubeproxy.Upstream;
import io.tessera.kernel.metrics.HttpMetrics;
import io.tessera.kernel.modules.DefaultKernelContext;
import io.tessera.kernel.modules.ModuleHost;
import io.tessera.kernel.modules.ModuleServices;
import io.tessera.kernel.osgi.FelixHost;
import io.tessera.kernel.osgi.KapisWhiteboard;
import io.tessera.kernel.routing.RouteTable;
import io.tessera.kernel.spi.KernelModule;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running kernel: HTTP gateway, Kubernetes connection, OSGi host and kernel modules.
 *
 * <p>Boot order: HTTP listener (so a taken port fails first and the probes answer during boot)
 * → Kubernetes connection (the embedded cluster if nothing else is configured), opened while the
 * OSGi framework starts and the modules' CRDs are read → CRDs applied → modules, in parallel as
 * their dependencies allow → their Jersey applications built, in parallel → ready. {@link #close()} undoes it in reverse after
 * readiness has gone false and in-flight requests have drained.
 */
public final class Kernel implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Kernel.class);

    static {
        JettyMemory.presetReferencesPerCacheLine();
    }

    private final KernelConfig config;
    private final BuildInfo build = BuildInfo.load();
    private final Security security = new Security();
    private final RouteTable routes = new RouteTable();
    private final Readiness readiness = new Readiness();
    private final AuditBus audit = new AuditBus();
    private final HttpMetrics metrics = new HttpMetrics();
    private final ModuleHost modules = new ModuleHost();
    private volatile KubeConnection kube;
    private Gateway gateway;
    private FelixHost osgi;
    private KapisWhiteboard whiteboard;
    private volatile boolean started;
    private volatile boolean stopping;
    private boolean closed;

    private Kernel(KernelConfig config) {
        this.config = config;
    }

    public static Kernel start(KernelConfig config) throws KernelStartException {
        return start(config, List.of());
    }

    /**
     * Boots the kernel and returns once it is ready to serve.
     *
     * @param extraModules modules to run besides those found by {@link java.util.ServiceLoader}
     */
    public static Kernel start(KernelConfig config, List<KernelModule> extraModules) throws KernelStartException {
        Kernel kernel = new Kernel(config);
        try {
            kernel.boot(extraModules);
            return kernel;
        } catch (KernelStartException e) {
            LOG.error("event=kernel.start.failed error=\"{}\"", e.getMessage());
            kernel.close();
            throw e;
        } catch (Exception | LinkageError e) {
            LOG.error("event=kernel.start.failed error=\"{}\"", e.toString());
            kernel.close();
            throw new KernelStartException("the kernel failed to start: " + e, e);
        }
    }

    private void boot(List<KernelModule> extraModules) throws Exception {
        long begin = System.nanoTime();
        List<KernelModule> ordered;
        try {
            ordered = ModuleHost.discover(extraModules);
        } catch (IllegalArgumentException e) {
            throw new KernelStartException(e.getMessage(), e);
        }
        try {
            Files.createDirectories(config.dataDir());
        } catch (IOException e) {
            throw new KernelStartException("cannot create the data directory " + config.dataDir() + ": " + e.getMessage(), e);
        }

        readiness.add("kubernetes", () -> kube != null && kube.reachable());
        readiness.add("kernel", () -> started && !stopping);

        ExecutorService threads = Executors.newCachedThreadPool(DaemonThreads.named("kernel-boot"));
        CompletableFuture<KubeConnection> connecting = null;
        try {
            // Three strands meet only before the modules start: the HTTP listener and the OSGi
            // framework (this thread), the Kubernetes connection (with the embedded cluster behind it),
            // and the modules' CRDs, read with the serialization that the client then shares.
            CompletableFuture<KubernetesSerialization> serialization = CompletableFuture.supplyAsync(KubernetesSerialization::new,
                    threads);
            CompletableFuture<List<List<GenericKubernetesResource>>> reading = serialization.thenApplyAsync(s -> {
                try {
                    return ModuleHost.readCrds(ordered, s);
                } catch (ModuleHost.ModuleStartException e) {
                    throw new CompletionException(e);
                }
            }, threads);

            VersionEndpoint version = new VersionEndpoint(build, () -> kube == null ? null : kube.kubernetesVersion());
            gateway = new Gateway(security, routes, new HealthEndpoints(readiness), version, metrics, audit,
                    config.hostClusterName());
            KernelConfig.Server server = config.server();
            gateway.addHttpConnector(server.address(), server.port());
            ServingKeys servingKeys = null;
            if (server.https() != null && server.https().enabled()) {
                try {
                    servingKeys = ServingKeys.load(server.https());
                } catch (IOException e) {
                    throw new KernelStartException(e.getMessage(), e);
                }
                gateway.addHttpsConnector(server.address(), server.https().port(), servingKeys);
            }
            try {
                // a port in use fails the boot before the cluster is touched
                gateway.bind();
                connecting = CompletableFuture.supplyAsync(() -> {
                    try {
                        return KubeConnection.open(config, serialization::join);
                    } catch (KubeConnectionException e) {
                        throw new CompletionException(e);
                    }
                }, threads);
                gateway.start(server.shutdownGrace());
            } catch (Gateway.PortInUseException e) {
                throw new KernelStartException(e.getMessage(), e);
            }
            long httpUp = System.nanoTime();

            List<List<GenericKubernetesResource>> crds;
            try {
                osgi = FelixHost.start(config.dataDir().resolve("felix"));
            } catch (org.osgi.framework.BundleException | IOException e) {
                throw new KernelStartException("cannot start the OSGi framework in " + config.dataDir().resolve("felix")
                        + ": " + e.getMessage(), e);
            }
            try {
                crds = reading.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof ModuleHost.ModuleStartException failure
                        ? new KernelStartException(failure.getMessage(), failure) : e;
            }
            osgi.context().registerService(KernelInfo.class, new Info(build.version(), config.hostClusterName()), new Hashtable<>());
            osgi.setDrain(bundle -> routes.drained(KapisWhiteboard.ownedBy(bundle)), config.server().shutdownGrace());
            whiteboard = new KapisWhiteboard(osgi.context(), routes);
            whiteboard.open();
            long osgiUp = System.nanoTime();

            awaitConnection(connecting);
            try {
                gateway.connectKubernetes(Upstream.from(kube.client().getConfiguration()));
            } catch (IllegalStateException e) {
                throw new KernelStartException(e.getMessage(), e);
            }
            long kubeUp = System.nanoTime();

            ModuleServices services = new ModuleServices();
            gateway.connectModules(services);
            DefaultKernelContext context = new DefaultKernelContext(config, kube.client(), security, routes, readiness, osgi, audit,
                    services);
            context.deferMounts();
            // KubeSphere's kubeconfig download, part of the Kubernetes proxy feature (issue 9)
            context.mountKapis("resources.kubesphere.io", "v1alpha2", new KubeconfigResource(config, gateway.httpsUri(),
                    servingKeys == null ? null : servingKeys.trustAnchorPem()));
            try {
                modules.start(ordered, crds, context, new CrdInstaller(kube.client()));
            } catch (ModuleHost.ModuleStartException e) {
                throw new KernelStartException(e.getMessage(), e);
            }
            long modulesUp = System.nanoTime();
            try {
                context.mountDeferred(threads);
            } catch (IllegalStateException e) {
                throw new KernelStartException(e.getMessage(), e);
            }
            long end = System.nanoTime();
            LOG.info("event=kernel.started url={} kubernetes=\"{}\" modules={} ms={} httpMs={} osgiMs={} kubeMs={} modulesMs={} "
                    + "mountMs={}", gateway.baseUri(), kube.source(), ordered.stream().map(KernelModule::name).toList(),
                    ms(end - begin), ms(httpUp - begin), ms(osgiUp - httpUp), ms(kubeUp - httpUp), ms(modulesUp - kubeUp),
                    ms(end - modulesUp));
        } finally {
            threads.shutdown();
            if (kube == null && connecting != null) {
                // The boot failed before taking the connection: wait for it and close it, so that the
                // embedded cluster does not go on starting (and writing to the data dir) after the failure.
                try {
                    connecting.join().close();
                } catch (CompletionException | java.util.concurrent.CancellationException ignored) {
                    // it failed to open too; the boot's own error is the one reported
                }
            }
        }
        started = true;
    }

    /**
     * Waits for the connection being opened and keeps it, so that {@link #close()} closes it
     * whether or not the boot goes on.
     */
    private void awaitConnection(CompletableFuture<KubeConnection> connecting) throws KernelStartException {
        try {
            kube = connecting.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof KubeConnectionException failure) {
                throw new KernelStartException(failure.getMessage(), failure);
            }
            throw new KernelStartException("cannot connect to Kubernetes: " + e.getCause(), e.getCause());
        }
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    /** The HTTP listener's base URI, with the real port when port 0 was asked for. */
    public URI baseUri() {
        return gateway == null ? null : gateway.baseUri();
    }

    /** The HTTPS listener's base URI, or null when HTTPS is off. */
    public URI httpsUri() {
        return gateway == null ? null : gateway.httpsUri();
    }

    /** The embedded development cluster, or null when the kernel uses another cluster. */
    public DevCluster embeddedCluster() {
        KubeConnection k = kube;
        return k == null ? null : k.embedded();
    }

    /** The in-kernel audit event bus. */
    public AuditBus auditBus() {
        return audit;
    }

    /** The /kapis and kernel path routing table. */
    public RouteTable routes() {
        return routes;
    }

    /** The OSGi framework that runs extension bundles. */
    public FelixHost osgi() {
        return osgi;
    }

    public KernelConfig config() {
        return config;
    }

    /** True while {@code /readyz} would answer 200. */
    public boolean ready() {
        return readiness.ready();
    }

    /**
     * Graceful stop: readiness goes false first, the listener stops accepting and in-flight
     * requests finish (up to {@code server.shutdownGrace}), then modules, the OSGi framework,
     * the Kubernetes connection and the embedded cluster stop.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopping = true;
        long begin = System.nanoTime();
        if (gateway != null) {
            gateway.stop();
        }
        long http = System.nanoTime();
        modules.stop();
        if (whiteboard != null) {
            whiteboard.close();
        }
        if (osgi != null) {
            osgi.close();
        }
        routes.clear();
        long osgiDone = System.nanoTime();
        if (kube != null) {
            try {
                kube.close();
            } catch (RuntimeException e) {
                LOG.warn("event=kube.close.failed error={}", e.toString());
            }
        }
        long end = System.nanoTime();
        LOG.info("event=kernel.stopped ms={} httpMs={} modulesAndOsgiMs={} kubeMs={}", (end - begin) / 1_000_000,
                (http - begin) / 1_000_000, (osgiDone - http) / 1_000_000, (end - osgiDone) / 1_000_000);
    }

    private record Info(String version, String hostClusterName) implements KernelInfo {
    }
}
