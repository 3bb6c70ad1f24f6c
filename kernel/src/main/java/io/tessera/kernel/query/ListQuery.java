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
 * case-insensitive substring of the alias annotation), {@code names}, {@code labelSelector}.
 * Shared by every kapis list handler.
 */
public record ListQuery(int page, int limit, String sortBy, boolean ascending, String name, Set<String> names,
                        String labelSelector) {

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
        return new ListQuery(page, limit, sortBy, ascending, name, names, str(params, "labelSelector", ""));
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
            out.add(item);
        }
        return out;
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
