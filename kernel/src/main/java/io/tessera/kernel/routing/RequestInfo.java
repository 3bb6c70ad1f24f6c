package io.tessera.kernel.routing;

import java.util.List;

/**
 * A request as KubeSphere's authorizer sees it (reference §2.2), parsed once at the front of the
 * chain by {@code RequestInfoResolver}.
 *
 * @param path the request path without the {@code /clusters/{c}} prefix
 * @param verb for resource requests the Kubernetes verb (get, list, watch, create, update, patch,
 *     delete, deletecollection); otherwise the lower-case HTTP method
 * @param resourceRequest true for {@code /api}, {@code /apis} and {@code /kapis} resource paths
 * @param kubernetesRequest true for {@code /api} and {@code /apis} (the Kubernetes proxy)
 * @param apiPrefix {@code api}, {@code apis} or {@code kapis}; empty for non-resource paths
 * @param cluster the cluster named by {@code /clusters/{c}}; empty for the host cluster
 * @param workspace the workspace named in the path; empty if none
 * @param namespace the namespace named in the path; empty if none
 * @param scope where the request's permission is checked
 */
public record RequestInfo(
        String path,
        String verb,
        boolean resourceRequest,
        boolean kubernetesRequest,
        String apiPrefix,
        String apiGroup,
        String apiVersion,
        String cluster,
        String workspace,
        String namespace,
        String resource,
        String subresource,
        String name,
        List<String> parts,
        Scope scope) {

    public RequestInfo {
        parts = List.copyOf(parts);
    }

    /** KubeSphere's four authorization scopes. */
    public enum Scope {
        GLOBAL, CLUSTER, WORKSPACE, NAMESPACE
    }
}
