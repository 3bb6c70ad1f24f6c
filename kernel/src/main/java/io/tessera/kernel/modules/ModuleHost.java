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
     * Applies each module's CRDs and starts it, in order. On a failure the modules already
     * started are stopped again.
     */
    public void start(List<KernelModule> ordered, KernelContext context, CrdInstaller crds) throws ModuleStartException {
        for (KernelModule module : ordered) {
            long begin = System.nanoTime();
            try {
                List<CustomResourceDefinition> definitions = new ArrayList<>();
                for (String resource : module.crdResources()) {
                    definitions.addAll(crds.read(module.getClass().getClassLoader(), resource));
                }
                crds.apply(definitions);
            } catch (Exception e) {
                stop();
                throw new ModuleStartException("kernel module " + module.name() + ": cannot apply its CRDs: " + e.getMessage(), e);
            }
            try {
                module.start(context);
            } catch (Exception e) {
                stop();
                throw new ModuleStartException("kernel module " + module.name() + " failed to start: " + e.getMessage(), e);
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

    public static final class ModuleStartException extends Exception {
        public ModuleStartException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
