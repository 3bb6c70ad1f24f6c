package io.tessera.kernel.extensions;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code extension.yaml}, validated against the rules of docs/extension-package.schema.json; each
 * error names the field it is about. Holds the parsed document as plain maps so the catalog
 * objects can copy fields verbatim.
 */
public record ExtensionManifest(
        String name,
        String version,
        Map<String, Object> displayName,
        Map<String, Object> description,
        String category,
        String namespace,
        List<Permission> permissions,
        List<String> bundles,
        List<Map<String, Object>> consoleEntries,
        String consoleEntry,
        Map<String, Object> configDefaults,
        Map<String, Object> raw) {

    static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?");
    static final Pattern SEMVER = Pattern.compile("(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?");
    static final List<String> PLACEMENTS = List.of("global", "topbar", "toolbox", "access", "cluster", "workspace",
            "project", "platformSettings");
    static final List<String> VERBS = List.of("get", "list", "watch", "create", "update", "patch", "delete");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Resources × verbs the extension's scoped client may use. {@code group} "" is the core group. */
    public record Permission(String group, List<String> resources, List<String> verbs) {
        boolean allows(String group, String resource, String verb) {
            return this.group.equals(group) && (resources.contains(resource) || resources.contains("*"))
                    && (verbs.contains(verb) || verbs.contains("*"));
        }
    }

    /** extension.yaml did not pass validation; the message lists every error, one per field. */
    public static final class InvalidManifestException extends Exception {
        private final List<String> errors;

        InvalidManifestException(List<String> errors) {
            super("extension.yaml is not valid: " + String.join("; ", errors));
            this.errors = List.copyOf(errors);
        }

        public List<String> errors() {
            return errors;
        }
    }

    public static ExtensionManifest parse(InputStream in) throws IOException, InvalidManifestException {
        Object doc;
        try {
            doc = YAML.readValue(in, Object.class);
        } catch (IOException e) {
            throw new InvalidManifestException(List.of("(document): not valid YAML: " + firstLine(e.getMessage())));
        }
        if (!(doc instanceof Map<?, ?> m)) {
            throw new InvalidManifestException(List.of("(document): must be a mapping"));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> raw = (Map<String, Object>) m;
        return validate(raw);
    }

    public boolean allows(String group, String resource, String verb) {
        return permissions.stream().anyMatch(p -> p.allows(group, resource, verb));
    }

    @SuppressWarnings("unchecked")
    static ExtensionManifest validate(Map<String, Object> raw) throws InvalidManifestException {
        List<String> errors = new ArrayList<>();
        String name = string(raw, "name", true, errors);
        if (name != null && !NAME.matcher(name).matches()) {
            errors.add("name: must be lowercase letters, digits and '-', at most 32 characters, got \"" + name + "\"");
        }
        String version = string(raw, "version", true, errors);
        if (version != null && !SEMVER.matcher(version).matches()) {
            errors.add("version: must be a semantic version such as 1.0.0, got \"" + version + "\"");
        }
        Map<String, Object> displayName = i18n(raw, "displayName", errors);
        Map<String, Object> description = i18n(raw, "description", errors);
        String category = string(raw, "category", true, errors);
        string(raw, "icon", false, errors);
        if (raw.containsKey("provider") && !(raw.get("provider") instanceof Map)) {
            errors.add("provider: must be a mapping of language to {name, email, url}");
        }
        String kernelVersion = string(raw, "kernelVersion", false, errors);
        if (raw.containsKey("keywords") && !(raw.get("keywords") instanceof List)) {
            errors.add("keywords: must be a list of strings");
        }
        if (raw.get("dependencies") != null) {
            if (raw.get("dependencies") instanceof Map<?, ?> deps) {
                deps.forEach((k, v) -> {
                    if (!(v instanceof String)) {
                        errors.add("dependencies." + k + ": must be a version range string such as \">=1.0.0 <2.0.0\"");
                    }
                });
            } else {
                errors.add("dependencies: must be a mapping of extension name to version range");
            }
        }
        String namespace = string(raw, "namespace", false, errors);
        List<Permission> permissions = new ArrayList<>();
        Object perms = raw.get("permissions");
        if (perms != null) {
            if (perms instanceof List<?> list) {
                for (int i = 0; i < list.size(); i++) {
                    String at = "permissions[" + i + "]";
                    if (!(list.get(i) instanceof Map<?, ?> p)) {
                        errors.add(at + ": must be a mapping {group, resources, verbs}");
                        continue;
                    }
                    Object group = p.get("group") == null ? "" : p.get("group");
                    List<String> resources = strings(p.get("resources"), at + ".resources", errors);
                    List<String> verbs = strings(p.get("verbs"), at + ".verbs", errors);
                    for (String v : verbs) {
                        if (!VERBS.contains(v) && !v.equals("*")) {
                            errors.add(at + ".verbs: unknown verb \"" + v + "\" (one of " + VERBS + " or *)");
                        }
                    }
                    if (!(group instanceof String g)) {
                        errors.add(at + ".group: must be a string (\"\" for the core group)");
                    } else {
                        permissions.add(new Permission(g, resources, verbs));
                    }
                }
            } else {
                errors.add("permissions: must be a list of {group, resources, verbs}");
            }
        }
        List<String> bundles = raw.get("bundles") == null ? List.of() : strings(raw.get("bundles"), "bundles", errors);
        List<Map<String, Object>> entries = new ArrayList<>();
        String consoleEntry = null;
        Object console = raw.get("console");
        if (console != null) {
            if (console instanceof Map<?, ?> c) {
                Object entry = c.get("entry");
                if (entry != null && !(entry instanceof String)) {
                    errors.add("console.entry: must be a path inside the package, e.g. console/index.js");
                } else {
                    consoleEntry = (String) entry;
                }
                Object es = c.get("entries");
                if (es instanceof List<?> list) {
                    for (int i = 0; i < list.size(); i++) {
                        String at = "console.entries[" + i + "]";
                        if (!(list.get(i) instanceof Map<?, ?> e)) {
                            errors.add(at + ": must be a mapping");
                            continue;
                        }
                        if (!(e.get("name") instanceof String)) {
                            errors.add(at + ".name: is required");
                        }
                        Object parent = e.get("parent");
                        if (!(parent instanceof String p) || !PLACEMENTS.contains(p.split("\\.")[0])) {
                            errors.add(at + ".parent: must be one of " + PLACEMENTS + " (or a sub-menu such as cluster.x)");
                        }
                        Object requires = e.get("requires");
                        if (requires != null && !(requires instanceof List<?> rl
                                && rl.stream().allMatch(x -> x instanceof String r && r.trim().matches("(GET|POST|PUT|PATCH|DELETE) /\\S*")))) {
                            errors.add(at + ".requires: must be a list of API calls such as \"GET /kapis/{group}/{version}/{resource}\"");
                        }
                        entries.add(new LinkedHashMap<>((Map<String, Object>) e));
                    }
                } else if (es != null) {
                    errors.add("console.entries: must be a list of menu entries");
                }
            } else {
                errors.add("console: must be a mapping {entry, entries}");
            }
        }
        Map<String, Object> defaults = Map.of();
        Object schema = raw.get("configSchema");
        if (schema != null) {
            if (schema instanceof Map<?, ?> s) {
                defaults = defaults((Map<String, Object>) s);
            } else {
                errors.add("configSchema: must be a JSON Schema object");
            }
        }
        if (kernelVersion != null && kernelVersion.isBlank()) {
            errors.add("kernelVersion: must not be empty");
        }
        if (!errors.isEmpty()) {
            throw new InvalidManifestException(errors);
        }
        return new ExtensionManifest(name, version, displayName, description, category,
                namespace == null ? "extension-" + name : namespace, List.copyOf(permissions), bundles,
                List.copyOf(entries), consoleEntry, defaults, raw);
    }

    /** Top-level {@code default}s of an object schema's properties (nested objects recursively). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> defaults(Map<String, Object> schema) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (schema.get("properties") instanceof Map<?, ?> props) {
            props.forEach((k, v) -> {
                if (v instanceof Map<?, ?> p) {
                    if (p.containsKey("default")) {
                        out.put((String) k, p.get("default"));
                    } else if ("object".equals(p.get("type"))) {
                        Map<String, Object> nested = defaults((Map<String, Object>) p);
                        if (!nested.isEmpty()) {
                            out.put((String) k, nested);
                        }
                    }
                }
            });
        }
        return out;
    }

    private static String string(Map<String, Object> raw, String field, boolean required, List<String> errors) {
        Object v = raw.get(field);
        if (v == null) {
            if (required) {
                errors.add(field + ": is required");
            }
            return null;
        }
        if (!(v instanceof String s)) {
            errors.add(field + ": must be a string");
            return null;
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> i18n(Map<String, Object> raw, String field, List<String> errors) {
        Object v = raw.get(field);
        if (!(v instanceof Map<?, ?> m)) {
            errors.add(field + ": is required, a mapping with at least en and zh");
            return Map.of();
        }
        for (String lang : List.of("en", "zh")) {
            if (!(m.get(lang) instanceof String)) {
                errors.add(field + "." + lang + ": is required");
            }
        }
        return (Map<String, Object>) m;
    }

    private static List<String> strings(Object v, String field, List<String> errors) {
        if (!(v instanceof List<?> list) || list.isEmpty() || !list.stream().allMatch(String.class::isInstance)) {
            errors.add(field + ": must be a non-empty list of strings");
            return List.of();
        }
        return list.stream().map(String.class::cast).toList();
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
