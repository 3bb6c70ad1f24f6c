package io.tessera.kernel.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * A Kubernetes {@code Status} object (apiVersion v1): the one error body of the request chain,
 * as ks-apiserver's filters answer. Never carries a stack trace.
 */
public record Status(int code, String reason, String message) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static Status unauthorized(String message) {
        return new Status(401, "Unauthorized", message);
    }

    public static Status forbidden(String message) {
        return new Status(403, "Forbidden", message);
    }

    public static Status notFound(String message) {
        return new Status(404, "NotFound", message);
    }

    public static Status badRequest(String message) {
        return new Status(400, "BadRequest", message);
    }

    public static Status serviceUnavailable(String message) {
        return new Status(503, "ServiceUnavailable", message);
    }

    public static Status internalError(String message) {
        return new Status(500, "InternalError", message);
    }

    /** Kubernetes' reason for a status code, for errors that carry only a code. */
    public static String reasonFor(int code) {
        return switch (code) {
            case 400 -> "BadRequest";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "NotFound";
            case 405 -> "MethodNotAllowed";
            case 406 -> "NotAcceptable";
            case 409 -> "Conflict";
            case 410 -> "Gone";
            case 413 -> "RequestEntityTooLarge";
            case 415 -> "UnsupportedMediaType";
            case 422 -> "Invalid";
            case 429 -> "TooManyRequests";
            case 503 -> "ServiceUnavailable";
            case 504 -> "Timeout";
            default -> code >= 500 ? "InternalError" : "";
        };
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "Status");
        m.put("apiVersion", "v1");
        m.put("metadata", Map.of());
        m.put("status", code < 400 ? "Success" : "Failure");
        m.put("message", message);
        m.put("reason", reason);
        m.put("code", code);
        return m;
    }

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(toMap());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a Status always serialises", e);
        }
    }

    public String toJsonString() {
        return new String(toJson(), StandardCharsets.UTF_8);
    }

    /** Writes this status as the whole response (core Jetty handler style). */
    public void write(Response response, Callback callback) {
        response.setStatus(code);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, MimeTypes.Type.APPLICATION_JSON_UTF_8.asString());
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        if (code >= 400 && hasUnreadBody(response.getRequest())) {
            // a refused request's body is not read: Jetty then closes the connection after the response,
            // and a client that reused it in between would see it die; say so up front
            response.getHeaders().put(HttpHeader.CONNECTION, org.eclipse.jetty.http.HttpHeaderValue.CLOSE.asString());
        }
        response.write(true, java.nio.ByteBuffer.wrap(toJson()), callback);
    }

    private static boolean hasUnreadBody(org.eclipse.jetty.server.Request request) {
        if (request == null || request.getConnectionMetaData().getHttpVersion() != org.eclipse.jetty.http.HttpVersion.HTTP_1_1) {
            return false;
        }
        var headers = request.getHeaders();
        return headers.getLongField(HttpHeader.CONTENT_LENGTH) > 0 || headers.contains(HttpHeader.TRANSFER_ENCODING);
    }
}
