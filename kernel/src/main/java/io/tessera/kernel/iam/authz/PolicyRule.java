package io.tessera.kernel.iam.authz;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** A Kubernetes PolicyRule, compiled once for fast matching (reference §2.3, Kubernetes semantics). */
public record PolicyRule(Set<String> verbs, Set<String> apiGroups, Set<String> resources, Set<String> resourceNames,
                         List<String> nonResourceUrls) {

    @SuppressWarnings("unchecked")
    public static PolicyRule from(Object raw) {
        Map<String, Object> m = raw instanceof Map<?, ?> x ? (Map<String, Object>) x : Map.of();
        return new PolicyRule(set(m.get("verbs")), set(m.get("apiGroups")), set(m.get("resources")), set(m.get("resourceNames")),
                List.copyOf(set(m.get("nonResourceURLs"))));
    }

    private static Set<String> set(Object o) {
        if (o instanceof List<?> l) {
            // interned: the same few verbs, groups and resources recur in every one of thousands of roles
            return Set.copyOf(l.stream().map(x -> String.valueOf(x).intern()).toList());
        }
        return Set.of();
    }

    public boolean matchesResource(AccessRequest r) {
        if (!has(verbs, r.verb()) || !has(apiGroups, r.apiGroup())) {
            return false;
        }
        if (!matchesResourceName(r)) {
            return false;
        }
        return resourceNames.isEmpty() || resourceNames.contains(r.name());
    }

    private boolean matchesResourceName(AccessRequest r) {
        if (resources.contains("*")) {
            return true;
        }
        if (r.subresource().isEmpty()) {
            return resources.contains(r.resource());
        }
        String combined = r.resource() + "/" + r.subresource();
        return resources.contains(combined) || resources.contains("*/" + r.subresource());
    }

    public boolean matchesNonResource(String verb, String path) {
        if (!has(verbs, verb) && !has(verbs, verb.toUpperCase(java.util.Locale.ROOT))
                && !has(verbs, verb.toLowerCase(java.util.Locale.ROOT))) {
            return false;
        }
        for (String url : nonResourceUrls) {
            if (url.equals("*") || url.equals(path) || (url.endsWith("*") && path.startsWith(url.substring(0, url.length() - 1)))) {
                return true;
            }
        }
        return false;
    }

    private static boolean has(Set<String> set, String value) {
        return set.contains("*") || set.contains(value);
    }
}
