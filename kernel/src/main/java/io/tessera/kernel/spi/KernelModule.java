package io.tessera.kernel.spi;

import java.util.List;

/**
 * A part of the kernel with one lifetime (the process): IAM, tenancy, the extension manager, ….
 * Modules are found with {@link java.util.ServiceLoader} and started in dependency order after
 * the Kubernetes connection is up and their CRDs are applied; stopped in reverse order.
 */
public interface KernelModule {

    /** A short stable name, used in {@link #dependsOn()} and in logs. */
    String name();

    /** Names of modules that must start before this one. */
    default List<String> dependsOn() {
        return List.of();
    }

    /**
     * Classpath resources (YAML, one or more CustomResourceDefinitions each) that the kernel
     * applies, idempotently, before {@link #start}.
     */
    default List<String> crdResources() {
        return List.of();
    }

    void start(KernelContext context) throws Exception;

    default void stop() {
    }
}
