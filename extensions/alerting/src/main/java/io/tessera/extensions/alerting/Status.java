package io.tessera.extensions.alerting;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/** Kubernetes {@code Status} failure documents, the platform's error shape. */
final class Status {

    private Status() {
    }

    static Response of(int code, String reason, String message) {
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

    static Response badRequest(String message) {
        return of(400, "BadRequest", message);
    }

    static Response unavailable(String message) {
        return of(503, "ServiceUnavailable", message);
    }
}
