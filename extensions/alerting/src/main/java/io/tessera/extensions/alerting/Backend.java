package io.tessera.extensions.alerting;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** One HTTP backend (Prometheus or Alertmanager) at a configured URL. */
final class Backend {

    /** The backend could not be reached: the API answers 503. */
    static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message);
        }
    }

    record Answer(int status, String body) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    final String name;
    final URI base;

    Backend(String name, String url) {
        this.name = name;
        String u = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.base = URI.create(u);
        if (base.getScheme() == null || !(base.getScheme().equals("http") || base.getScheme().equals("https"))) {
            throw new IllegalArgumentException(name + " URL must be http(s), got \"" + url + "\"");
        }
    }

    boolean ready() {
        try {
            return send("GET", "/-/ready", null).status() == 200;
        } catch (Unavailable e) {
            return false;
        }
    }

    Answer send(String method, String path, String jsonBody) throws Unavailable {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(15));
        if (jsonBody != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody));
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new Unavailable(name + " at " + base + " is unreachable: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted");
        }
    }
}
