package io.tessera.marketplace.server;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.tessera.marketplace.index.IndexEntry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The marketplace's objects (KubeSphere reference §6.1), all cluster-scoped in kubesphere.io/v1alpha1. */
final class CatalogTypes {

    static final String GROUP = "kubesphere.io";
    static final String VERSION = "v1alpha1";
    static final String API_VERSION = GROUP + "/" + VERSION;
    static final String REPOSITORY_REF = "kubesphere.io/repository-ref";
    static final String EXTENSION_REF = "kubesphere.io/extension-ref";
    static final String CATEGORY = "kubesphere.io/category";
    static final String COUNT = "kubesphere.io/count";
    static final String SYNC_REQUESTED_AT = "kubesphere.io/sync-requested-at";
    static final String BUILTIN = "builtin";

    static final ResourceDefinitionContext REPOSITORIES = rdc("Repository", "repositories");
    static final ResourceDefinitionContext EXTENSIONS = rdc("Extension", "extensions");
    static final ResourceDefinitionContext VERSIONS = rdc("ExtensionVersion", "extensionversions");
    static final ResourceDefinitionContext CATEGORIES = rdc("Category", "categories");
    static final ResourceDefinitionContext PLANS = rdc("InstallPlan", "installplans");

    private CatalogTypes() {
    }

    private static ResourceDefinitionContext rdc(String kind, String plural) {
        return new ResourceDefinitionContext.Builder().withGroup(GROUP).withVersion(VERSION).withKind(kind).withPlural(plural)
                .withNamespaced(false).build();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(GenericKubernetesResource r, String field) {
        return r.getAdditionalProperties().get(field) instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    static String label(GenericKubernetesResource r, String key) {
        return r.getMetadata().getLabels() == null ? null : r.getMetadata().getLabels().get(key);
    }

    /** An ExtensionVersion as the resolver sees it: name, version, dependencies, kernel range. */
    @SuppressWarnings("unchecked")
    static IndexEntry entryOf(GenericKubernetesResource v) {
        Map<String, Object> spec = map(v, "spec");
        String name = label(v, EXTENSION_REF);
        Object version = spec.get("version");
        if (name == null || version == null) {
            return null;
        }
        Map<String, String> deps = new LinkedHashMap<>();
        if (spec.get("dependencies") instanceof Map<?, ?> d) {
            d.forEach((k, r) -> deps.put(String.valueOf(k), String.valueOf(r)));
        }
        Object kernel = spec.get("kernelVersion") != null ? spec.get("kernelVersion") : spec.get("ksVersion");
        return new IndexEntry(name, String.valueOf(version), null, 0, (String) spec.get("digest"), null, null,
                (String) spec.get("category"), spec.get("keywords") instanceof List<?> k ? (List<String>) k : null, null, null, null,
                kernel == null ? null : String.valueOf(kernel), deps, null, null, null);
    }
}
