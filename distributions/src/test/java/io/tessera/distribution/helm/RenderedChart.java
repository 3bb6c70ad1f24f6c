package io.tessera.distribution.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The chart rendered by a real Helm (helm-java's native library), every object parsed into its fabric8 type. */
record RenderedChart(String yaml, List<HasMetadata> objects) {

    static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    /** The Kubernetes version the chart is rendered for: the one kubectl on these machines speaks. */
    static final String KUBE_VERSION = "v1.32.0";
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /** Renders a command of docs/deploy.md: its chart, release, namespace, values files and --set values. */
    static RenderedChart render(DocumentedHelmCommands.Command command, Path chart) {
        // install/upgrade ask the cluster for its version; template offline assumes v1.20, below the chart's kubeVersion
        TemplateCommand template = new Helm(chart).template().withName(command.release()).withNamespace(command.namespace())
                .withKubeVersion(KUBE_VERSION);
        for (String file : command.valuesFiles()) {
            template.withValuesFile(REPOSITORY.resolve(file));
        }
        command.sets().forEach(template::set);
        return parse(template.call());
    }

    static RenderedChart parse(String yaml) {
        List<HasMetadata> objects = new ArrayList<>();
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            if (doc.lines().allMatch(l -> l.isBlank() || l.strip().startsWith("#"))) {
                continue;
            }
            KubernetesResource parsed = SERIALIZATION.unmarshal(doc);
            if (parsed instanceof GenericKubernetesResource g) {
                throw new AssertionError("no fabric8 type for " + g.getApiVersion() + " " + g.getKind() + " " + g.getMetadata().getName());
            }
            objects.add((HasMetadata) parsed);
        }
        return new RenderedChart(yaml, objects);
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> T one(Class<T> type, String name) {
        return find(type, name).orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name + " rendered"));
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst();
    }
}
