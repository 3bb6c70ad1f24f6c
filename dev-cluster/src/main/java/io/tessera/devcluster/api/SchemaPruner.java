package io.tessera.devcluster.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Structural-schema pruning of custom resources, as the real API server does it. */
final class SchemaPruner {

    private SchemaPruner() {
    }

    /** Removes from {@code value} the fields {@code schema} does not declare, recording their paths in {@code unknown}. */
    static void prune(JsonNode value, JsonNode schema, String path, List<String> unknown) {
        if (schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false) && !schema.has("properties")) {
            return;
        }
        if (value.isObject()) {
            JsonNode props = schema.path("properties");
            JsonNode additional = schema.path("additionalProperties");
            boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
            for (Iterator<Map.Entry<String, JsonNode>> it = ((ObjectNode) value).fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String child = path + "." + e.getKey();
                JsonNode s = props.path(e.getKey());
                if (!s.isMissingNode()) {
                    prune(e.getValue(), s, child, unknown);
                } else if (additional.isObject()) {
                    prune(e.getValue(), additional, child, unknown);
                } else if (!(additional.isBoolean() && additional.asBoolean()) && !preserve && (props.size() > 0 || schema.path("type").asText().equals("object"))) {
                    unknown.add(child);
                    it.remove();
                }
            }
        } else if (value.isArray() && schema.has("items")) {
            int i = 0;
            for (JsonNode item : value) {
                prune(item, schema.get("items"), path + "[" + i++ + "]", unknown);
            }
        }
    }
}
