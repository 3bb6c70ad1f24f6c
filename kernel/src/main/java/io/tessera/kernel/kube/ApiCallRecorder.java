package io.tessera.kernel.kube;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records which Kubernetes API calls the kernel's own client makes, as RBAC sees them
 * ({@code verb group resource}, e.g. {@code list coordination.k8s.io leases}), so that a test can
 * check that the Helm chart's ClusterRole allows every one of them. Off unless the system property
 * {@value #PROPERTY} names a directory; then each JVM appends its distinct calls to
 * {@code api-calls-<pid>.txt} there. Never used in production: it costs one set lookup per request.
 */
public final class ApiCallRecorder implements Interceptor {

    public static final String PROPERTY = "tessera.kube.recordCalls";

    private final Path file;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    private ApiCallRecorder(Path file) {
        this.file = file;
    }

    /** The recorder configured by {@value #PROPERTY}, or null when recording is off. */
    static ApiCallRecorder fromSystemProperty() {
        String dir = System.getProperty(PROPERTY);
        if (dir == null || dir.isBlank()) {
            return null;
        }
        try {
            Path d = Files.createDirectories(Path.of(dir));
            return new ApiCallRecorder(d.resolve("api-calls-" + ProcessHandle.current().pid() + ".txt"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + " for " + PROPERTY, e);
        }
    }

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        for (String call : calls(request.method(), request.uri(), request.header("Impersonate-User") != null,
                request.header("Impersonate-Group") != null)) {
            write(call);
        }
    }

    private void write(String call) {
        if (seen.add(call)) {
            try {
                Files.writeString(file, call + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot record an API call in " + file, e);
            }
        }
    }

    private static final java.util.Map<String, ApiCallRecorder> BY_DIRECTORY = new ConcurrentHashMap<>();

    /**
     * Records what the Kubernetes proxy's requests ask of the kernel's own identity, when
     * {@value #PROPERTY} is set: the impersonation their {@code Impersonate-*} headers carry. The
     * proxied verb and resource are not the kernel's: the API server checks them against the
     * impersonated user. (The proxy uses the JDK's HTTP client, not fabric8's, so the interceptor
     * does not see these requests.)
     */
    public static void recordImpersonation(List<java.util.Map.Entry<String, String>> headers) {
        String dir = System.getProperty(PROPERTY);
        if (dir == null || dir.isBlank()) {
            return;
        }
        ApiCallRecorder recorder = BY_DIRECTORY.computeIfAbsent(dir, d -> fromSystemProperty());
        impersonations(headers).forEach(recorder::write);
    }

    /**
     * As the API server's impersonation filter authorizes them: {@code users} (or
     * {@code serviceaccounts} for {@code system:serviceaccount:} names) and {@code groups} in the
     * core group, {@code userextras/<key>} and {@code uids} in {@code authentication.k8s.io}.
     */
    static List<String> impersonations(List<java.util.Map.Entry<String, String>> headers) {
        List<String> out = new java.util.ArrayList<>();
        for (var h : headers) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("impersonate-user")) {
                out.add(h.getValue().startsWith("system:serviceaccount:") ? "impersonate core serviceaccounts" : "impersonate core users");
            } else if (name.equals("impersonate-group")) {
                out.add("impersonate core groups");
            } else if (name.equals("impersonate-uid")) {
                out.add("impersonate authentication.k8s.io uids");
            } else if (name.startsWith("impersonate-extra-")) {
                out.add("impersonate authentication.k8s.io userextras/" + java.net.URLDecoder.decode(
                        h.getKey().substring("impersonate-extra-".length()), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /**
     * The RBAC attributes of one request: {@code verb group resource[/subresource]}, or
     * {@code verb nonResourceURL path} for paths outside /api and /apis; plus {@code impersonate}
     * entries when the request impersonates.
     */
    static List<String> calls(String method, URI uri, boolean impersonatesUser, boolean impersonatesGroup) {
        String path = uri.getRawPath();
        String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
        String[] p = path.replaceAll("^/+|/+$", "").split("/");
        String group;
        int rest;
        if (p.length >= 2 && p[0].equals("api")) {
            group = "";
            rest = 2;
        } else if (p.length >= 3 && p[0].equals("apis")) {
            group = p[1];
            rest = 3;
        } else {
            return List.of(method.toLowerCase(Locale.ROOT) + " nonResourceURL " + path);
        }
        // [namespaces/{ns}/]{resource}[/{name}[/{subresource}]]; "namespaces/{ns}" alone is the namespace itself
        int remaining = p.length - rest;
        String resource;
        boolean named;
        String sub = null;
        // as the API server's RequestInfo: namespaces/{ns}/status and /finalize are the namespace's own subresources
        if (remaining >= 3 && p[rest].equals("namespaces") && !Set.of("status", "finalize").contains(p[rest + 2])) {
            resource = p[rest + 2];
            named = remaining >= 4;
            sub = remaining >= 5 ? p[rest + 4] : null;
        } else if (remaining >= 1) {
            resource = p[rest];
            named = remaining >= 2;
            sub = remaining >= 3 ? p[rest + 2] : null;
        } else {
            // discovery of a group version
            return List.of(method.toLowerCase(Locale.ROOT) + " nonResourceURL " + path);
        }
        boolean watch = query.matches("(^|.*&)watch=(true|1)(&.*|$)");
        String verb = switch (method.toUpperCase(Locale.ROOT)) {
            case "GET" -> watch ? "watch" : named ? "get" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> method.toLowerCase(Locale.ROOT);
        };
        String target = sub == null ? resource : resource + "/" + sub;
        List<String> out = new java.util.ArrayList<>();
        out.add(verb + " " + (group.isEmpty() ? "core" : group) + " " + target);
        if (impersonatesUser) {
            out.add("impersonate core users");
        }
        if (impersonatesGroup) {
            out.add("impersonate core groups");
        }
        return out;
    }
}
