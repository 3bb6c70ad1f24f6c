package io.tessera.devcluster.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.zjsonpatch.JsonPatch;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The three patch formats the API server accepts over plain HTTP (server-side apply is not served). */
public final class Patches {

    /** Keys that identify list elements in a strategic merge patch, tried in this order. */
    private static final String[] MERGE_KEYS = {"name", "type", "containerPort", "mountPath", "devicePath", "ip", "topologyKey"};

    /** Primitive lists whose strategy in the real schema is "merge" (set union). */
    private static final Set<String> MERGED_PRIMITIVE_LISTS = Set.of("finalizers");

    private Patches() {
    }

    /** RFC 7386: objects merge recursively, {@code null} deletes, everything else (arrays included) replaces. */
    public static JsonNode mergePatch(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        ObjectNode result = target != null && target.isObject() ? ((ObjectNode) target).deepCopy() : JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNull()) {
                result.remove(e.getKey());
            } else {
                result.set(e.getKey(), mergePatch(result.get(e.getKey()), e.getValue()));
            }
        }
        return result;
    }

    /**
     * An approximation of strategic merge patch without per-field schema: lists of objects that carry a
     * merge key ({@code name}, {@code type}, …) merge element by element, {@code $patch: delete} removes
     * an element, {@code $patch: replace} replaces, {@code finalizers} merges as a set,
     * {@code $deleteFromPrimitiveList/<key>} removes values; other lists replace.
     */
    public static JsonNode strategicMergePatch(JsonNode target, JsonNode patch) {
        return smp(target, patch, null);
    }

    private static JsonNode smp(JsonNode target, JsonNode patch, String fieldName) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        if ("replace".equals(patch.path("$patch").asText(null))) {
            ObjectNode copy = ((ObjectNode) patch).deepCopy();
            copy.remove("$patch");
            return copy;
        }
        ObjectNode result = target != null && target.isObject() ? ((ObjectNode) target).deepCopy() : JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode value = e.getValue();
            if (key.startsWith("$setElementOrder/") || key.equals("$retainKeys") || key.equals("$patch")) {
                continue; // ordering and retain-keys directives do not change the content we keep
            }
            if (key.startsWith("$deleteFromPrimitiveList/")) {
                String list = key.substring("$deleteFromPrimitiveList/".length());
                JsonNode existing = result.get(list);
                if (existing != null && existing.isArray()) {
                    ArrayNode kept = JsonNodeFactory.instance.arrayNode();
                    for (JsonNode item : existing) {
                        if (!contains(value, item)) {
                            kept.add(item);
                        }
                    }
                    result.set(list, kept);
                }
                continue;
            }
            if (value.isNull()) {
                result.remove(key);
            } else if (value.isArray()) {
                result.set(key, mergeList(result.get(key), (ArrayNode) value, key));
            } else {
                result.set(key, smp(result.get(key), value, key));
            }
        }
        return result;
    }

    private static boolean contains(JsonNode array, JsonNode item) {
        for (JsonNode n : array) {
            if (n.equals(item)) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode mergeList(JsonNode existing, ArrayNode patch, String fieldName) {
        if (existing == null || !existing.isArray()) {
            return stripDirectives(patch);
        }
        if (MERGED_PRIMITIVE_LISTS.contains(fieldName)) {
            ArrayNode union = ((ArrayNode) existing).deepCopy();
            for (JsonNode item : patch) {
                if (!contains(union, item)) {
                    union.add(item);
                }
            }
            return union;
        }
        String mergeKey = mergeKey(patch, (ArrayNode) existing);
        if (mergeKey == null) {
            return stripDirectives(patch);
        }
        Map<String, JsonNode> merged = new LinkedHashMap<>();
        for (JsonNode item : existing) {
            merged.put(item.path(mergeKey).asText(), item);
        }
        for (JsonNode item : patch) {
            String id = item.path(mergeKey).asText();
            if ("delete".equals(item.path("$patch").asText(null))) {
                merged.remove(id);
            } else {
                merged.put(id, smp(merged.get(id), item, null));
            }
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        merged.values().forEach(out::add);
        return out;
    }

    private static String mergeKey(ArrayNode patch, ArrayNode existing) {
        if (patch.isEmpty()) {
            return null;
        }
        for (String key : MERGE_KEYS) {
            boolean all = true;
            for (JsonNode item : patch) {
                all &= item.isObject() && item.has(key);
            }
            for (JsonNode item : existing) {
                all &= item.isObject() && item.has(key);
            }
            if (all) {
                return key;
            }
        }
        return null;
    }

    private static JsonNode stripDirectives(ArrayNode list) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (JsonNode item : list) {
            if (item.isObject() && "delete".equals(item.path("$patch").asText(null))) {
                continue;
            }
            out.add(item);
        }
        return out;
    }

    /** RFC 6902 on a copy; any failing operation (a failed {@code test} included) leaves the target untouched. */
    public static JsonNode jsonPatch(JsonNode target, JsonNode patch) {
        if (!patch.isArray()) {
            throw new IllegalArgumentException("json patch must be a JSON array of operations");
        }
        return JsonPatch.apply(patch, target.deepCopy());
    }
}
