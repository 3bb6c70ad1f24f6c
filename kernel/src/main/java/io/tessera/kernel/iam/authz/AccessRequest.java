package io.tessera.kernel.iam.authz;

import io.tessera.kernel.routing.RequestInfo;

/**
 * What is asked, independent of HTTP: built from a {@link RequestInfo} by the authorizer and from
 * a SubjectAccessReview by its endpoint.
 *
 * @param verb for non-resource requests the HTTP method as sent (GET, POST, …)
 */
public record AccessRequest(boolean resourceRequest, boolean kubernetesRequest, String verb, String apiGroup, String resource,
                            String subresource, String name, String workspace, String namespace, RequestInfo.Scope scope,
                            String path) {

    public AccessRequest {
        verb = nz(verb);
        apiGroup = nz(apiGroup);
        resource = nz(resource);
        subresource = nz(subresource);
        name = nz(name);
        workspace = nz(workspace);
        namespace = nz(namespace);
        path = nz(path);
        if (scope == null) {
            scope = !namespace.isEmpty() ? RequestInfo.Scope.NAMESPACE
                    : !workspace.isEmpty() ? RequestInfo.Scope.WORKSPACE : RequestInfo.Scope.CLUSTER;
        }
    }

    public static AccessRequest of(RequestInfo info) {
        if (!info.resourceRequest()) {
            return new AccessRequest(false, false, info.verb(), "", "", "", "", "", "", RequestInfo.Scope.CLUSTER, info.path());
        }
        return new AccessRequest(true, info.kubernetesRequest(), info.verb(), info.apiGroup(), info.resource(), info.subresource(),
                info.name(), info.workspace(), info.namespace(), info.scope(), info.path());
    }

    public static AccessRequest resource(String verb, String apiGroup, String resource, String subresource, String name,
                                         String workspace, String namespace, RequestInfo.Scope scope) {
        return new AccessRequest(true, false, verb, apiGroup, resource, subresource, name, workspace, namespace, scope, "");
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
