package io.tessera.extension.api.http;

/**
 * Whiteboard contract for serving a JAX-RS application under {@code /kapis/{group}/{version}}.
 *
 * <p>A bundle registers a {@code jakarta.ws.rs.core.Application} as an OSGi service with the
 * properties {@link #GROUP} and {@link #VERSION}; the kernel mounts it while the service is
 * registered and unmounts it when the service goes away (bundle stop or uninstall). Resource
 * paths are relative to {@code /kapis/{group}/{version}}.
 *
 * <p>When several services claim the same group and version, the one with the highest
 * {@code service.ranking} wins, and among equal rankings the most recently registered one: so an
 * upgrade installs the new bundle first (its application replaces the old one atomically, with no
 * failed request) and then uninstalls the old bundle.
 *
 * <p>Each application gets its own Jackson {@code ObjectMapper}; the kernel never caches an
 * application's classes beyond the application's lifetime.
 */
public final class KapisRoutes {

    /** Service property: the API group, e.g. {@code "hello.tessera.io"}. */
    public static final String GROUP = "tessera.kapis.group";

    /** Service property: the API version, e.g. {@code "v1alpha1"}. */
    public static final String VERSION = "tessera.kapis.version";

    private KapisRoutes() {
    }
}
