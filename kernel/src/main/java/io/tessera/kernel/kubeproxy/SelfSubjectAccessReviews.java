package io.tessera.kernel.kubeproxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.kernel.http.Status;
import io.tessera.kernel.routing.RequestInfo;
import io.tessera.kernel.security.Authorizer;
import io.tessera.kernel.security.UserInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews} ({@code kubectl auth can-i})
 * answered by the platform's RBAC for the caller. Forwarding it would ask the API server about the
 * impersonated user under the cluster's own RBAC (and the embedded cluster has none), which is not
 * what decides the caller's access through this proxy.
 */
final class SelfSubjectAccessReviews {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SelfSubjectAccessReviews() {
    }

    static boolean handles(String method, RequestInfo info) {
        return "POST".equals(method) && info.resourceRequest() && "authorization.k8s.io".equals(info.apiGroup())
                && "selfsubjectaccessreviews".equals(info.resource()) && info.name().isEmpty();
    }

    @SuppressWarnings("unchecked")
    static void answer(Request request, Response response, Callback callback, UserInfo user, Authorizer authorizer) {
        Map<String, Object> review;
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] bytes = in.readNBytes(KubeProxy.MAX_BODY + 1);
            if (bytes.length > KubeProxy.MAX_BODY) {
                new Status(413, "RequestEntityTooLarge", "the request body is too large").write(response, callback);
                return;
            }
            review = JSON.readValue(bytes, Map.class);
        } catch (IOException e) {
            new Status(400, "BadRequest", "the body must be a SelfSubjectAccessReview: " + firstLine(e.getMessage()))
                    .write(response, callback);
            return;
        }
        Object spec = review == null ? null : review.get("spec");
        if (!(spec instanceof Map<?, ?> s)) {
            invalid(response, callback, "spec: Required value");
            return;
        }
        Map<String, Object> ra = s.get("resourceAttributes") instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
        Map<String, Object> nra = s.get("nonResourceAttributes") instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
        if ((ra == null) == (nra == null)) {
            invalid(response, callback, "spec: Invalid value: exactly one of nonResourceAttributes and resourceAttributes must be specified");
            return;
        }
        RequestInfo asked = ra != null ? resource(ra) : nonResource(nra);
        Authorizer.Decision decision;
        try {
            decision = authorizer.authorize(user, asked);
        } catch (RuntimeException e) {
            decision = Authorizer.Decision.deny("the authorizer failed");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("kind", "SelfSubjectAccessReview");
        out.put("apiVersion", review.getOrDefault("apiVersion", "authorization.k8s.io/v1"));
        out.put("metadata", Map.of());
        out.put("spec", spec);
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("allowed", decision.allowed());
        // a denial carries no reason, as Kubernetes' RBAC: kubectl then prints a plain "no"
        if (decision.allowed() && decision.reason() != null && !decision.reason().isEmpty()) {
            status.put("reason", decision.reason());
        }
        out.put("status", status);
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(out);
        } catch (IOException e) {
            new Status(500, "InternalError", "internal error").write(response, callback);
            return;
        }
        response.setStatus(201);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    private static RequestInfo resource(Map<String, Object> ra) {
        String group = str(ra, "group");
        String version = str(ra, "version");
        String ns = str(ra, "namespace");
        String resource = str(ra, "resource");
        String name = str(ra, "name");
        List<String> parts = new ArrayList<>();
        parts.add(resource);
        if (!name.isEmpty()) {
            parts.add(name);
        }
        String prefix = group.isEmpty() ? "/api/" + (version.isEmpty() ? "v1" : version)
                : "/apis/" + group + "/" + (version.isEmpty() ? "v1" : version);
        String path = prefix + (ns.isEmpty() ? "" : "/namespaces/" + ns) + "/" + resource + (name.isEmpty() ? "" : "/" + name);
        return new RequestInfo(path, str(ra, "verb"), true, true, group.isEmpty() ? "api" : "apis", group, version, "", "", ns,
                resource, str(ra, "subresource"), name, parts,
                ns.isEmpty() ? RequestInfo.Scope.CLUSTER : RequestInfo.Scope.NAMESPACE);
    }

    private static RequestInfo nonResource(Map<String, Object> nra) {
        String verb = str(nra, "verb");
        return new RequestInfo(str(nra, "path"), verb, false, false, "", "", "", "", "", "", "", "", "", List.of(),
                RequestInfo.Scope.CLUSTER);
    }

    private static String str(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v == null ? "" : v.toString();
    }

    private static void invalid(Response response, Callback callback, String message) {
        new Status(422, "Invalid", "SelfSubjectAccessReview.authorization.k8s.io is invalid: " + message).write(response, callback);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
