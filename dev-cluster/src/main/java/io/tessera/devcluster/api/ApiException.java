package io.tessera.devcluster.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A failed request, carried to the wire as a Kubernetes {@code Status}. */
public final class ApiException extends RuntimeException {

    private final int code;
    private final String reason;
    private final ObjectNode details;

    public ApiException(int code, String reason, String message) {
        this(code, reason, message, null);
    }

    public ApiException(int code, String reason, String message, ObjectNode details) {
        super(message);
        this.code = code;
        this.reason = reason;
        this.details = details;
    }

    public int code() {
        return code;
    }

    public static ApiException notFound(ResourceType t, String name) {
        return new ApiException(404, "NotFound", t.plural() + (t.group().isEmpty() ? "" : "." + t.group()) + " \"" + name + "\" not found",
                details(t, name));
    }

    public static ApiException conflict(ResourceType t, String name, String why) {
        return new ApiException(409, "Conflict", "Operation cannot be fulfilled on " + t.key() + " \"" + name + "\": " + why,
                details(t, name));
    }

    public static ApiException alreadyExists(ResourceType t, String name) {
        return new ApiException(409, "AlreadyExists", t.key() + " \"" + name + "\" already exists", details(t, name));
    }

    public static ApiException invalid(ResourceType t, String name, String why) {
        return new ApiException(422, "Invalid", t.kind() + " \"" + name + "\" is invalid: " + why, details(t, name));
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "BadRequest", message);
    }

    static ObjectNode details(ResourceType t, String name) {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.put("name", name);
        d.put("group", t.group());
        d.put("kind", t.plural());
        return d;
    }

    public ObjectNode toStatus() {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.put("kind", "Status");
        s.put("apiVersion", "v1");
        s.putObject("metadata");
        s.put("status", "Failure");
        s.put("message", getMessage());
        s.put("reason", reason);
        if (details != null) {
            s.set("details", details);
        }
        s.put("code", code);
        return s;
    }
}
