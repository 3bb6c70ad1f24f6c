package io.tessera.kernel.spi;

import java.util.Map;
import java.util.Optional;

/**
 * A module's veto over objects written through the Kubernetes API proxy ({@code /api},
 * {@code /apis}), as a validating admission webhook would have on a real cluster. Provided with
 * {@link KernelContext#provide}; tenancy's workspace quota check is the one there is.
 *
 * <p>For a create, update or patch of a resource it {@link #concerns}, the proxy first sends the
 * same request to the API server as a dry run and hands the resulting object to {@link #refusal};
 * a refusal is answered 403 {@code Forbidden} with its message and nothing is written.
 */
public interface KubernetesWriteAdmission {

    /** Whether writes of this resource (no subresource) are checked; {@code apiGroup} is "" for core. */
    boolean concerns(String apiGroup, String resource);

    /**
     * @param operation {@code CREATE} or {@code UPDATE}
     * @param object    the object as the API server would store it (JSON-shaped map)
     * @return empty when allowed, else the reason to refuse
     */
    Optional<String> refusal(String operation, Map<String, Object> object);
}
