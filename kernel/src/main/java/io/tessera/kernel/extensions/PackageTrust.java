package io.tessera.kernel.extensions;

import io.tessera.kernel.spi.KernelContext;

/**
 * A check every extension package passes before it enters the catalog and again before this
 * replica loads its bundles (so a package swapped on disk after the catalog was built is still
 * refused). The marketplace provides one (signatures against trusted keys); the kernel finds
 * factories with {@link java.util.ServiceLoader}, one check per kernel instance. With no factory
 * on the class path (the kernel's own tests, the extension test kit) packages are not checked.
 */
public interface PackageTrust {

    /** Throws {@link Refused} naming the package and why it must not be installed. */
    void check(ExtensionPackage pkg) throws Refused;

    /** Creates the check for one kernel (it may read configuration and Secrets). */
    interface Factory {
        PackageTrust create(KernelContext context) throws Exception;
    }

    /** A package that fails the check; the message names the package and the reason. */
    final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }
}
