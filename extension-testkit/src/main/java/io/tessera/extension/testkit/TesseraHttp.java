package io.tessera.extension.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** An HTTP client for one kernel, sending a bearer token when it has one. */
public final class TesseraHttp {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String token;

    TesseraHttp(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    public HttpResponse<String> get(String path) throws Exception {
        return send("GET", path, null);
    }

    /** Sends {@code body} (JSON) when not null. */
    public HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).header("User-Agent", "tessera-testkit/1.0");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    String login(String user, String password) throws Exception {
        HttpResponse<String> r = passwordGrant(user, password);
        if (r.statusCode() != 200) {
            throw new IllegalStateException("login of " + user + " failed: " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body()).path("access_token").asText();
    }

    /** A freshly created user becomes known to the kernel through its informers: retry until the deadline. */
    String loginWhenReady(String user, String password, Duration deadline) throws Exception {
        long end = System.nanoTime() + deadline.toNanos();
        HttpResponse<String> r;
        do {
            r = passwordGrant(user, password);
            if (r.statusCode() == 200) {
                return JSON.readTree(r.body()).path("access_token").asText();
            }
            Thread.sleep(100); // informer propagation; bounded by the deadline
        } while (System.nanoTime() < end);
        throw new IllegalStateException("login of " + user + " failed: " + r.statusCode() + " " + r.body());
    }

    private HttpResponse<String> passwordGrant(String user, String password) throws Exception {
        String form = "grant_type=password&client_id=kubesphere&client_secret=kubesphere&username="
                + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
        return HTTP.send(HttpRequest.newBuilder(base.resolve("/oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
