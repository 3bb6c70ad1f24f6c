package io.tessera.kernel.routing;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Parses a request into a {@link RequestInfo} the way KubeSphere's {@code requestinfo.go} does
 * (reference §2.2), so that an authorizer written against KubeSphere's rules sees the same verb,
 * resource, workspace, namespace and scope.
 */
public final class RequestInfoResolver {

    private static final Set<String> API_PREFIXES = Set.of("api", "apis", "kapis", "kapi");
    private static final Set<String> GROUPLESS_PREFIXES = Set.of("api", "kapi");
    private static final Set<String> KUBERNETES_PREFIXES = Set.of("api", "apis");
    private static final Set<String> SPECIAL_VERBS = Set.of("proxy", "watch");
    /** A proxy's trailing path is not a subresource. */
    private static final Set<String> SPECIAL_VERBS_NO_SUBRESOURCES = Set.of("proxy");
    private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");
    private static final String WORKSPACE_SELECTOR_PREFIX = "kubesphere.io/workspace=";

    /** (group, resource) pairs that KubeSphere checks at global scope. */
    private static final Set<String> GLOBAL_RESOURCES = Set.of(
            "iam.kubesphere.io/users",
            "iam.kubesphere.io/globalroles",
            "iam.kubesphere.io/globalrolebindings",
            "tenant.kubesphere.io/workspaces",
            "tenant.kubesphere.io/clusters",
            "cluster.kubesphere.io/clusters",
            "cluster.kubesphere.io/labels",
            "resources.kubesphere.io/clusters",
            "resources.kubesphere.io/labels");

    private RequestInfoResolver() {
    }

    /**
     * @param method the HTTP method
     * @param path the decoded request path, starting with {@code /}
     * @param rawQuery the raw (encoded) query string, or null
     */
    public static RequestInfo resolve(String method, String path, String rawQuery) {
        Builder info = new Builder();
        info.path = path == null || path.isEmpty() ? "/" : path;
        info.verb = method.toLowerCase(Locale.ROOT);

        List<String> parts = splitPath(info.path);
        if (parts.size() < 3) {
            return info.build();
        }

        // URL form /clusters/{cluster}/...
        if (parts.get(0).equals("clusters")) {
            info.cluster = parts.get(1);
            info.path = stripSegmentPair(info.path, "clusters", info.cluster);
            parts = parts.subList(2, parts.size());
        }

        if (parts.isEmpty() || !API_PREFIXES.contains(parts.get(0))) {
            return info.build();
        }
        info.apiPrefix = parts.get(0);
        info.kubernetesRequest = KUBERNETES_PREFIXES.contains(info.apiPrefix);
        parts = parts.subList(1, parts.size());

        // legacy URL form /kapis/clusters/{cluster}/...
        if (info.cluster.isEmpty() && parts.size() >= 2 && parts.get(0).equals("clusters")) {
            info.cluster = parts.get(1);
            info.path = stripSegmentPair(info.path, "clusters", info.cluster);
            parts = parts.subList(2, parts.size());
        }

        if (!GROUPLESS_PREFIXES.contains(info.apiPrefix)) {
            // the group, the version and at least one more segment
            if (parts.size() < 3) {
                return info.build();
            }
            info.apiGroup = parts.get(0);
            parts = parts.subList(1, parts.size());
        }
        if (parts.size() < 2) {
            // "/api/v1" and the like: discovery, not a resource
            return info.build();
        }
        info.resourceRequest = true;
        info.apiVersion = parts.get(0);
        parts = parts.subList(1, parts.size());

        if (SPECIAL_VERBS.contains(parts.get(0))) {
            if (parts.size() < 2) {
                // "/api/v1/watch" names no resource: KubeSphere refuses it; we treat it as non-resource
                info.resourceRequest = false;
                return info.build();
            }
            info.verb = parts.get(0);
            parts = parts.subList(1, parts.size());
        } else {
            info.verb = switch (method.toUpperCase(Locale.ROOT)) {
                case "POST" -> "create";
                case "GET", "HEAD" -> "get";
                case "PUT" -> "update";
                case "PATCH" -> "patch";
                case "DELETE" -> "delete";
                default -> "";
            };
        }

        // URL form /workspaces/{workspace}/...: consumed only when something follows
        if (parts.get(0).equals("workspaces") || parts.get(0).equals("workspacetemplates")) {
            if (parts.size() > 1) {
                info.workspace = parts.get(1);
            }
            if (parts.size() > 2) {
                parts = parts.subList(2, parts.size());
            }
        }

        // URL form /namespaces/{namespace}/{resource}/...
        if (parts.get(0).equals("namespaces") && parts.size() > 1) {
            info.namespace = parts.get(1);
            if (parts.size() > 2 && !NAMESPACE_SUBRESOURCES.contains(parts.get(2))) {
                parts = parts.subList(2, parts.size());
            }
        }

        info.parts = parts;
        if (parts.size() >= 3 && !SPECIAL_VERBS_NO_SUBRESOURCES.contains(info.verb)) {
            info.subresource = parts.get(2);
        }
        if (parts.size() >= 2) {
            info.name = parts.get(1);
        }
        info.resource = parts.get(0);

        Query query = Query.parse(rawQuery);
        if (info.name.isEmpty() && info.verb.equals("get")) {
            info.verb = query.flag("watch") ? "watch" : "list";
            String byName = query.fieldSelectorName();
            if (byName != null && validPathSegment(byName)) {
                info.name = byName;
            }
        }
        if (info.name.isEmpty() && info.verb.equals("delete")) {
            info.verb = "deletecollection";
        }
        boolean workspaceWatch = false;
        if (info.verb.equals("watch")) {
            String selector = query.first("labelSelector");
            if (selector != null && selector.startsWith(WORKSPACE_SELECTOR_PREFIX)) {
                info.workspace = selector.substring(WORKSPACE_SELECTOR_PREFIX.length());
                workspaceWatch = true;
            }
        }
        info.scope = resolveScope(info, workspaceWatch);
        return info.build();
    }

    private static RequestInfo.Scope resolveScope(Builder info, boolean workspaceWatch) {
        if (workspaceWatch) {
            return RequestInfo.Scope.WORKSPACE;
        }
        if (GLOBAL_RESOURCES.contains(info.apiGroup + "/" + info.resource) && info.workspace.isEmpty()) {
            return RequestInfo.Scope.GLOBAL;
        }
        if (!info.namespace.isEmpty()) {
            return RequestInfo.Scope.NAMESPACE;
        }
        if (!info.workspace.isEmpty()) {
            return RequestInfo.Scope.WORKSPACE;
        }
        return RequestInfo.Scope.CLUSTER;
    }

    /** Removes the first "/{a}/{b}" from the path, keeping everything before and after it. */
    private static String stripSegmentPair(String path, String a, String b) {
        String needle = "/" + a + "/" + b;
        int at = path.indexOf(needle);
        String stripped = path.substring(0, at) + path.substring(at + needle.length());
        return stripped.isEmpty() ? "/" : stripped;
    }

    static List<String> splitPath(String path) {
        String trimmed = path;
        while (trimmed.startsWith("/")) {
            trimmed = trimmed.substring(1);
        }
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        if (trimmed.isEmpty()) {
            return List.of();
        }
        return Arrays.asList(trimmed.split("/"));
    }

    private static boolean validPathSegment(String name) {
        return !name.equals(".") && !name.equals("..") && !name.contains("/") && !name.contains("%");
    }

    private record Query(List<String[]> pairs) {
        static Query parse(String raw) {
            List<String[]> pairs = new ArrayList<>();
            if (raw != null && !raw.isEmpty()) {
                for (String pair : raw.split("&")) {
                    int eq = pair.indexOf('=');
                    String key = eq < 0 ? pair : pair.substring(0, eq);
                    String value = eq < 0 ? "" : pair.substring(eq + 1);
                    pairs.add(new String[] {decode(key), decode(value)});
                }
            }
            return new Query(pairs);
        }

        private static String decode(String s) {
            try {
                return URLDecoder.decode(s, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return s;
            }
        }

        String first(String key) {
            for (String[] pair : pairs) {
                if (pair[0].equals(key)) {
                    return pair[1];
                }
            }
            return null;
        }

        /** Kubernetes' boolean parameter parsing (strconv.ParseBool). */
        boolean flag(String key) {
            String value = first(key);
            return value != null && Set.of("1", "t", "T", "true", "TRUE", "True").contains(value);
        }

        /** The name required by {@code fieldSelector=metadata.name=X} (or {@code ==}), if any. */
        String fieldSelectorName() {
            String selector = first("fieldSelector");
            if (selector == null) {
                return null;
            }
            for (String term : selector.split(",")) {
                String t = term.trim();
                for (String op : new String[] {"==", "="}) {
                    String prefix = "metadata.name" + op;
                    if (t.startsWith(prefix) && !t.startsWith("metadata.name!=")) {
                        return t.substring(prefix.length());
                    }
                }
            }
            return null;
        }
    }

    private static final class Builder {
        String path;
        String verb;
        boolean resourceRequest;
        boolean kubernetesRequest;
        String apiPrefix = "";
        String apiGroup = "";
        String apiVersion = "";
        String cluster = "";
        String workspace = "";
        String namespace = "";
        String resource = "";
        String subresource = "";
        String name = "";
        List<String> parts = List.of();
        RequestInfo.Scope scope = RequestInfo.Scope.CLUSTER;

        RequestInfo build() {
            if (!resourceRequest) {
                // KubeSphere marks short /api, /apis paths (discovery) as Kubernetes requests too
                List<String> p = splitPath(path);
                if (!p.isEmpty() && p.size() < 3 && KUBERNETES_PREFIXES.contains(p.get(0))) {
                    kubernetesRequest = true;
                }
            }
            return new RequestInfo(path, verb, resourceRequest, kubernetesRequest, apiPrefix, apiGroup,
                    apiVersion, cluster, workspace, namespace, resource, subresource, name, parts, scope);
        }
    }
}
