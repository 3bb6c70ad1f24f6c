package io.tessera.kernel.modules;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.tessera.kernel.concurrent.DaemonThreads;
import io.tessera.kernel.kube.CrdInstaller;
import io.tessera.kernel.spi.KernelContext;
import io.tessera.kernel.spi.KernelModule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds, orders, starts and stops the kernel modules. Modules start in parallel as far as
 * {@link KernelModule#dependsOn()} allows: each one as soon as everything it depends on has
 * started, so that boot takes the longest dependency chain rather than the sum of all modules.
 */
public final class ModuleHost {

    private static final Logger LOG = LoggerFactory.getLogger(ModuleHost.class);

    /** In the order they finished starting, which respects dependencies; stopped in reverse. */
    private final List<KernelModule> started = new ArrayList<>();

    /** Modules found by {@link ServiceLoader} followed by {@code extra}, in dependency order. */
    public static List<KernelModule> discover(List<KernelModule> extra) {
        List<KernelModule> all = new ArrayList<>();
        ServiceLoader.load(KernelModule.class, ModuleHost.class.getClassLoader()).forEach(all::add);
        all.addAll(extra);
        return ModuleOrder.sort(all);
    }

    /**
     * Reads and checks every module's CRDs, so that a bad one fails before anything is written or
     * started. Needs no cluster, so the kernel does it while the Kubernetes connection opens.
     *
     * @return one list per module, in the order of {@code ordered}
     */
    public static List<List<GenericKubernetesResource>> readCrds(List<KernelModule> ordered, KubernetesSerialization serialization)
            throws ModuleStartException {
        List<List<GenericKubernetesResource>> definitions = new ArrayList<>();
        for (KernelModule module : ordered) {
            List<GenericKubernetesResource> own = new ArrayList<>();
            try {
                for (String resource : module.crdResources()) {
                    own.addAll(CrdInstaller.parse(serialization, module.getClass().getClassLoader(), resource));
                }
            } catch (Exception e) {
                throw new ModuleStartException("kernel module " + module.name() + ": cannot apply its CRDs: " + describe(e), e);
            }
            definitions.add(own);
        }
        return definitions;
    }

    /**
     * Applies the CRDs read by {@link #readCrds} (all modules' at once, in parallel), then starts
     * the modules, each after its dependencies. On a failure no further module starts, the ones
     * in flight finish, and every module started is stopped again.
     */
    public void start(List<KernelModule> ordered, List<List<GenericKubernetesResource>> definitions, KernelContext context,
            CrdInstaller crds) throws ModuleStartException {
        ExecutorService threads = Executors.newCachedThreadPool(DaemonThreads.numbered("kernel-module-start"));
        try {
            applyCrds(ordered, definitions, crds, threads);
            startInParallel(ordered, context, threads);
        } finally {
            threads.shutdown();
        }
    }

    private static void applyCrds(List<KernelModule> ordered, List<List<GenericKubernetesResource>> definitions, CrdInstaller crds,
            ExecutorService threads) throws ModuleStartException {
        List<CompletableFuture<Void>> applied = new ArrayList<>();
        for (int i = 0; i < ordered.size(); i++) {
            KernelModule module = ordered.get(i);
            for (GenericKubernetesResource crd : definitions.get(i)) {
                applied.add(CompletableFuture.runAsync(() -> {
                    try {
                        crds.apply(List.of(crd));
                    } catch (RuntimeException e) {
                        throw new ModuleFailure(new ModuleStartException("kernel module " + module.name()
                                + ": cannot apply its CRDs: " + describe(e), e));
                    }
                }, threads));
            }
        }
        awaitAll(applied);
    }

    private void startInParallel(List<KernelModule> ordered, KernelContext context, ExecutorService threads)
            throws ModuleStartException {
        Map<String, CompletableFuture<Void>> done = new HashMap<>();
        // set by the first failure: modules not yet begun then do not begin
        CompletableFuture<Void> failed = new CompletableFuture<>();
        for (KernelModule module : ordered) {
            // ordered is topological, so every dependency already has its future
            CompletableFuture<?>[] dependencies = module.dependsOn().stream().map(done::get).toArray(CompletableFuture[]::new);
            done.put(module.name(), CompletableFuture.allOf(dependencies).thenRunAsync(() -> {
                if (failed.isDone()) {
                    throw new ModuleFailure(null);
                }
                long begin = System.nanoTime();
                try {
                    module.start(context);
                } catch (Exception | LinkageError e) {
                    ModuleStartException failure = new ModuleStartException("kernel module " + module.name()
                            + " failed to start: " + describe(e), e);
                    failed.complete(null);
                    throw new ModuleFailure(failure);
                }
                synchronized (started) {
                    started.add(module);
                }
                LOG.info("event=module.started name={} ms={} thread={}", module.name(), (System.nanoTime() - begin) / 1_000_000,
                        Thread.currentThread().getName());
            }, threads));
        }
        try {
            awaitAll(new ArrayList<>(done.values()));
        } catch (ModuleStartException e) {
            stop();
            throw e;
        }
    }

    /**
     * Waits for every future, failed or not, then throws the first real failure (a module that
     * did not begin because another failed is not one).
     */
    private static void awaitAll(List<CompletableFuture<Void>> futures) throws ModuleStartException {
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException ignored) {
            // every future has completed now; find the first real failure below
        }
        ModuleStartException first = null;
        for (CompletableFuture<Void> future : futures) {
            try {
                future.join();
            } catch (CompletionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof ModuleFailure failure && failure.failure != null) {
                    first = first == null ? failure.failure : first;
                } else if (!(cause instanceof ModuleFailure)) {
                    first = first == null ? new ModuleStartException("a kernel module failed to start: " + describe(cause), cause)
                            : first;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Stops the started modules in reverse order; one failing does not keep the others running. */
    public void stop() {
        List<KernelModule> toStop;
        synchronized (started) {
            toStop = new ArrayList<>(started);
            started.clear();
        }
        for (int i = toStop.size() - 1; i >= 0; i--) {
            KernelModule module = toStop.get(i);
            try {
                module.stop();
                LOG.info("event=module.stopped name={}", module.name());
            } catch (RuntimeException e) {
                LOG.warn("event=module.stop.failed name={} error={}", module.name(), e.toString());
            }
        }
    }

    /** A failure in one line: the message, or the exception's type when it has none. */
    private static String describe(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return e.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** Carries a start failure through a future; without one, the module did not begin because another failed. */
    private static final class ModuleFailure extends RuntimeException {
        private final transient ModuleStartException failure;

        ModuleFailure(ModuleStartException failure) {
            super(failure == null ? "not started: another module failed" : failure.getMessage(), failure, false, false);
            this.failure = failure;
        }
    }

    public static final class ModuleStartException extends Exception {
        public ModuleStartException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
