package io.tessera.kernel.osgi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.wiring.FrameworkWiring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded OSGi framework (Apache Felix) that runs extension bundles. Its cache lives in
 * {@code <dataDir>/felix} and is cleaned at every start: which bundles run is decided by the
 * platform's Kubernetes state, not by a local cache.
 */
public final class FelixHost implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FelixHost.class);
    private static final long REFRESH_SECONDS = 30;
    private static final long STOP_MILLIS = 10_000;

    private final Framework framework;
    private volatile java.util.function.Function<Bundle, CompletableFuture<Void>> drain = b -> CompletableFuture.completedFuture(null);
    private volatile java.time.Duration drainTimeout = java.time.Duration.ofSeconds(10);

    private FelixHost(Framework framework) {
        this.framework = framework;
    }

    public static FelixHost start(Path storage) throws BundleException, IOException {
        Files.createDirectories(storage);
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, storage.toAbsolutePath().toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, HostPackages.systemPackagesExtra());
        // errors only: Felix prints to stdout otherwise
        config.put("felix.log.level", "1");
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class, FelixHost.class.getClassLoader())
                .findFirst()
                .orElseThrow(() -> new BundleException("no OSGi FrameworkFactory on the kernel's class path"));
        Framework framework = factory.newFramework(config);
        framework.init();
        framework.start();
        LOG.info("event=osgi.started storage={}", storage);
        return new FelixHost(framework);
    }

    public BundleContext context() {
        return framework.getBundleContext();
    }

    /** Installs and starts a bundle from a jar file. */
    public Bundle install(Path jar) throws BundleException, IOException {
        Bundle bundle;
        try (InputStream in = Files.newInputStream(jar)) {
            bundle = context().installBundle(jar.toUri().toString(), in);
        }
        try {
            bundle.start();
        } catch (BundleException e) {
            uninstall(bundle);
            throw e;
        }
        LOG.info("event=bundle.started name={} version={} id={}", bundle.getSymbolicName(), bundle.getVersion(), bundle.getBundleId());
        return bundle;
    }

    /**
     * What must finish between stopping a bundle and uninstalling it: requests still running in
     * its code would fail once the refresh closes its jar.
     */
    public void setDrain(java.util.function.Function<Bundle, CompletableFuture<Void>> drain, java.time.Duration timeout) {
        this.drain = drain;
        this.drainTimeout = timeout;
    }

    /**
     * Stops a bundle, waits for its in-flight requests (up to the drain timeout), uninstalls it
     * and refreshes the framework, after which nothing of the framework refers to the bundle's
     * class loader any more.
     */
    public void uninstall(Bundle bundle) throws BundleException {
        String name = bundle.getSymbolicName();
        long id = bundle.getBundleId();
        if (bundle.getState() == Bundle.ACTIVE || bundle.getState() == Bundle.STARTING) {
            bundle.stop();
        }
        try {
            drain.apply(bundle).get(drainTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BundleException("interrupted while draining " + name);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("event=bundle.drain.incomplete name={} id={} timeoutMs={}", name, id, drainTimeout.toMillis());
        }
        bundle.uninstall();
        refresh(List.of(bundle));
        LOG.info("event=bundle.uninstalled name={} id={}", name, id);
    }

    private void refresh(List<Bundle> bundles) throws BundleException {
        CompletableFuture<FrameworkEvent> done = new CompletableFuture<>();
        framework.adapt(FrameworkWiring.class).refreshBundles(bundles, done::complete);
        try {
            FrameworkEvent event = done.get(REFRESH_SECONDS, TimeUnit.SECONDS);
            if (event.getType() == FrameworkEvent.ERROR) {
                throw new BundleException("refresh failed: " + event.getThrowable());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BundleException("interrupted while refreshing bundles");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new BundleException("refresh did not finish in " + REFRESH_SECONDS + " s");
        }
    }

    @Override
    public void close() {
        try {
            framework.stop();
            framework.waitForStop(STOP_MILLIS);
            LOG.info("event=osgi.stopped");
        } catch (BundleException e) {
            LOG.warn("event=osgi.stop.failed error={}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
