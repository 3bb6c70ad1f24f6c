package io.tessera.devcluster.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The resource types the cluster serves: a fixed table of built-in kinds plus one entry per stored
 * CustomResourceDefinition, updated as CRDs are written so discovery and routing see them at once.
 */
public final class ResourceRegistry {

    /** Built-in kinds. Status subresource and generation tracking follow the real API server's strategies. */
    private static final List<ResourceType> BUILT_IN = List.of(
            core("namespaces", "Namespace", false, true, false, "ns"),
            core("configmaps", "ConfigMap", true, false, false, "cm"),
            core("secrets", "Secret", true, false, false),
            core("pods", "Pod", true, true, false, "po"),
            core("services", "Service", true, true, false, "svc"),
            core("serviceaccounts", "ServiceAccount", true, false, false, "sa"),
            core("nodes", "Node", false, true, false, "no"),
            core("events", "Event", true, false, false, "ev"),
            core("endpoints", "Endpoints", true, false, false, "ep"),
            core("persistentvolumeclaims", "PersistentVolumeClaim", true, true, false, "pvc"),
            core("persistentvolumes", "PersistentVolume", false, true, false, "pv"),
            core("limitranges", "LimitRange", true, false, false, "limits"),
            core("resourcequotas", "ResourceQuota", true, true, false, "quota"),
            core("replicationcontrollers", "ReplicationController", true, true, true, "rc"),
            builtIn("apps", "v1", "deployments", "Deployment", true, true, true, "deploy"),
            builtIn("apps", "v1", "statefulsets", "StatefulSet", true, true, true, "sts"),
            builtIn("apps", "v1", "daemonsets", "DaemonSet", true, true, true, "ds"),
            builtIn("apps", "v1", "replicasets", "ReplicaSet", true, true, true, "rs"),
            builtIn("apps", "v1", "controllerrevisions", "ControllerRevision", true, false, false),
            builtIn("batch", "v1", "jobs", "Job", true, true, true),
            builtIn("batch", "v1", "cronjobs", "CronJob", true, true, true, "cj"),
            builtIn("coordination.k8s.io", "v1", "leases", "Lease", true, false, false),
            builtIn("rbac.authorization.k8s.io", "v1", "roles", "Role", true, false, false),
            builtIn("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true, false, false),
            builtIn("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false, false, false),
            builtIn("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false, false, false),
            builtIn("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false, true, true, "crd", "crds"),
            builtIn("networking.k8s.io", "v1", "ingresses", "Ingress", true, true, true, "ing"),
            builtIn("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true, false, true, "netpol"),
            builtIn("networking.k8s.io", "v1", "ingressclasses", "IngressClass", false, false, false),
            builtIn("storage.k8s.io", "v1", "storageclasses", "StorageClass", false, false, false, "sc"),
            builtIn("events.k8s.io", "v1", "events", "Event", true, false, false, "ev"),
            builtIn("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, true, true, "hpa"),
            builtIn("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true, true, true, "pdb"),
            builtIn("scheduling.k8s.io", "v1", "priorityclasses", "PriorityClass", false, false, false, "pc"),
            builtIn("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", "ValidatingWebhookConfiguration", false, false, true),
            builtIn("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", "MutatingWebhookConfiguration", false, false, true),
            builtIn("apiregistration.k8s.io", "v1", "apiservices", "APIService", false, true, false));

    public static final String CRD_KEY = "customresourcedefinitions.apiextensions.k8s.io";

    private final Map<String, ResourceType> byKey = new ConcurrentHashMap<>();

    public ResourceRegistry() {
        BUILT_IN.forEach(t -> byKey.put(t.key(), t));
    }

    private static ResourceType core(String plural, String kind, boolean namespaced, boolean status, boolean generation,
                                     String... shortNames) {
        return builtIn("", "v1", plural, kind, namespaced, status, generation, shortNames);
    }

    private static ResourceType builtIn(String group, String version, String plural, String kind, boolean namespaced,
                                        boolean status, boolean generation, String... shortNames) {
        return new ResourceType(group, List.of(version), plural, kind.toLowerCase(java.util.Locale.ROOT), kind,
                namespaced, status, generation, List.of(shortNames), false, null);
    }

    public Optional<ResourceType> byKey(String key) {
        return Optional.ofNullable(byKey.get(key));
    }

    /** The type served at {@code group/version} under {@code plural}, if that version is served. */
    public Optional<ResourceType> find(String group, String version, String plural) {
        ResourceType t = byKey.get(group.isEmpty() ? plural : plural + "." + group);
        return t != null && t.versions().contains(version) ? Optional.of(t) : Optional.empty();
    }

    public Optional<ResourceType> findKind(String group, String kind) {
        return byKey.values().stream().filter(t -> t.group().equals(group) && t.kind().equals(kind)).findFirst();
    }

    public Collection<ResourceType> all() {
        return byKey.values();
    }

    /** Groups with their served versions, core group ("") first, then in name order. */
    public Map<String, List<String>> groups() {
        Map<String, List<String>> groups = new java.util.TreeMap<>();
        for (ResourceType t : byKey.values()) {
            List<String> versions = groups.computeIfAbsent(t.group(), g -> new ArrayList<>());
            for (String v : t.versions()) {
                if (!versions.contains(v)) {
                    versions.add(v);
                }
            }
        }
        return new LinkedHashMap<>(groups);
    }

    public List<ResourceType> inGroupVersion(String group, String version) {
        return byKey.values().stream().filter(t -> t.group().equals(group) && t.versions().contains(version))
                .sorted(java.util.Comparator.comparing(ResourceType::plural)).toList();
    }

    /** Reads the served shape of a CRD; null if it is not well-formed enough to serve. */
    public static ResourceType fromCrd(JsonNode crd) {
        JsonNode spec = crd.path("spec");
        JsonNode names = spec.path("names");
        String group = spec.path("group").asText("");
        String plural = names.path("plural").asText("");
        String kind = names.path("kind").asText("");
        if (group.isEmpty() || plural.isEmpty() || kind.isEmpty()) {
            return null;
        }
        List<String> versions = new ArrayList<>();
        boolean status = false;
        JsonNode schema = null;
        String storage = null;
        for (JsonNode v : spec.path("versions")) {
            if (!v.path("served").asBoolean(true)) {
                continue;
            }
            String name = v.path("name").asText();
            if (v.path("storage").asBoolean(false)) {
                storage = name;
            }
            versions.add(name);
            if (v.path("subresources").has("status")) {
                status = true;
            }
            if (schema == null || v.path("storage").asBoolean(false)) {
                JsonNode s = v.path("schema").path("openAPIV3Schema");
                schema = s.isMissingNode() ? null : s;
            }
        }
        if (versions.isEmpty()) {
            return null;
        }
        if (storage != null) {
            // Discovery lists the preferred (storage) version first.
            versions.remove(storage);
            versions.add(0, storage);
        }
        List<String> shortNames = new ArrayList<>();
        names.path("shortNames").forEach(n -> shortNames.add(n.asText()));
        String singular = names.path("singular").asText(kind.toLowerCase(java.util.Locale.ROOT));
        boolean namespaced = !"Cluster".equals(spec.path("scope").asText("Namespaced"));
        return new ResourceType(group, List.copyOf(versions), plural, singular, kind, namespaced, status, true,
                List.copyOf(shortNames), true, schema);
    }

    public void putCustom(ResourceType type) {
        ResourceType existing = byKey.get(type.key());
        if (existing != null && !existing.custom()) {
            return; // a CRD cannot shadow a built-in kind
        }
        byKey.put(type.key(), type);
    }

    public void removeCustom(String key) {
        ResourceType existing = byKey.get(key);
        if (existing != null && existing.custom()) {
            byKey.remove(key);
        }
    }
}
