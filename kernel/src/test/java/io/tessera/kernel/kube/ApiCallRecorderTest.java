package io.tessera.kernel.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** Requests mapped to RBAC attributes the way the API server's authorizer sees them. */
class ApiCallRecorderTest {

    private static String call(String method, String url) {
        return ApiCallRecorder.calls(method, URI.create("https://k:6443" + url), false, false).get(0);
    }

    @Test
    void verbsFollowMethodNameAndWatch() {
        assertThat(call("GET", "/api/v1/namespaces/kubesphere-system/secrets/x")).isEqualTo("get core secrets");
        assertThat(call("GET", "/api/v1/namespaces/kubesphere-system/secrets")).isEqualTo("list core secrets");
        assertThat(call("GET", "/api/v1/secrets?watch=true&resourceVersion=5")).isEqualTo("watch core secrets");
        assertThat(call("GET", "/apis/iam.kubesphere.io/v1beta1/users?labelSelector=a")).isEqualTo("list iam.kubesphere.io users");
        assertThat(call("POST", "/apis/coordination.k8s.io/v1/namespaces/n/leases")).isEqualTo("create coordination.k8s.io leases");
        assertThat(call("PUT", "/apis/iam.kubesphere.io/v1beta1/users/u/status")).isEqualTo("update iam.kubesphere.io users/status");
        assertThat(call("PATCH", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/x"))
                .isEqualTo("patch apiextensions.k8s.io customresourcedefinitions");
        assertThat(call("DELETE", "/api/v1/namespaces/n/configmaps/c")).isEqualTo("delete core configmaps");
        assertThat(call("DELETE", "/api/v1/namespaces/n/configmaps")).isEqualTo("deletecollection core configmaps");
    }

    @Test
    void namespacesThemselvesAndNonResourcePaths() {
        assertThat(call("GET", "/api/v1/namespaces/demo")).isEqualTo("get core namespaces");
        assertThat(call("GET", "/api/v1/namespaces")).isEqualTo("list core namespaces");
        assertThat(call("DELETE", "/api/v1/namespaces/demo")).isEqualTo("delete core namespaces");
        assertThat(call("PUT", "/api/v1/namespaces/demo/finalize")).isEqualTo("update core namespaces/finalize");
        assertThat(call("GET", "/version")).isEqualTo("get nonResourceURL /version");
        assertThat(call("GET", "/apis/iam.kubesphere.io/v1beta1")).isEqualTo("get nonResourceURL /apis/iam.kubesphere.io/v1beta1");
    }

    @Test
    void proxyImpersonationIsRecordedAsTheApiServerAuthorizesIt() {
        assertThat(ApiCallRecorder.impersonations(java.util.List.of(java.util.Map.entry("Authorization", "Bearer x"),
                java.util.Map.entry("Impersonate-User", "alice"), java.util.Map.entry("Impersonate-Group", "system:authenticated"),
                java.util.Map.entry("Impersonate-Extra-iam.kubesphere.io%2Fworkspace", "w"),
                java.util.Map.entry("Impersonate-User", "system:serviceaccount:demo:bot"))))
                .containsExactly("impersonate core users", "impersonate core groups",
                        "impersonate authentication.k8s.io userextras/iam.kubesphere.io/workspace", "impersonate core serviceaccounts");
    }

    @Test
    void impersonationIsRecordedToo() {
        assertThat(ApiCallRecorder.calls("GET", URI.create("https://k/api/v1/pods"), true, true))
                .containsExactly("list core pods", "impersonate core users", "impersonate core groups");
    }
}
