package io.tessera.devcluster.api;

import java.util.Map;
import java.util.Set;

/**
 * The top-level fields of each built-in kind and the fields of ObjectMeta. The real server decodes
 * built-in objects into typed structs, so anything else is dropped (or, with
 * {@code fieldValidation=Strict}, rejected); this table gives the same result at the top level and in
 * metadata. Fields nested deeper in built-in kinds are not checked (see docs/dev-cluster.md).
 */
final class KnownFields {

    static final Set<String> OBJECT_META = Set.of("name", "generateName", "namespace", "selfLink", "uid", "resourceVersion",
            "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations",
            "ownerReferences", "finalizers", "managedFields");

    private static final Set<String> SPEC_STATUS = Set.of("spec", "status");

    private static final Map<String, Set<String>> BY_KEY = Map.ofEntries(
            Map.entry("configmaps", Set.of("data", "binaryData", "immutable")),
            Map.entry("secrets", Set.of("data", "stringData", "type", "immutable")),
            Map.entry("serviceaccounts", Set.of("secrets", "imagePullSecrets", "automountServiceAccountToken")),
            Map.entry("events", Set.of("involvedObject", "reason", "message", "source", "firstTimestamp", "lastTimestamp", "count",
                    "type", "eventTime", "series", "action", "related", "reportingComponent", "reportingInstance")),
            Map.entry("events.events.k8s.io", Set.of("eventTime", "series", "reportingController", "reportingInstance", "action",
                    "reason", "regarding", "related", "note", "type", "deprecatedSource", "deprecatedFirstTimestamp",
                    "deprecatedLastTimestamp", "deprecatedCount")),
            Map.entry("endpoints", Set.of("subsets")),
            Map.entry("controllerrevisions.apps", Set.of("data", "revision")),
            Map.entry("roles.rbac.authorization.k8s.io", Set.of("rules")),
            Map.entry("clusterroles.rbac.authorization.k8s.io", Set.of("rules", "aggregationRule")),
            Map.entry("rolebindings.rbac.authorization.k8s.io", Set.of("subjects", "roleRef")),
            Map.entry("clusterrolebindings.rbac.authorization.k8s.io", Set.of("subjects", "roleRef")),
            Map.entry("storageclasses.storage.k8s.io", Set.of("provisioner", "parameters", "reclaimPolicy", "mountOptions",
                    "allowVolumeExpansion", "volumeBindingMode", "allowedTopologies")),
            Map.entry("priorityclasses.scheduling.k8s.io", Set.of("value", "globalDefault", "description", "preemptionPolicy")),
            Map.entry("validatingwebhookconfigurations.admissionregistration.k8s.io", Set.of("webhooks")),
            Map.entry("mutatingwebhookconfigurations.admissionregistration.k8s.io", Set.of("webhooks")));

    private KnownFields() {
    }

    /** Top-level fields besides apiVersion, kind and metadata that a built-in kind has. */
    static Set<String> topLevel(ResourceType type) {
        return BY_KEY.getOrDefault(type.key(), SPEC_STATUS);
    }
}
