package io.tessera.extensions.monitoring;

import io.tessera.extension.api.kube.ScopedClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pods of a workload, from the cluster's own objects (ownerReferences), so that workload
 * metrics are the sum of exactly the pods Kubernetes says belong to it. Deployments own pods
 * through ReplicaSets.
 */
final class Workloads {

    private Workloads() {
    }

    static List<String> pods(ScopedClient client, String namespace, String kindPlural, String name) {
        Set<String> owners = new HashSet<>();
        String ownerKind;
        if (kindPlural.equals("deployments")) {
            ownerKind = "ReplicaSet";
            for (Map<String, Object> rs : client.resources("apps", "v1", "replicasets").list(namespace)) {
                if (ownedBy(rs, "Deployment", name)) {
                    owners.add(name(rs));
                }
            }
        } else {
            ownerKind = kindPlural.equals("statefulsets") ? "StatefulSet" : "DaemonSet";
            owners.add(name);
        }
        List<String> pods = new ArrayList<>();
        for (Map<String, Object> pod : client.resources("", "v1", "pods").list(namespace)) {
            for (String owner : owners) {
                if (ownedBy(pod, ownerKind, owner)) {
                    pods.add(name(pod));
                    break;
                }
            }
        }
        return pods;
    }

    private static String name(Map<String, Object> o) {
        return (String) ((Map<?, ?>) o.get("metadata")).get("name");
    }

    private static boolean ownedBy(Map<String, Object> o, String kind, String owner) {
        if (((Map<?, ?>) o.get("metadata")).get("ownerReferences") instanceof List<?> refs) {
            for (Object ref : refs) {
                if (ref instanceof Map<?, ?> r && kind.equals(r.get("kind")) && owner.equals(r.get("name"))) {
                    return true;
                }
            }
        }
        return false;
    }
}
