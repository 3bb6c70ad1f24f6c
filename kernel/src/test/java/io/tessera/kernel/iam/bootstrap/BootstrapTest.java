package io.tessera.kernel.iam.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.tessera.kernel.iam.IamTestCluster;
import io.tessera.kernel.iam.api.IamTypes;
import io.tessera.kernel.iam.users.Passwords;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BootstrapTest {

    static IamTestCluster env;

    @BeforeAll
    static void start() throws Exception {
        env = new IamTestCluster();
        new Bootstrap(env.client).run("admin", "P@88w0rd");
    }

    @AfterAll
    static void stop() throws Exception {
        env.close();
    }

    @Test
    void adminIsCreatedWithHashedPasswordAndMustChangeItAtFirstLogin() {
        GenericKubernetesResource admin = env.client.genericKubernetesResources(IamTypes.USERS).withName("admin").get();
        String stored = IamTypes.str(admin, "spec", "password");
        assertThat(stored).isNotEqualTo("P@88w0rd");
        assertThat(Passwords.matches("P@88w0rd", stored)).isTrue();
        assertThat(IamTypes.annotation(admin, IamTypes.ANN_UNINITIALIZED)).isEqualTo("true");
        assertThat(IamTypes.annotation(admin, IamTypes.ANN_GLOBALROLE)).isEqualTo("platform-admin");
        assertThat(IamTypes.str(admin, "status", "state")).isEqualTo("Active");
        GenericKubernetesResource binding = env.client.genericKubernetesResources(IamTypes.GLOBAL_ROLE_BINDINGS).withName("admin").get();
        assertThat(binding.getAdditionalProperties().get("roleRef"))
                .isEqualTo(Map.of("apiGroup", "iam.kubesphere.io", "kind", "GlobalRole", "name", "platform-admin"));
    }

    @Test
    void builtInRolesAndTemplatesExist() {
        for (String role : List.of("platform-admin", "platform-regular", "platform-self-provisioner", "authenticated", "anonymous")) {
            assertThat(env.client.genericKubernetesResources(IamTypes.GLOBAL_ROLES).withName(role).get()).as(role).isNotNull();
        }
        for (String role : List.of("cluster-admin", "cluster-viewer")) {
            assertThat(env.client.genericKubernetesResources(IamTypes.CLUSTER_ROLES).withName(role).get()).as(role).isNotNull();
        }
        for (String role : List.of("workspace-admin", "workspace-regular", "workspace-self-provisioner", "workspace-viewer",
                "project-admin", "project-operator", "project-viewer")) {
            assertThat(env.client.genericKubernetesResources(IamTypes.BUILTIN_ROLES).withName(role).get()).as(role).isNotNull();
        }
        assertThat(env.client.genericKubernetesResources(IamTypes.ROLE_TEMPLATES).withLabel(IamTypes.LABEL_SCOPE, "workspace").list().getItems())
                .extracting(r -> r.getMetadata().getName()).contains("workspace-manage-members", "workspace-create-projects");
    }

    @Test
    void rerunningKeepsExistingAdminPasswordAndIsIdempotent() {
        String before = IamTypes.str(env.client.genericKubernetesResources(IamTypes.USERS).withName("admin").get(), "spec", "password");
        String rv = env.client.genericKubernetesResources(IamTypes.GLOBAL_ROLES).withName("platform-admin").get().getMetadata().getResourceVersion();
        new Bootstrap(env.client).run("admin", "Other1234");
        assertThat(IamTypes.str(env.client.genericKubernetesResources(IamTypes.USERS).withName("admin").get(), "spec", "password")).isEqualTo(before);
        assertThat(env.client.genericKubernetesResources(IamTypes.GLOBAL_ROLES).withName("platform-admin").get().getMetadata().getResourceVersion())
                .isEqualTo(rv);
    }

    @Test
    void aChangedBuiltInIsRestoredAndADeletedOneIsCreatedAgain() {
        var templates = env.client.genericKubernetesResources(IamTypes.ROLE_TEMPLATES);
        var changed = templates.withName("workspace-manage-members").get();
        String shipped = changed.getMetadata().getAnnotations().get(Bootstrap.BUILTIN_HASH);
        changed.getMetadata().getAnnotations().put(Bootstrap.BUILTIN_HASH, "an-older-release");
        changed.getMetadata().getAnnotations().put("kubesphere.io/alias-name", "edited");
        templates.resource(changed).update();
        templates.withName("workspace-create-projects").delete();
        await().atMost(java.time.Duration.ofSeconds(10)).until(() -> templates.withName("workspace-create-projects").get() == null);

        new Bootstrap(env.client).run("admin", "P@88w0rd");

        var restored = templates.withName("workspace-manage-members").get();
        assertThat(restored.getMetadata().getAnnotations()).containsEntry(Bootstrap.BUILTIN_HASH, shipped)
                .doesNotContainEntry("kubesphere.io/alias-name", "edited");
        assertThat(templates.withName("workspace-create-projects").get()).isNotNull();
    }
}
