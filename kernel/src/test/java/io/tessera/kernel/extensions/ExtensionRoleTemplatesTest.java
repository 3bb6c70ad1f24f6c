package io.tessera.kernel.extensions;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A replica rewrites its RoleTemplates only when what it ships differs from what is stored. */
class ExtensionRoleTemplatesTest {

    @Test
    void whatTheApiServerAddsIsNoDifferenceButAChangedRuleIs() {
        GenericKubernetesResource shipped = template("view", Map.of("scope", "global"), List.of("get", "list"));
        GenericKubernetesResource stored = template("view", Map.of("scope", "global", "added-by-someone", "x"), List.of("get", "list"));
        stored.getMetadata().setResourceVersion("42");
        stored.getMetadata().setUid("u-1");

        assertThat(ExtensionsModule.sameDefinition(stored, shipped)).isTrue();
        assertThat(ExtensionsModule.sameDefinition(template("view", Map.of("scope", "global"), List.of("get")), shipped)).isFalse();
        assertThat(ExtensionsModule.sameDefinition(template("view", Map.of("scope", "cluster"), List.of("get", "list")), shipped)).isFalse();
    }

    private static GenericKubernetesResource template(String name, Map<String, String> labels, List<String> verbs) {
        GenericKubernetesResource r = new GenericKubernetesResource();
        r.setApiVersion("iam.kubesphere.io/v1beta1");
        r.setKind("RoleTemplate");
        r.setMetadata(new ObjectMetaBuilder().withName(name).withLabels(labels).build());
        r.setAdditionalProperty("spec", Map.of("rules", List.of(Map.of("apiGroups", List.of("extensions.tessera.io"), "verbs", verbs))));
        return r;
    }
}
