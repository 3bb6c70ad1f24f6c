package io.tessera.kernel.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.kernel.routing.RequestInfoResolver;
import io.tessera.kernel.security.UserInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** kubectl users read the platform's refusals in Kubernetes' own words. */
class KubernetesForbiddenMessageTest {

    static final UserInfo BOB = new UserInfo("bob", "", List.of("system:authenticated"), Map.of());

    static String message(String method, String path, String query) {
        return AuthorizationStage.forbiddenMessage(BOB, RequestInfoResolver.resolve(method, path, query), "no role allows it");
    }

    @Test
    void namespacedCreateReadsLikeKubernetes() {
        assertThat(message("POST", "/api/v1/namespaces/p1/configmaps", null)).isEqualTo(
                "configmaps is forbidden: User \"bob\" cannot create resource \"configmaps\" in API group \"\" in the namespace \"p1\"");
    }

    @Test
    void namedGroupedResourceAndSubresourceReadLikeKubernetes() {
        assertThat(message("GET", "/apis/apps/v1/namespaces/p1/deployments/web", null)).isEqualTo(
                "deployments.apps \"web\" is forbidden: User \"bob\" cannot get resource \"deployments\" in API group \"apps\" in the namespace \"p1\"");
        assertThat(message("GET", "/api/v1/namespaces/p1/pods/web/log", null)).isEqualTo(
                "pods \"web\" is forbidden: User \"bob\" cannot get resource \"pods/log\" in API group \"\" in the namespace \"p1\"");
    }

    @Test
    void clusterScopedListReadsLikeKubernetes() {
        assertThat(message("GET", "/api/v1/namespaces", null)).isEqualTo(
                "namespaces is forbidden: User \"bob\" cannot list resource \"namespaces\" in API group \"\" at the cluster scope");
    }

    @Test
    void kapisKeepKubeSpheresWording() {
        assertThat(message("GET", "/kapis/iam.kubesphere.io/v1beta1/users", null)).startsWith("forbidden: user \"bob\" cannot list");
    }
}
