package io.tessera.kernel.extensions;

import io.tessera.kernel.security.UserInfo;
import io.tessera.kernel.spi.RequestAttributes;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards one request to an out-of-process extension (APIService, ReverseProxy) with the
 * authenticating-proxy headers {@code X-Remote-User}/{@code X-Remote-Group}. The caller's own
 * credentials are never forwarded: the kernel has authenticated and authorized the request.
 */
final class Forwarder {

    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    private static final Set<String> HOP = Set.of("connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
            "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length", "authorization", "cookie",
            "x-remote-user", "x-remote-group", "expect");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private Forwarder() {
    }

    /** The target URL of an Endpoint ({@code url}, else {@code https://{name}.{namespace}.svc:{port}{path}}). */
    static String endpoint(Map<?, ?> spec) {
        if (spec.get("url") instanceof String url && !url.isBlank()) {
            return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        }
        if (spec.get("service") instanceof Map<?, ?> svc && svc.get("name") != null && svc.get("namespace") != null) {
            Object port = svc.get("port") == null ? 443 : svc.get("port");
            String path = svc.get("path") instanceof String p ? p : "";
            return "https://" + svc.get("name") + "." + svc.get("namespace") + ".svc:" + port + path;
        }
        return null;
    }

    /**
     * @param headerUp ReverseProxy header directives: {@code -Name} delete, {@code +Name v} add, {@code Name v} set
     */
    static Response forward(HttpServletRequest in, String target, byte[] body, List<String> headerUp, boolean authProxy) {
        HttpRequest.Builder out = HttpRequest.newBuilder(URI.create(target)).timeout(Duration.ofSeconds(60));
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(in.getHeaderNames())) {
            if (!HOP.contains(name.toLowerCase())) {
                headers.put(name, Collections.list(in.getHeaders(name)));
            }
        }
        for (String d : headerUp) {
            String t = d.strip();
            if (t.startsWith("-")) {
                String n = t.substring(1);
                headers.keySet().removeIf(k -> k.equalsIgnoreCase(n));
            } else {
                boolean add = t.startsWith("+");
                String[] kv = (add ? t.substring(1) : t).split("\\s+", 2);
                String v = kv.length > 1 ? kv[1].replaceAll("^\"|\"$", "") : "";
                if (!add) {
                    headers.keySet().removeIf(k -> k.equalsIgnoreCase(kv[0]));
                }
                headers.computeIfAbsent(kv[0], k -> new java.util.ArrayList<>()).add(v);
            }
        }
        headers.forEach((k, vs) -> vs.forEach(v -> out.header(k, v)));
        if (authProxy && in.getAttribute(RequestAttributes.USER) instanceof UserInfo u) {
            out.header("X-Remote-User", u.name());
            for (String g : u.groups()) {
                out.header("X-Remote-Group", g);
            }
        }
        out.method(in.getMethod(), body == null || body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            HttpResponse<byte[]> r = HTTP.send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
            Response.ResponseBuilder b = Response.status(r.statusCode()).entity(r.body());
            r.headers().map().forEach((k, vs) -> {
                if (!HOP.contains(k.toLowerCase()) && !k.startsWith(":")) {
                    vs.forEach(v -> b.header(k, v));
                }
            });
            return b.build();
        } catch (java.io.IOException e) {
            LOG.warn("event=extensions.proxy.failed target={} error=\"{}\"", target, e.toString());
            return status(502, "BadGateway", "the extension's backend " + URI.create(target).getAuthority()
                    + " did not answer: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return status(503, "ServiceUnavailable", "interrupted");
        }
    }

    static Response status(int code, String reason, String message) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("kind", "Status");
        s.put("apiVersion", "v1");
        s.put("metadata", Map.of());
        s.put("status", "Failure");
        s.put("message", message);
        s.put("reason", reason);
        s.put("code", code);
        return Response.status(code).type(MediaType.APPLICATION_JSON).entity(s).build();
    }
}
