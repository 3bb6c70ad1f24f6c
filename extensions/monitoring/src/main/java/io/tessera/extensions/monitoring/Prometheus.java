package io.tessera.extensions.monitoring;

import io.tessera.extensions.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** Prometheus' HTTP API v1 (instant and range queries, readiness) at the configured URL. */
final class Prometheus {

    /** Prometheus could not be reached or did not answer as Prometheus: the API answers 503. */
    static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message);
        }
    }

    /** Prometheus refused the query (bad PromQL, bad range): the API answers 400. */
    static final class QueryError extends Exception {
        QueryError(String message) {
            super(message);
        }
    }

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    Prometheus(String url) {
        String u = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.base = URI.create(u);
        if (base.getScheme() == null || !(base.getScheme().equals("http") || base.getScheme().equals("https"))) {
            throw new IllegalArgumentException("prometheus.url must be an http(s) URL, got \"" + url + "\"");
        }
    }

    URI base() {
        return base;
    }

    /** GET /-/ready: true when Prometheus answers 200. */
    boolean ready() {
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(base.resolve(base.getPath() + "/-/ready"))
                    .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The {@code data} object of an instant query ({@code time} null = now). */
    Map<String, Object> query(String expr, String time) throws Unavailable, QueryError {
        String q = "query=" + enc(expr) + (time == null ? "" : "&time=" + enc(time));
        return call("/api/v1/query", q);
    }

    /** The {@code data} object of a range query. */
    Map<String, Object> queryRange(String expr, String start, String end, String step) throws Unavailable, QueryError {
        String q = "query=" + enc(expr) + "&start=" + enc(start) + "&end=" + enc(end) + "&step=" + enc(step);
        return call("/api/v1/query_range", q);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> call(String path, String form) throws Unavailable, QueryError {
        HttpResponse<String> r;
        try {
            r = http.send(HttpRequest.newBuilder(base.resolve(base.getPath() + path))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Unavailable("Prometheus at " + base + " is unreachable: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted");
        }
        Object body;
        try {
            body = Json.parse(r.body());
        } catch (RuntimeException e) {
            throw new Unavailable("Prometheus at " + base + " answered " + r.statusCode() + " without JSON");
        }
        if (!(body instanceof Map<?, ?> m)) {
            throw new Unavailable("Prometheus at " + base + " answered an unexpected document");
        }
        if ("success".equals(m.get("status")) && m.get("data") instanceof Map<?, ?> d) {
            return (Map<String, Object>) d;
        }
        String error = m.get("errorType") + ": " + m.get("error");
        if (r.statusCode() == 400 || r.statusCode() == 422) {
            throw new QueryError(error);
        }
        throw new Unavailable("Prometheus at " + base + " failed: " + r.statusCode() + " " + error);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
