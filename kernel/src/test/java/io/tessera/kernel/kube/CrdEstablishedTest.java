package io.tessera.kernel.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

/** When the answer to a CRD's create or update already says it is served, no poll follows. */
class CrdEstablishedTest {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    @Test
    void onlyAnEstablishedTrueConditionCountsAsServed() {
        assertThat(CrdInstaller.established(withCondition("Established", "True"))).isTrue();
        assertThat(CrdInstaller.established(withCondition("Established", "False"))).isFalse();
        assertThat(CrdInstaller.established(withCondition("NamesAccepted", "True"))).isFalse();
        assertThat(CrdInstaller.established(asAnswered(new CustomResourceDefinitionBuilder().withNewMetadata().withName("a.b.c")
                .endMetadata().build()))).as("a fresh create on a real API server has no status yet").isFalse();
        assertThat(CrdInstaller.established(null)).isFalse();
    }

    private static GenericKubernetesResource withCondition(String type, String status) {
        return asAnswered(new CustomResourceDefinitionBuilder().withNewMetadata().withName("a.b.c").endMetadata()
                .withNewStatus().addNewCondition().withType(type).withStatus(status).endCondition().endStatus().build());
    }

    /** As the client reads an API server's answer: JSON into a generic object. */
    private static GenericKubernetesResource asAnswered(CustomResourceDefinition crd) {
        return SERIALIZATION.unmarshal(SERIALIZATION.asJson(crd), GenericKubernetesResource.class);
    }
}
