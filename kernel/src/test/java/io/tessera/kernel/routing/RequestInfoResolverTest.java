package io.tessera.kernel.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.kernel.routing.RequestInfo.Scope;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** KubeSphere's request-info parsing (reference §2.2), case by case. */
class RequestInfoResolverTest {

    static RequestInfo get(String path) {
        return RequestInfoResolver.resolve("GET", path, null);
    }

    /** The reference's example table, row by row. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            GET    | /kapis/iam.kubesphere.io/v1beta1/users                          | list   | iam.kubesphere.io    | users      | ''   | ''       | ''  | ''  | ''  | GLOBAL
            PUT    | /kapis/iam.kubesphere.io/v1beta1/users/bob/password             | update | iam.kubesphere.io    | users      | bob  | password | ''  | ''  | ''  | GLOBAL
            GET    | /kapis/tenant.kubesphere.io/v1beta1/workspaces/ws1/namespaces   | list   | tenant.kubesphere.io | namespaces | ''   | ''       | ws1 | ''  | ''  | WORKSPACE
            GET    | /kapis/tenant.kubesphere.io/v1beta1/workspaces/ws1/namespaces/p1 | get   | tenant.kubesphere.io | namespaces | p1   | ''       | ws1 | p1  | ''  | NAMESPACE
            GET    | /clusters/m1/api/v1/namespaces/p1/pods                          | list   | ''                   | pods       | ''   | ''       | ''  | p1  | m1  | NAMESPACE
            GET    | /kapis/ext.io/v1alpha1/workspaces/ws1/things                    | list   | ext.io               | things     | ''   | ''       | ws1 | ''  | ''  | WORKSPACE
            """)
    void referenceExamples(String method, String path, String verb, String group, String resource, String name,
            String subresource, String workspace, String namespace, String cluster, Scope scope) {
        RequestInfo info = RequestInfoResolver.resolve(method, path, null);
        assertThat(info.resourceRequest()).isTrue();
        assertThat(info.verb()).isEqualTo(verb);
        assertThat(info.apiGroup()).isEqualTo(group);
        assertThat(info.resource()).isEqualTo(resource);
        assertThat(info.name()).isEqualTo(name);
        assertThat(info.subresource()).isEqualTo(subresource);
        assertThat(info.workspace()).isEqualTo(workspace);
        assertThat(info.namespace()).isEqualTo(namespace);
        assertThat(info.cluster()).isEqualTo(cluster);
        assertThat(info.scope()).isEqualTo(scope);
    }

    @Test
    void shortPathsAreNonResourceRequestsWithTheLowerCaseMethod() {
        RequestInfo info = RequestInfoResolver.resolve("POST", "/healthz", null);
        assertThat(info.resourceRequest()).isFalse();
        assertThat(info.verb()).isEqualTo("post");
        assertThat(info.path()).isEqualTo("/healthz");
        assertThat(info.apiPrefix()).isEmpty();
        assertThat(get("/").path()).isEqualTo("/");
        assertThat(get("/oauth/token").resourceRequest()).isFalse();
    }

    @Test
    void clusterPrefixIsStrippedFromThePath() {
        RequestInfo info = get("/clusters/host/kapis/iam.kubesphere.io/v1beta1/users");
        assertThat(info.cluster()).isEqualTo("host");
        assertThat(info.path()).isEqualTo("/kapis/iam.kubesphere.io/v1beta1/users");
        assertThat(info.resource()).isEqualTo("users");

        RequestInfo nonResource = get("/clusters/m1/healthz");
        assertThat(nonResource.cluster()).isEqualTo("m1");
        assertThat(nonResource.path()).isEqualTo("/healthz");
        assertThat(nonResource.resourceRequest()).isFalse();
    }

    @Test
    void legacyKapisClustersFormNamesTheClusterToo() {
        RequestInfo info = get("/kapis/clusters/m1/tenant.kubesphere.io/v1beta1/workspaces");
        assertThat(info.cluster()).isEqualTo("m1");
        assertThat(info.path()).isEqualTo("/kapis/tenant.kubesphere.io/v1beta1/workspaces");
        assertThat(info.apiGroup()).isEqualTo("tenant.kubesphere.io");
        assertThat(info.resource()).isEqualTo("workspaces");
        assertThat(info.verb()).isEqualTo("list");
        assertThat(info.scope()).isEqualTo(Scope.GLOBAL);
    }

    @Test
    void kubernetesPrefixesAreMarked() {
        assertThat(get("/api/v1/pods").kubernetesRequest()).isTrue();
        assertThat(get("/apis/apps/v1/deployments").kubernetesRequest()).isTrue();
        assertThat(get("/kapis/iam.kubesphere.io/v1beta1/users").kubernetesRequest()).isFalse();
        // discovery paths are too short to be resource requests but still go to Kubernetes
        RequestInfo discovery = get("/api/v1");
        assertThat(discovery.resourceRequest()).isFalse();
        assertThat(discovery.kubernetesRequest()).isTrue();
        assertThat(get("/apis").kubernetesRequest()).isTrue();
        RequestInfo groupVersion = get("/apis/apps/v1");
        assertThat(groupVersion.resourceRequest()).isFalse();
        assertThat(groupVersion.kubernetesRequest()).isTrue();
    }

    @Test
    void groupedPrefixNeedsGroupVersionAndResource() {
        RequestInfo info = get("/kapis/iam.kubesphere.io/v1beta1");
        assertThat(info.resourceRequest()).isFalse();
        assertThat(info.apiPrefix()).isEqualTo("kapis");
    }

    @Test
    void verbsFollowTheMethod() {
        assertThat(RequestInfoResolver.resolve("POST", "/api/v1/namespaces/a/pods", null).verb()).isEqualTo("create");
        assertThat(RequestInfoResolver.resolve("HEAD", "/api/v1/namespaces/a/pods/p", null).verb()).isEqualTo("get");
        assertThat(RequestInfoResolver.resolve("PUT", "/api/v1/namespaces/a/pods/p", null).verb()).isEqualTo("update");
        assertThat(RequestInfoResolver.resolve("PATCH", "/api/v1/namespaces/a/pods/p", null).verb()).isEqualTo("patch");
        assertThat(RequestInfoResolver.resolve("DELETE", "/api/v1/namespaces/a/pods/p", null).verb()).isEqualTo("delete");
        assertThat(RequestInfoResolver.resolve("DELETE", "/api/v1/namespaces/a/pods", null).verb()).isEqualTo("deletecollection");
        assertThat(RequestInfoResolver.resolve("OPTIONS", "/api/v1/namespaces/a/pods", null).verb()).isEmpty();
    }

    @Test
    void watchAsQueryParameterOrPathSegment() {
        assertThat(RequestInfoResolver.resolve("GET", "/api/v1/namespaces/a/pods", "watch=true").verb()).isEqualTo("watch");
        assertThat(RequestInfoResolver.resolve("GET", "/api/v1/namespaces/a/pods", "watch=1").verb()).isEqualTo("watch");
        assertThat(RequestInfoResolver.resolve("GET", "/api/v1/namespaces/a/pods", "watch=false").verb()).isEqualTo("list");
        RequestInfo segment = get("/api/v1/watch/namespaces/a/pods/p");
        assertThat(segment.verb()).isEqualTo("watch");
        assertThat(segment.namespace()).isEqualTo("a");
        assertThat(segment.resource()).isEqualTo("pods");
        assertThat(segment.name()).isEqualTo("p");
    }

    @Test
    void proxyVerbHasNoSubresource() {
        RequestInfo info = get("/api/v1/namespaces/a/pods/p/proxy/metrics");
        assertThat(info.subresource()).isEqualTo("proxy");
        RequestInfo proxyVerb = get("/api/v1/proxy/namespaces/a/services/s/some/path");
        assertThat(proxyVerb.verb()).isEqualTo("proxy");
        assertThat(proxyVerb.resource()).isEqualTo("services");
        assertThat(proxyVerb.name()).isEqualTo("s");
        assertThat(proxyVerb.subresource()).isEmpty();
        assertThat(proxyVerb.parts()).containsExactly("services", "s", "some", "path");
    }

    @Test
    void namespaceStatusAndFinalizeAreSubresourcesOfTheNamespace() {
        RequestInfo status = RequestInfoResolver.resolve("PUT", "/api/v1/namespaces/a/status", null);
        assertThat(status.resource()).isEqualTo("namespaces");
        assertThat(status.name()).isEqualTo("a");
        assertThat(status.subresource()).isEqualTo("status");
        assertThat(status.namespace()).isEqualTo("a");
        RequestInfo finalize = RequestInfoResolver.resolve("PUT", "/api/v1/namespaces/a/finalize", null);
        assertThat(finalize.subresource()).isEqualTo("finalize");
        RequestInfo ns = get("/api/v1/namespaces/a");
        assertThat(ns.resource()).isEqualTo("namespaces");
        assertThat(ns.name()).isEqualTo("a");
        assertThat(ns.scope()).isEqualTo(Scope.NAMESPACE);
    }

    @Test
    void workspaceIsConsumedOnlyWhenSomethingFollows() {
        RequestInfo ws = get("/kapis/tenant.kubesphere.io/v1beta1/workspaces/ws1");
        assertThat(ws.workspace()).isEqualTo("ws1");
        assertThat(ws.resource()).isEqualTo("workspaces");
        assertThat(ws.name()).isEqualTo("ws1");
        assertThat(ws.scope()).isEqualTo(Scope.WORKSPACE);
        RequestInfo template = get("/kapis/tenant.kubesphere.io/v1beta1/workspacetemplates/ws1/members");
        assertThat(template.workspace()).isEqualTo("ws1");
        assertThat(template.resource()).isEqualTo("members");
        assertThat(template.verb()).isEqualTo("list");
    }

    @Test
    void globalResourcesInsideAWorkspaceAreWorkspaceScoped() {
        assertThat(get("/kapis/iam.kubesphere.io/v1beta1/globalroles").scope()).isEqualTo(Scope.GLOBAL);
        assertThat(get("/kapis/iam.kubesphere.io/v1beta1/workspaces/ws1/users").scope()).isEqualTo(Scope.WORKSPACE);
        assertThat(get("/kapis/iam.kubesphere.io/v1beta1/roles").scope()).isEqualTo(Scope.CLUSTER);
        assertThat(get("/kapis/cluster.kubesphere.io/v1alpha1/clusters").scope()).isEqualTo(Scope.GLOBAL);
    }

    @Test
    void fieldSelectorOnNameNamesTheObject() {
        RequestInfo info = RequestInfoResolver.resolve("GET", "/api/v1/namespaces/a/pods", "fieldSelector=metadata.name%3Dp1");
        assertThat(info.verb()).isEqualTo("list");
        assertThat(info.name()).isEqualTo("p1");
        assertThat(RequestInfoResolver.resolve("GET", "/api/v1/pods", "fieldSelector=metadata.name==p2,status.phase=Running").name())
                .isEqualTo("p2");
        assertThat(RequestInfoResolver.resolve("GET", "/api/v1/pods", "fieldSelector=metadata.name!=p2").name()).isEmpty();
        assertThat(RequestInfoResolver.resolve("GET", "/api/v1/pods", "fieldSelector=metadata.name=..").name()).isEmpty();
    }

    @Test
    void watchWithWorkspaceSelectorIsWorkspaceScoped() {
        RequestInfo info = RequestInfoResolver.resolve("GET", "/api/v1/namespaces", "watch=true&labelSelector=kubesphere.io%2Fworkspace%3Dws1");
        assertThat(info.verb()).isEqualTo("watch");
        assertThat(info.workspace()).isEqualTo("ws1");
        assertThat(info.scope()).isEqualTo(Scope.WORKSPACE);
        // a list with the same selector is not (KubeSphere applies it to watches only)
        RequestInfo list = RequestInfoResolver.resolve("GET", "/api/v1/namespaces", "labelSelector=kubesphere.io%2Fworkspace%3Dws1");
        assertThat(list.workspace()).isEmpty();
        assertThat(list.scope()).isEqualTo(Scope.CLUSTER);
    }

    @Test
    void kapiIsGroupless() {
        RequestInfo info = get("/kapi/v1/things/t");
        assertThat(info.apiPrefix()).isEqualTo("kapi");
        assertThat(info.apiGroup()).isEmpty();
        assertThat(info.apiVersion()).isEqualTo("v1");
        assertThat(info.resource()).isEqualTo("things");
        assertThat(info.name()).isEqualTo("t");
        assertThat(info.kubernetesRequest()).isFalse();
    }

    @Test
    void trailingSlashesDoNotChangeTheParse() {
        assertThat(get("/kapis/iam.kubesphere.io/v1beta1/users/").resource()).isEqualTo("users");
        assertThat(get("/kapis/iam.kubesphere.io/v1beta1/users/").parts()).isEqualTo(List.of("users"));
    }

    @Test
    void bareWatchSegmentIsNotAResourceRequest() {
        assertThat(get("/api/v1/watch").resourceRequest()).isFalse();
    }
}
