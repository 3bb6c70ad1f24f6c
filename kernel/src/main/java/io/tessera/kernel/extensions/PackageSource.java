package io.tessera.kernel.extensions;

import io.tessera.kernel.spi.KernelContext;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Where packages come from when the marketplace is installed: the Repository an ExtensionVersion
 * was materialised from. The kernel finds factories with {@link java.util.ServiceLoader} (as
 * {@link PackageTrust}); with none (the kernel's own tests, the extension test kit) the built-in
 * repository directory is loaded directly and dependencies are only checked, not resolved.
 */
public interface PackageSource {

    /**
     * A local copy of {@code name}-{@code version} fetched from its repository, whose SHA-256 is the
     * catalog's digest; null when no ExtensionVersion names it (yet). The caller still runs the
     * {@link PackageTrust} checks on it.
     *
     * @throws PackageTrust.Refused the bytes are not those the catalog lists (checksum mismatch)
     * @throws IOException          the repository cannot be reached now (worth a retry)
     */
    ExtensionPackage fetch(String name, String version) throws PackageTrust.Refused, IOException;

    /**
     * The dependency closure of the package {@code manifest} describes, dependencies first and
     * without the extension itself: name → version to install (or keep). {@code fixed} holds the
     * other extensions with an InstallPlan (name → its version), which the resolution must keep.
     *
     * @throws Unresolvable a conflict, a missing dependency or a kernel out of range; the message
     *                      names both sides
     */
    List<Map.Entry<String, String>> closure(ExtensionManifest manifest, Map<String, String> fixed) throws Unresolvable;

    /** Creates the source for one kernel. */
    interface Factory {
        PackageSource create(KernelContext context) throws Exception;
    }

    /** Why a closure cannot be installed. */
    final class Unresolvable extends Exception {
        public Unresolvable(String message) {
            super(message);
        }
    }
}
