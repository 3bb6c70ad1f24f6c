package io.tessera.extension.api;

/**
 * A probe of something a running extension depends on (its backend, a cache, a connection).
 * Registered with {@link ExtensionContext#healthCheck(String, HealthCheck)}.
 *
 * <p>Returning normally means healthy; throwing means unhealthy, and the exception's message is
 * what administrators read (in the InstallPlan's {@code Healthy} condition and the extension's
 * health endpoint), so make it say what is wrong. A probe must be quick: the runtime abandons it
 * after a few seconds and counts that as unhealthy.
 *
 * @since api 0.4
 */
@FunctionalInterface
public interface HealthCheck {

    void check() throws Exception;
}
