package io.tessera.kernel.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Small HTTP helpers for the IAM integration tests. */
public final class IamHttp {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final URI base;

    public IamHttp(URI base) {
        this.base = base;
    }

    public HttpResponse<String> send(String method, String path, String authorization, String contentType, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).header("User-Agent", "iam-it/1.0");
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path, String authorization) throws Exception {
        return send("GET", path, authorization, null, null);
    }

    public HttpResponse<String> json(String method, String path, String authorization, Object body) throws Exception {
        return send(method, path, authorization, "application/json", JSON.writeValueAsString(body));
    }

    public HttpResponse<String> passwordGrant(String username, String password) throws Exception {
        return form("/oauth/token", Map.of("grant_type", "password", "username", username, "password", password,
                "client_id", "kubesphere", "client_secret", "kubesphere"));
    }

    public HttpResponse<String> form(String path, Map<String, String> fields) throws Exception {
        String body = new LinkedHashMap<>(fields).entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send("POST", path, null, "application/x-www-form-urlencoded", body);
    }

    /** Logs in and returns "Bearer <access token>". */
    public String bearer(String username, String password) throws Exception {
        HttpResponse<String> r = passwordGrant(username, password);
        if (r.statusCode() != 200) {
            throw new AssertionError("login of " + username + " failed: " + r.statusCode() + " " + r.body());
        }
        return "Bearer " + JSON.readTree(r.body()).path("access_token").asText();
    }

    public static String basic(String username, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    public static JsonNode tree(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    /** The decoded payload of a JWT. */
    public static JsonNode jwtPayload(String jwt) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    public static Map<String, Object> user(String name, String email, String password, String globalRole) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        if (globalRole != null) {
            metadata.put("annotations", Map.of("iam.kubesphere.io/globalrole", globalRole));
        }
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("email", email);
        spec.put("password", password);
        return Map.of("apiVersion", "iam.kubesphere.io/v1beta1", "kind", "User", "metadata", metadata, "spec", spec);
    }
}
