package io.tessera.devcluster.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The real API server's checks of label keys and values (every object) and of node taints, with
 * its wording, so a client sees the same 422 Invalid here as on a cluster.
 */
final class MetadataValidation {

    private static final String NAME_REGEX = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private static final Pattern NAME = Pattern.compile(NAME_REGEX);
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final List<String> EFFECTS = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");

    private MetadataValidation() {
    }

    /** Throws 422 Invalid naming every wrong field, as the real server does. */
    static void validate(ResourceType type, String name, ObjectNode obj) {
        List<String> errors = new ArrayList<>();
        JsonNode labels = obj.path("metadata").path("labels");
        for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            qualifiedName("metadata.labels", e.getKey(), errors);
            labelValue("metadata.labels", e.getValue().asText(), errors);
        }
        if (type.kind().equals("Node") && type.group().isEmpty()) {
            taints(obj.path("spec").path("taints"), errors);
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(type, name, errors.size() == 1 ? errors.get(0) : "[" + String.join(", ", errors) + "]");
        }
    }

    private static void taints(JsonNode taints, List<String> errors) {
        Set<String> seen = new HashSet<>();
        int i = 0;
        for (JsonNode taint : taints) {
            String path = "spec.taints[" + i++ + "]";
            String key = taint.path("key").asText("");
            if (key.isEmpty()) {
                errors.add(path + ".key: Required value");
            } else {
                qualifiedName(path + ".key", key, errors);
            }
            if (taint.has("value")) {
                labelValue(path + ".value", taint.path("value").asText(), errors);
            }
            String effect = taint.path("effect").asText("");
            if (effect.isEmpty()) {
                errors.add(path + ".effect: Required value");
            } else if (!EFFECTS.contains(effect)) {
                errors.add(path + ".effect: Unsupported value: \"" + effect + "\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"");
            }
            if (!key.isEmpty() && !seen.add(key + ":" + effect)) {
                errors.add(path + ": Duplicate value: \"" + key + ":" + effect + "\": taints must be unique by key and effect pair");
            }
        }
    }

    private static void qualifiedName(String field, String key, List<String> errors) {
        String invalid = field + ": Invalid value: \"" + key + "\": ";
        String[] parts = key.split("/", -1);
        String namePart = parts[parts.length - 1];
        if (parts.length > 2) {
            errors.add(invalid + "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an"
                    + " alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '("
                    + "[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
            return;
        }
        if (parts.length == 2) {
            String prefix = parts[0];
            if (prefix.isEmpty()) {
                errors.add(invalid + "prefix part must be non-empty");
            } else if (prefix.length() > 253 || !DNS_SUBDOMAIN.matcher(prefix).matches()) {
                errors.add(invalid + "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.',"
                        + " and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is"
                        + " '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
            }
        }
        if (namePart.isEmpty()) {
            errors.add(invalid + "name part must be non-empty");
        } else if (namePart.length() > 63) {
            errors.add(invalid + "name part must be no more than 63 characters");
        } else if (!NAME.matcher(namePart).matches()) {
            errors.add(invalid + "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an"
                    + " alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '" + NAME_REGEX + "')");
        }
    }

    private static void labelValue(String field, String value, List<String> errors) {
        if (value.isEmpty()) {
            return;
        }
        String invalid = field + ": Invalid value: \"" + value + "\": ";
        if (value.length() > 63) {
            errors.add(invalid + "must be no more than 63 characters");
        } else if (!NAME.matcher(value).matches()) {
            errors.add(invalid + "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must"
                    + " start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for"
                    + " validation is '(" + NAME_REGEX + ")?')");
        }
    }
}
