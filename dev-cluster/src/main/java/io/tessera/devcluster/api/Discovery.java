package io.tessera.devcluster.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Discovery documents ({@code /version}, {@code /api}, {@code /apis}, resource lists) as kubectl reads them. */
final class Discovery {

    private static final List<String> VERBS = List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

    /** The built-in kinds {@code kubectl get all} shows. */
    private static final java.util.Set<String> ALL_CATEGORY = java.util.Set.of("pods", "services", "replicationcontrollers",
            "deployments.apps", "statefulsets.apps", "daemonsets.apps", "replicasets.apps", "jobs.batch", "cronjobs.batch",
            "horizontalpodautoscalers.autoscaling");

    private Discovery() {
    }

    static ObjectNode version(ObjectMapper m) {
        ObjectNode v = m.createObjectNode();
        // kubectl picks its client version by these fields, so they must look like a real release.
        v.put("major", ApiServer.KUBE_MAJOR);
        v.put("minor", ApiServer.KUBE_MINOR);
        v.put("gitVersion", "v" + ApiServer.KUBE_MAJOR + "." + ApiServer.KUBE_MINOR + ".0-tessera-dev");
        v.put("gitCommit", "0000000000000000000000000000000000000000");
        v.put("gitTreeState", "clean");
        v.put("buildDate", "2026-01-01T00:00:00Z");
        v.put("goVersion", "go1.23.0");
        v.put("compiler", "gc");
        v.put("platform", "linux/amd64");
        return v;
    }

    static ObjectNode apiVersions(ObjectMapper m, String serverAddress) {
        ObjectNode v = m.createObjectNode();
        v.put("kind", "APIVersions");
        v.putArray("versions").add("v1");
        v.putArray("serverAddressByClientCIDRs").addObject().put("clientCIDR", "0.0.0.0/0").put("serverAddress", serverAddress);
        return v;
    }

    static ObjectNode apiGroupList(ObjectMapper m, ResourceRegistry registry) {
        ObjectNode list = m.createObjectNode();
        list.put("kind", "APIGroupList");
        list.put("apiVersion", "v1");
        ArrayNode groups = list.putArray("groups");
        for (Map.Entry<String, List<String>> g : registry.groups().entrySet()) {
            if (!g.getKey().isEmpty()) {
                groups.add(group(m, g.getKey(), g.getValue()));
            }
        }
        return list;
    }

    static Optional<ObjectNode> apiGroup(ObjectMapper m, ResourceRegistry registry, String group) {
        List<String> versions = registry.groups().get(group);
        if (versions == null || group.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode g = group(m, group, versions);
        g.put("kind", "APIGroup");
        g.put("apiVersion", "v1");
        return Optional.of(g);
    }

    private static ObjectNode group(ObjectMapper m, String name, List<String> versions) {
        ObjectNode g = m.createObjectNode();
        g.put("name", name);
        ArrayNode vs = g.putArray("versions");
        for (String v : versions) {
            vs.addObject().put("groupVersion", name + "/" + v).put("version", v);
        }
        g.putObject("preferredVersion").put("groupVersion", name + "/" + versions.get(0)).put("version", versions.get(0));
        return g;
    }

    static ObjectNode resourceList(ObjectMapper m, String group, String version, List<ResourceType> types) {
        ObjectNode list = m.createObjectNode();
        list.put("kind", "APIResourceList");
        list.put("apiVersion", "v1");
        list.put("groupVersion", group.isEmpty() ? version : group + "/" + version);
        ArrayNode resources = list.putArray("resources");
        for (ResourceType t : types) {
            ObjectNode r = resources.addObject();
            r.put("name", t.plural());
            r.put("singularName", t.singular());
            r.put("namespaced", t.namespaced());
            r.put("kind", t.kind());
            ArrayNode verbs = r.putArray("verbs");
            VERBS.forEach(verbs::add);
            if (!t.shortNames().isEmpty()) {
                ArrayNode sn = r.putArray("shortNames");
                t.shortNames().forEach(sn::add);
            }
            if (ALL_CATEGORY.contains(t.key())) {
                r.putArray("categories").add("all");
            }
            if (t.statusSubresource()) {
                ObjectNode s = resources.addObject();
                s.put("name", t.plural() + "/status");
                s.put("singularName", "");
                s.put("namespaced", t.namespaced());
                s.put("kind", t.kind());
                s.putArray("verbs").add("get").add("patch").add("update");
            }
        }
        return list;
    }
}
