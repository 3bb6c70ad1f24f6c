package io.tessera.kernel.iam.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shipped built-in objects as the bootstrap reads them, without a cluster. */
class BuiltInObjectsTest {

    @Test
    void everyRuleOfABuiltInNamesItsVerbsAsAList() {
        Bootstrap bootstrap = new Bootstrap(null);
        int rules = 0;
        for (String resource : Bootstrap.RESOURCES) {
            for (GenericKubernetesResource object : bootstrap.load(resource)) {
                Object spec = object.getAdditionalProperties().get("spec");
                Object found = spec instanceof Map<?, ?> m ? m.get("rules") : object.getAdditionalProperties().get("rules");
                for (Object rule : found instanceof List<?> l ? l : List.of()) {
                    assertThat(((Map<?, ?>) rule).get("verbs")).as(object.getKind() + " " + object.getMetadata().getName())
                            .isInstanceOf(List.class).asList().isNotEmpty().allMatch(String.class::isInstance);
                    rules++;
                }
            }
        }
        assertThat(rules).isGreaterThan(50);
    }
}
