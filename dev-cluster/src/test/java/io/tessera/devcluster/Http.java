package io.tessera.devcluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** Raw HTTP against an API server, for checks that need exact status codes and bodies. */
final class Http {

    static final ObjectMapper JSON = new ObjectMapper();

    record Resp(int code, JsonNode json, String text) {
        String reason() {
            return json.path("reason").asText();
        }

        String rv() {
            return json.path("metadata").path("resourceVersion").asText();
        }

        List<String> names() {
            List<String> names = new ArrayList<>();
            json.path("items").forEach(i -> names.add(i.path("metadata").path("name").asText()));
            return names;
        }

        @Override
        public String toString() {
            return code + " " + text;
        }
    }

    private final String base;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    Http(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    Resp get(String path) {
        return send("GET", path, null, null);
    }

    Resp post(String path, Object body) {
        return send("POST", path, "application/json", body);
    }

    Resp put(String path, Object body) {
        return send("PUT", path, "application/json", body);
    }

    Resp delete(String path, Object body) {
        return send("DELETE", path, "application/json", body);
    }

    Resp patch(String path, String type, Object body) {
        return send("PATCH", path, type, body);
    }

    Resp send(String method, String path, String contentType, Object body) {
        try {
            String text = body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5))
                    .header("Accept", "application/json")
                    .method(method, text == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(text));
            if (contentType != null && text != null) {
                b.header("Content-Type", contentType);
            }
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json;
            try {
                json = r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
            } catch (IOException e) {
                json = JSON.createObjectNode();
            }
            return new Resp(r.statusCode(), json, r.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Opens a streaming watch; each line goes to {@code sink} on a background thread. Close the stream to stop. */
    Stream<String> stream(String path, Consumer<String> sink) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "application/json").GET().build();
            HttpResponse<Stream<String>> r = client.send(req, HttpResponse.BodyHandlers.ofLines());
            Stream<String> lines = r.body();
            Thread t = new Thread(() -> {
                try {
                    lines.forEach(sink);
                } catch (RuntimeException ignored) {
                    // the stream was closed by the test
                }
            }, "watch-reader");
            t.setDaemon(true);
            t.start();
            return lines;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode obj(String json) {
        try {
            return (ObjectNode) JSON.readTree(json.replace('\'', '"'));
        } catch (IOException e) {
            throw new IllegalArgumentException(json, e);
        }
    }
}
