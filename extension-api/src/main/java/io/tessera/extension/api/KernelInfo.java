package io.tessera.extension.api;

/**
 * Facts about the running kernel, registered by the kernel as an OSGi service of this type so
 * that a bundle can adapt to the platform it runs in.
 */
public interface KernelInfo {

    /** The kernel's version, e.g. {@code "0.1.0-SNAPSHOT"}. */
    String version();

    /** The name of the cluster this kernel runs on (KubeSphere's host cluster name). */
    String hostClusterName();
}
