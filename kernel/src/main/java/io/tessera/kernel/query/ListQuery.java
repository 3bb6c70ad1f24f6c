package io.tessera.kernel.query;

import io.fabric8.kubernetes.api.model.HasMetadata;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * KubeSphere's list parameters (reference §5.1): {@code page} (1-based), {@code limit} (-1 = all),
 * {@code sortBy} ({@code name} | {@code creationTimestamp}/{@code createTime}, ties by name),
 * {@code ascending} (default false: newest first / Z→A), {@code name} (substring of the name, or
 * case-insensitive substring of the alias annotation), {@code names}, {@code labelSelector},
 * {@code fieldSelector} (comma list of {@code path=value}, {@code path==value}, {@code path!=value}
 * over the object's JSON, dotted paths such as {@code spec.manager}; a value starting with
 * {@code ~} compares case-insensitively), {@code label} and {@code annotation} ({@code key},
 * {@code key=value}, {@code key!=value}; repeatable). Shared by every kapis list handler.
 */
public record ListQuery(int page, int limit, String sortBy, boolean ascending, String name, Set<String> names,
                        String labelSelector, List<FieldRequirement> fieldSelector, List<FieldRequirement> labels,
                        List<FieldRequirement> annotations) {

    /** One {@code key op value} requirement; op is {@code =}, {@code !=} or {@code exists}. */
    public record FieldRequirement(String key, String op, String value) {

        boolean matches(String actual) {
            return switch (op) {
                case "exists" -> actual != null;
                case "!=" -> actual == null || !equal(actual);
                default -> actual != null && equal(actual);
            };
        }

        private boolean equal(String actual) {
            return value.startsWith("~") ? actual.equalsIgnoreCase(value.substring(1)) : actual.equals(value);
        }

        static FieldRequirement parse(String s, boolean keyOnlyAllowed, String param) {
            int ne = s.indexOf("!=");
            if (ne > 0) {
                return new FieldRequirement(s.substring(0, ne).trim(), "!=", s.substring(ne + 2).trim());
            }
            int eq = s.indexOf('=');
            if (eq > 0) {
                String v = s.substring(eq + 1);
                if (v.startsWith("=")) {
                    v = v.substring(1);
                }
                return new FieldRequirement(s.substring(0, eq).trim(), "=", v.trim());
            }
            if (keyOnlyAllowed && !s.isBlank()) {
                return new FieldRequirement(s.trim(), "exists", "");
            }
            throw new IllegalArgumentException(param + " \"" + s + "\" must be key=value or key!=value");
        }
    }

    public static final String ALIAS_ANNOTATION = "kubesphere.io/alias-name";

    /** @throws IllegalArgumentException with a message for a 400 when a parameter is malformed */
    public static ListQuery from(MultivaluedMap<String, String> params) {
        int page = intParam(params, "page", 1);
        int limit = intParam(params, "limit", -1);
        if (page < 1) {
            throw new IllegalArgumentException("page must be 1 or more");
        }
        String sortBy = str(params, "sortBy", "creationTimestamp");
        boolean ascending = Boolean.parseBoolean(str(params, "ascending", "false"));
        String name = str(params, "name", str(params, "nameAndAlias", ""));
        String namesParam = str(params, "names", "");
        Set<String> names = namesParam.isEmpty() ? Set.of()
                : Arrays.stream(namesParam.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
        List<FieldRequirement> fields = new ArrayList<>();
        for (String part : str(params, "fieldSelector", "").split(",")) {
            if (!part.isBlank()) {
                fields.add(FieldRequirement.parse(part, false, "fieldSelector"));
            }
        }
        String selector = str(params, "labelSelector", "");
        LabelSelector.parse(selector); // a malformed selector is the caller's 400, not a 500 later
        return new ListQuery(page, limit, sortBy, ascending, name, names, selector, List.copyOf(fields),
                requirements(params, "label"), requirements(params, "annotation"));
    }

    private static List<FieldRequirement> requirements(MultivaluedMap<String, String> params, String key) {
        List<String> values = params == null ? null : params.get(key);
        if (values == null) {
            return List.of();
        }
        List<FieldRequirement> out = new ArrayList<>();
        for (String v : values) {
            if (!v.isBlank()) {
                out.add(FieldRequirement.parse(v, true, key));
            }
        }
        return List.copyOf(out);
    }

    public <T extends HasMetadata> List<T> filter(List<T> items) {
        LabelSelector selector = LabelSelector.parse(labelSelector);
        List<T> out = new ArrayList<>();
        for (T item : items) {
            String n = item.getMetadata().getName();
            if (!names.isEmpty() && !names.contains(n)) {
                continue;
            }
            if (!name.isEmpty() && !n.contains(name) && !aliasContains(item)) {
                continue;
            }
            if (!selector.matches(item.getMetadata().getLabels())) {
                continue;
            }
            if (!matchAll(labels, item.getMetadata().getLabels()) || !matchAll(annotations, item.getMetadata().getAnnotations())) {
                continue;
            }
            if (!fieldSelector.isEmpty() && !fieldsMatch(item)) {
                continue;
            }
            out.add(item);
        }
        return out;
    }

    private static boolean matchAll(List<FieldRequirement> reqs, Map<String, String> values) {
        for (FieldRequirement r : reqs) {
            if (!r.matches(values == null ? null : values.get(r.key()))) {
                return false;
            }
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    private boolean fieldsMatch(HasMetadata item) {
        Map<String, Object> json = io.fabric8.kubernetes.client.utils.Serialization.jsonMapper().convertValue(item, Map.class);
        for (FieldRequirement r : fieldSelector) {
            Object v = json;
            String path = r.key().startsWith("$.") ? r.key().substring(2) : r.key().startsWith(".") ? r.key().substring(1) : r.key();
            for (String p : path.split("\\.")) {
                v = v instanceof Map<?, ?> m ? m.get(p) : null;
            }
            if (!r.matches(v == null || v instanceof Map || v instanceof List ? null : String.valueOf(v))) {
                return false;
            }
        }
        return true;
    }

    private boolean aliasContains(HasMetadata item) {
        Map<String, String> a = item.getMetadata().getAnnotations();
        String alias = a == null ? null : a.get(ALIAS_ANNOTATION);
        return alias != null && alias.toLowerCase(Locale.ROOT).contains(name.toLowerCase(Locale.ROOT));
    }

    public <T extends HasMetadata> List<T> sort(List<T> items) {
        Comparator<T> byName = Comparator.comparing(i -> i.getMetadata().getName());
        Comparator<T> c = switch (sortBy) {
            case "name" -> byName;
            default -> Comparator.<T, String>comparing(i -> {
                String ts = i.getMetadata().getCreationTimestamp();
                return ts == null ? "" : ts;
            }).thenComparing(byName);
        };
        List<T> sorted = new ArrayList<>(items);
        sorted.sort(ascending ? c : c.reversed());
        return sorted;
    }

    public <T> List<T> page(List<T> items) {
        if (limit < 0) {
            return items;
        }
        long offset = (long) (page - 1) * limit;
        if (offset >= items.size()) {
            return List.of();
        }
        return items.subList((int) offset, (int) Math.min(items.size(), offset + limit));
    }

    /** Filter, sort, page and shape as KubeSphere's ListResult {@code {items, totalItems}}. */
    public <T extends HasMetadata> Map<String, Object> apply(List<T> items, Function<T, Object> view) {
        List<T> matched = sort(filter(items));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("items", page(matched).stream().map(view).toList());
        result.put("totalItems", matched.size());
        return result;
    }

    private static int intParam(MultivaluedMap<String, String> p, String key, int def) {
        String v = str(p, key, "");
        if (v.isEmpty()) {
            return def;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer");
        }
    }

    private static String str(MultivaluedMap<String, String> p, String key, String def) {
        String v = p == null ? null : p.getFirst(key);
        return v == null ? def : v;
    }
}
