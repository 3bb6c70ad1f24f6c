package io.tessera.kernel.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.tessera.kernel.iam.api.IamCrds;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrdInstallerParseTest {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    @TempDir
    Path dir;

    @Test
    void readsEveryDocumentOfAFileAsCustomResourceDefinitions() throws Exception {
        String widgets = Files.readString(Path.of(getClass().getResource("/test-crds/widgets.yaml").toURI()));
        String gadgets = widgets.replace("widgets", "gadgets").replace("widget", "gadget").replace("Widget", "Gadget");
        List<GenericKubernetesResource> read = CrdInstaller.parse(SERIALIZATION, loaderWith("two.yaml", widgets + "\n---\n" + gadgets + "\n---\n"), "two.yaml");

        assertThat(read).extracting(c -> c.getMetadata().getName()).containsExactly("widgets.test.tessera.io", "gadgets.test.tessera.io");
        // what is sent is the CRD as written: read with fabric8's typed model, nothing is lost
        List<CustomResourceDefinition> crds = read.stream().map(c -> SERIALIZATION.convertValue(c, CustomResourceDefinition.class)).toList();
        CustomResourceDefinition first = crds.get(0);
        assertThat(first.getSpec().getNames().getKind()).isEqualTo("Widget");
        assertThat(first.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema().getProperties().get("spec")
                .getProperties().get("size").getType()).isEqualTo("integer");
    }

    @Test
    void readsTheKernelsOwnCrds() throws Exception {
        for (String resource : IamCrds.RESOURCES) {
            assertThat(CrdInstaller.parse(SERIALIZATION, getClass().getClassLoader(), resource)).as(resource).isNotEmpty();
        }
    }

    @Test
    void refusesAFileThatHoldsAnotherKind() throws Exception {
        String widgets = Files.readString(Path.of(getClass().getResource("/test-crds/widgets.yaml").toURI()));
        ClassLoader loader = loaderWith("mixed.yaml", widgets + "\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n");
        assertThatThrownBy(() -> CrdInstaller.parse(SERIALIZATION, loader, "mixed.yaml")).isInstanceOf(IOException.class)
                .hasMessageContaining("mixed.yaml holds a ConfigMap v1, not only CustomResourceDefinitions");
    }

    @Test
    void refusesAnOlderCrdApiVersion() throws Exception {
        String widgets = Files.readString(Path.of(getClass().getResource("/test-crds/widgets.yaml").toURI()));
        ClassLoader loader = loaderWith("old.yaml", widgets.replace("apiextensions.k8s.io/v1", "apiextensions.k8s.io/v1beta1"));
        assertThatThrownBy(() -> CrdInstaller.parse(SERIALIZATION, loader, "old.yaml")).isInstanceOf(IOException.class)
                .hasMessageContaining("CustomResourceDefinition apiextensions.k8s.io/v1beta1");
    }

    @Test
    void refusesAVersionWithoutAStructuralSchema() {
        assertThatThrownBy(() -> CrdInstaller.parse(SERIALIZATION, getClass().getClassLoader(), "test-crds/not-structural.yaml"))
                .isInstanceOf(IOException.class).hasMessageContaining("has no structural schema");
    }

    @Test
    void refusesYamlThatDoesNotParseOrAMissingFile() throws Exception {
        ClassLoader loader = loaderWith("broken.yaml", "kind: [unclosed\n");
        assertThatThrownBy(() -> CrdInstaller.parse(SERIALIZATION, loader, "broken.yaml")).isInstanceOf(IOException.class)
                .hasMessageContaining("broken.yaml is not valid YAML for Kubernetes objects");
        assertThatThrownBy(() -> CrdInstaller.parse(SERIALIZATION, loader, "absent.yaml")).isInstanceOf(IOException.class)
                .hasMessageContaining("CRD resource absent.yaml not found");
    }

    private ClassLoader loaderWith(String name, String content) throws IOException {
        Files.writeString(dir.resolve(name), content);
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, null);
    }
}
