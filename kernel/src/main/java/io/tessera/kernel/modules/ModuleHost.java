package io.tessera.kernel.modules;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.tessera.kernel.kube.CrdInstaller;
import io.tessera.kernel.spi.KernelContext;
import io.tessera.kernel.spi.KernelModule;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finds, orders, starts and stops the kernel modules. */
public final class ModuleHost {

    private static final Logger LOG = LoggerFactory.getLogger(ModuleHost.class);

    private final List<KernelModule> started = new ArrayList<>();

    /** Modules found by {@link ServiceLoader} followed by {@code extra}, in dependency order. */
    public static List<KernelModule> discover(List<KernelModule> extra) {
        List<KernelModule> all = new ArrayList<>();
        ServiceLoader.load(KernelModule.class, ModuleHost.class.getClassLoader()).forEach(all::add);
        all.addAll(extra);
        return ModuleOrder.sort(all);
    }

    /**
     * Applies every module's CRDs (all read and checked first, so a bad one fails before anything
     * is written or started), then starts the modules in order. On a failure the modules already
     * started are stopped again.
     */
    public void start(List<KernelModule> ordered, KernelContext context, CrdInstaller crds) throws ModuleStartException {
        List<List<CustomResourceDefinition>> definitions = new ArrayList<>();
        for (KernelModule module : ordered) {
            List<CustomResourceDefinition> own = new ArrayList<>();
            try {
                for (String resource : module.crdResources()) {
                    own.addAll(crds.read(module.getClass().getClassLoader(), resource));
                }
            } catch (Exception e) {
                throw new ModuleStartException("kernel module " + module.name() + ": cannot apply its CRDs: " + describe(e), e);
            }
            definitions.add(own);
        }
        for (int i = 0; i < ordered.size(); i++) {
            try {
                crds.apply(definitions.get(i));
            } catch (RuntimeException e) {
                throw new ModuleStartException("kernel module " + ordered.get(i).name() + ": cannot apply its CRDs: "
                        + describe(e), e);
            }
        }
        for (KernelModule module : ordered) {
            long begin = System.nanoTime();
            try {
                module.start(context);
            } catch (Exception e) {
                stop();
                throw new ModuleStartException("kernel module " + module.name() + " failed to start: " + describe(e), e);
            }
            started.add(module);
            LOG.info("event=module.started name={} ms={}", module.name(), (System.nanoTime() - begin) / 1_000_000);
        }
    }

    /** Stops the started modules in reverse order; one failing does not keep the others running. */
    public void stop() {
        for (int i = started.size() - 1; i >= 0; i--) {
            KernelModule module = started.get(i);
            try {
                module.stop();
                LOG.info("event=module.stopped name={}", module.name());
            } catch (RuntimeException e) {
                LOG.warn("event=module.stop.failed name={} error={}", module.name(), e.toString());
            }
        }
        started.clear();
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

    public static final class ModuleStartException extends Exception {
        public ModuleStartException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
