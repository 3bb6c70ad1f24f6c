package io.tessera.kernel.http;

import io.tessera.kernel.health.HealthEndpoints;
import io.tessera.kernel.health.VersionEndpoint;
import io.tessera.kernel.metrics.HttpMetrics;
import io.tessera.kernel.routing.RequestInfo;
import io.tessera.kernel.routing.RouteTable;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The end of the chain, in KubeSphere's order: {@code /dist} → {@code /proxy} → {@code /kapis}
 * → Kubernetes API ({@code /api}, {@code /apis}), then the kernel's own endpoints and mounted
 * prefixes. Mounted JAX-RS applications run in the wrapped servlet context.
 */
final class Router extends Handler.Wrapper {

    private final RouteTable table;
    private final HealthEndpoints health;
    private final VersionEndpoint version;
    private final HttpMetrics metrics;

    Router(Handler applications, RouteTable table, HealthEndpoints health, VersionEndpoint version, HttpMetrics metrics) {
        super(applications);
        this.table = table;
        this.health = health;
        this.version = version;
        this.metrics = metrics;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        RequestInfo info = Attributes.info(request);
        String path = info.path();
        boolean read = HttpMethod.GET.is(request.getMethod()) || HttpMethod.HEAD.is(request.getMethod());
        switch (path) {
            case "/healthz", "/livez", "/readyz", "/version", "/kapis/version", "/metrics" -> {
                request.setAttribute(Attributes.ROUTE, path.substring(1));
                if (!read) {
                    new Status(405, "MethodNotAllowed", request.getMethod() + " is not allowed on " + path)
                            .write(response, callback);
                    return true;
                }
                switch (path) {
                    case "/readyz" -> health.ready(hasParameter(request, "verbose"), response, callback);
                    case "/version", "/kapis/version" -> version.write(response, callback);
                    case "/metrics" -> metrics.write(response, callback);
                    default -> health.live(response, callback);
                }
                return true;
            }
            default -> {
            }
        }
        if (under(path, "/dist") && table.mountFor(path) == null) {
            return notServed(request, response, callback, "dist", "no extension serves " + path);
        }
        if (under(path, "/proxy") && table.mountFor(path) == null) {
            return notServed(request, response, callback, "proxy", "no extension proxy serves " + path);
        }
        if (info.kubernetesRequest() || under(path, "/api") || under(path, "/apis")) {
            // The Kubernetes API proxy (with impersonation) is not part of this kernel yet.
            return notServed(request, response, callback, "kubernetes",
                    "the Kubernetes API is not proxied by this server yet: " + path);
        }
        String mount = table.mountFor(path);
        if (mount == null) {
            return notServed(request, response, callback, under(path, "/kapis") ? "kapis" : "unmatched",
                    under(path, "/kapis") ? "no API is served at " + path : "the server could not find the requested resource");
        }
        request.setAttribute(Attributes.ROUTE, mount.equals(RouteTable.ROOT) ? "root" : mount.substring(1));
        return super.handle(request, response, callback);
    }

    private static boolean notServed(Request request, Response response, Callback callback, String route, String message) {
        request.setAttribute(Attributes.ROUTE, route);
        Status.notFound(message).write(response, callback);
        return true;
    }

    private static boolean under(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }

    private static boolean hasParameter(Request request, String name) {
        String query = request.getHttpURI().getQuery();
        if (query == null) {
            return false;
        }
        for (String pair : query.split("&")) {
            if (pair.equals(name) || pair.startsWith(name + "=")) {
                return true;
            }
        }
        return false;
    }
}
