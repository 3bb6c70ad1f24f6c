package io.tessera.devcluster.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * OpenAPI v3 documents, one per group/version, built from the served kinds and the CRD schemas.
 * kubectl reads them to learn that the server validates fields itself ({@code fieldValidation} on PATCH),
 * so a plain {@code kubectl apply} sends {@code fieldValidation=Strict} instead of needing
 * {@code --validate=false}.
 */
final class OpenApi {

    private OpenApi() {
    }

    static ObjectNode root(ObjectMapper m, ResourceRegistry registry) {
        ObjectNode root = m.createObjectNode();
        ObjectNode paths = root.putObject("paths");
        for (Map.Entry<String, List<String>> g : registry.groups().entrySet()) {
            for (String v : g.getValue()) {
                String key = g.getKey().isEmpty() ? "api/" + v : "apis/" + g.getKey() + "/" + v;
                // The hash changes when the served kinds change, so kubectl's cache refreshes for new CRDs.
                int hash = registry.inGroupVersion(g.getKey(), v).stream()
                        .mapToInt(t -> t.key().hashCode() * 31 + (t.schema() == null ? 0 : t.schema().hashCode())).sum();
                paths.putObject(key).put("serverRelativeURL", "/openapi/v3/" + key + "?hash=" + Integer.toHexString(hash));
            }
        }
        return root;
    }

    static Optional<ObjectNode> groupVersion(ObjectMapper m, ResourceRegistry registry, String gvPath) {
        String[] p = gvPath.split("/");
        String group;
        String version;
        if (p.length == 2 && p[0].equals("api")) {
            group = "";
            version = p[1];
        } else if (p.length == 3 && p[0].equals("apis")) {
            group = p[1];
            version = p[2];
        } else {
            return Optional.empty();
        }
        List<ResourceType> types = registry.inGroupVersion(group, version);
        if (types.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode doc = m.createObjectNode();
        doc.put("openapi", "3.0.0");
        doc.putObject("info").put("title", "Kubernetes").put("version", "v" + ApiServer.KUBE_MAJOR + "." + ApiServer.KUBE_MINOR + ".0");
        ObjectNode paths = doc.putObject("paths");
        ObjectNode schemas = doc.putObject("components").putObject("schemas");
        String prefix = group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
        for (ResourceType t : types) {
            String schemaName = (group.isEmpty() ? "io.k8s.api.core" : group) + "." + version + "." + t.kind();
            ObjectNode gvk = m.createObjectNode().put("group", group).put("version", version).put("kind", t.kind());
            ObjectNode schema = t.schema() != null ? t.schema().deepCopy() : m.createObjectNode().put("type", "object");
            if (t.schema() == null) {
                schema.put("x-kubernetes-preserve-unknown-fields", true);
            }
            schema.putArray("x-kubernetes-group-version-kind").add(gvk.deepCopy());
            schemas.set(schemaName, schema);
            String item = prefix + (t.namespaced() ? "/namespaces/{namespace}/" : "/") + t.plural() + "/{name}";
            ObjectNode ops = paths.putObject(item);
            ObjectNode patch = ops.putObject("patch");
            patch.put("operationId", "patch" + t.kind());
            patch.set("x-kubernetes-group-version-kind", gvk);
            patch.put("x-kubernetes-action", "patch");
            var params = patch.putArray("parameters");
            for (String q : List.of("dryRun", "fieldManager", "fieldValidation", "force")) {
                params.addObject().put("name", q).put("in", "query").putObject("schema").put("type", q.equals("force") ? "boolean" : "string");
            }
            ObjectNode content = patch.putObject("requestBody").putObject("content");
            content.putObject("application/json-patch+json").putObject("schema").put("type", "object");
            content.putObject("application/merge-patch+json").putObject("schema").put("type", "object");
            patch.putObject("responses").putObject("200").put("description", "OK").putObject("content")
                    .putObject("application/json").putObject("schema").put("$ref", "#/components/schemas/" + schemaName);
            ObjectNode get = ops.putObject("get");
            get.put("operationId", "read" + t.kind());
            get.set("x-kubernetes-group-version-kind", gvk.deepCopy());
            get.put("x-kubernetes-action", "get");
            get.putObject("responses").putObject("200").put("description", "OK").putObject("content")
                    .putObject("application/json").putObject("schema").put("$ref", "#/components/schemas/" + schemaName);
        }
        return Optional.of(doc);
    }
}
