package io.tessera.kernel.extensions;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.tessera.extension.api.kube.PermissionDeniedException;
import io.tessera.extension.api.kube.ScopedClient;
import io.tessera.kernel.audit.AuditBus;
import io.tessera.kernel.audit.AuditEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The extension's client: every call first checks the manifest's resources × verbs; a refused
 * call never reaches the cluster, throws {@link PermissionDeniedException} and publishes an audit
 * event (status 403, user {@code extension:{name}}).
 */
final class ScopedKubeClient implements ScopedClient {

    private static final Logger LOG = LoggerFactory.getLogger(ScopedKubeClient.class);

    private final KubernetesClient client;
    private final ExtensionManifest manifest;
    private final AuditBus audit;

    ScopedKubeClient(KubernetesClient client, ExtensionManifest manifest, AuditBus audit) {
        this.client = client;
        this.manifest = manifest;
        this.audit = audit;
    }

    @Override
    public Resources resources(String group, String version, String plural) {
        String g = group == null ? "" : group;
        return new Scoped(g, version, plural);
    }

    void check(String group, String version, String resource, String verb, String namespace, String name) {
        if (manifest.allows(group, resource, verb)) {
            return;
        }
        String full = group.isEmpty() ? resource : resource + "." + group;
        LOG.warn("event=extension.permission.denied extension={} verb={} resource={} namespace={}", manifest.name(), verb,
                full, namespace);
        Instant now = Instant.now();
        String[] parts = resource.split("/", 2);
        audit.publish(new AuditEvent("extension-" + manifest.name() + "-" + now.toEpochMilli(), now, now,
                "extension:" + manifest.name(), List.of("tessera:extensions"), "", "tessera-extension-runtime",
                verb.toUpperCase(), "", verb, group, version, parts[0], parts.length > 1 ? parts[1] : "", name == null ? "" : name,
                "", namespace == null ? "" : namespace, "", 403));
        throw new PermissionDeniedException(manifest.name(), verb, full);
    }

    private final class Scoped implements Resources {
        private final String group;
        private final String version;
        private final String plural;

        Scoped(String group, String version, String plural) {
            this.group = group;
            this.version = version;
            this.plural = plural;
        }

        private ResourceDefinitionContext context(boolean namespaced) {
            return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withPlural(plural)
                    .withNamespaced(namespaced).build();
        }

        private NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> op(
                String namespace) {
            var all = client.genericKubernetesResources(context(namespace != null));
            return namespace == null ? all : all.inNamespace(namespace);
        }

        @Override
        public List<Map<String, Object>> list(String namespace) {
            check(group, version, plural, "list", namespace, null);
            var ops = client.genericKubernetesResources(context(namespace != null));
            var list = namespace == null ? ops.inAnyNamespace().list() : ops.inNamespace(namespace).list();
            return list.getItems().stream().map(ScopedKubeClient.this::toMap).toList();
        }

        @Override
        public Map<String, Object> get(String namespace, String name) {
            check(group, version, plural, "get", namespace, name);
            GenericKubernetesResource r = op(namespace).withName(name).get();
            return r == null ? null : toMap(r);
        }

        @Override
        public Map<String, Object> create(String namespace, Map<String, Object> object) {
            check(group, version, plural, "create", namespace, null);
            return toMap(op(namespace).resource(fromMap(object)).create());
        }

        @Override
        public Map<String, Object> update(String namespace, Map<String, Object> object) {
            check(group, version, plural, "update", namespace, null);
            return toMap(op(namespace).resource(fromMap(object)).update());
        }

        @Override
        public Map<String, Object> updateStatus(String namespace, Map<String, Object> object) {
            check(group, version, plural + "/status", "update", namespace, null);
            return toMap(op(namespace).resource(fromMap(object)).updateStatus());
        }

        @Override
        public boolean delete(String namespace, String name) {
            check(group, version, plural, "delete", namespace, name);
            return !op(namespace).withName(name).delete().isEmpty();
        }
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> toMap(GenericKubernetesResource r) {
        return client.getKubernetesSerialization().convertValue(r, Map.class);
    }

    GenericKubernetesResource fromMap(Map<String, Object> m) {
        return client.getKubernetesSerialization().convertValue(m, GenericKubernetesResource.class);
    }
}
