package io.tessera.kernel.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies CustomResourceDefinitions from classpath YAML, idempotently (create, or update what
 * exists), refusing any version without a structural schema.
 */
public final class CrdInstaller {

    private static final Logger LOG = LoggerFactory.getLogger(CrdInstaller.class);

    private final KubernetesClient client;

    public CrdInstaller(KubernetesClient client) {
        this.client = client;
    }

    /** Reads every CRD in {@code resource} (one or more YAML documents) from {@code loader}. */
    public List<CustomResourceDefinition> read(ClassLoader loader, String resource) throws IOException {
        String path = resource.startsWith("/") ? resource.substring(1) : resource;
        try (InputStream in = loader.getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException("CRD resource " + resource + " not found");
            }
            List<CustomResourceDefinition> crds = new ArrayList<>();
            for (HasMetadata item : client.load(in).items()) {
                if (!(item instanceof CustomResourceDefinition crd)) {
                    throw new IOException(resource + " holds a " + item.getKind() + ", not only CustomResourceDefinitions");
                }
                validate(resource, crd);
                crds.add(crd);
            }
            return crds;
        }
    }

    public void apply(List<CustomResourceDefinition> crds) {
        for (CustomResourceDefinition crd : crds) {
            crd.getMetadata().setResourceVersion(null);
            client.apiextensions().v1().customResourceDefinitions().resource(crd)
                    .createOr(NonDeletingOperation::update);
            LOG.info("event=crd.applied name={}", crd.getMetadata().getName());
        }
    }

    static void validate(String resource, CustomResourceDefinition crd) throws IOException {
        String name = crd.getMetadata() == null ? null : crd.getMetadata().getName();
        if (name == null || crd.getSpec() == null || crd.getSpec().getVersions() == null
                || crd.getSpec().getVersions().isEmpty()) {
            throw new IOException("CRD " + name + " in " + resource + " has no name or no versions");
        }
        for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
            var schema = version.getSchema() == null ? null : version.getSchema().getOpenAPIV3Schema();
            if (schema == null || !"object".equals(schema.getType())) {
                throw new IOException("CRD " + name + " version " + version.getName() + " in " + resource
                        + " has no structural schema (openAPIV3Schema with type: object)");
            }
        }
    }
}
