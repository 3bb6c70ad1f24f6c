package io.tessera.kernel.iam.roles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.tessera.kernel.iam.IamTestCluster;
import io.tessera.kernel.iam.api.IamTypes;
import io.tessera.kernel.iam.bootstrap.Bootstrap;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RoleAggregationControllerTest {

    static IamTestCluster env;
    static RoleAggregationController controller;

    @BeforeAll
    static void start() throws Exception {
        env = new IamTestCluster();
        new Bootstrap(env.client).run("admin", "P@88w0rd");
        controller = new RoleAggregationController(env.client);
        controller.start();
    }

    @AfterAll
    static void stop() throws Exception {
        controller.close();
        env.close();
    }

    @SuppressWarnings("unchecked")
    static List<String> templateNames(GenericKubernetesResource role) {
        Object agg = role.getAdditionalProperties().get("aggregationRoleTemplates");
        return agg instanceof Map<?, ?> m && m.get("templateNames") instanceof List<?> l ? (List<String>) l : List.of();
    }

    @Test
    void builtInRolesAreFilledFromTheirSelectors() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            GenericKubernetesResource selfProvisioner = env.client.genericKubernetesResources(IamTypes.GLOBAL_ROLES)
                    .withName("platform-self-provisioner").get();
            assertThat(templateNames(selfProvisioner)).containsExactly("global-create-workspaces");
            assertThat(selfProvisioner.getAdditionalProperties().get("rules").toString()).contains("workspacetemplates");
            assertThat(templateNames(env.client.genericKubernetesResources(IamTypes.CLUSTER_ROLES).withName("cluster-viewer").get()))
                    .contains("cluster-view-nodes").noneMatch(n -> n.contains("manage"));
        });
    }

    @Test
    void aNewTemplateReachesAutoAggregatingRolesOfItsScope() {
        GenericKubernetesResource t = new GenericKubernetesResource();
        t.setApiVersion(IamTypes.API_VERSION);
        t.setKind("RoleTemplate");
        t.setMetadata(new ObjectMetaBuilder().withName("global-view-widgets")
                .withLabels(Map.of(IamTypes.LABEL_SCOPE, "global", "iam.kubesphere.io/aggregate-to-authenticated", "")).build());
        t.getAdditionalProperties().put("spec", Map.of("rules",
                List.of(Map.of("apiGroups", List.of("demo.io"), "resources", List.of("widgets"), "verbs", List.of("get", "list")))));
        env.client.genericKubernetesResources(IamTypes.ROLE_TEMPLATES).resource(t).create();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            GenericKubernetesResource authenticated = env.client.genericKubernetesResources(IamTypes.GLOBAL_ROLES)
                    .withName("authenticated").get();
            assertThat(templateNames(authenticated)).contains("global-view-widgets");
            assertThat(authenticated.getAdditionalProperties().get("rules").toString()).contains("widgets");
            // a workspace-scoped role is not touched by a global template
            GenericKubernetesResource regular = env.client.genericKubernetesResources(IamTypes.GLOBAL_ROLES)
                    .withName("platform-regular").get();
            assertThat(templateNames(regular)).isEmpty();
        });
    }

    @Test
    void aRoleListingTemplateNamesGetsTheirRules() {
        GenericKubernetesResource role = new GenericKubernetesResource();
        role.setApiVersion(IamTypes.API_VERSION);
        role.setKind("GlobalRole");
        role.setMetadata(new ObjectMetaBuilder().withName("user-viewer").build());
        role.getAdditionalProperties().put("aggregationRoleTemplates", Map.of("templateNames", List.of("global-view-users")));
        env.client.genericKubernetesResources(IamTypes.GLOBAL_ROLES).resource(role).create();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(String.valueOf(env.client
                .genericKubernetesResources(IamTypes.GLOBAL_ROLES).withName("user-viewer").get().getAdditionalProperties().get("rules")))
                .contains("users"));
    }
}
