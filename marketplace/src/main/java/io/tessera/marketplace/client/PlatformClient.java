package io.tessera.marketplace.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;

/**
 * The CLI's HTTP client of one platform: OAuth2 password login and refresh at {@code /oauth/token}
 * (client {@code kubesphere}, as KubeSphere's console), then JSON requests with the bearer token.
 * An expired access token is refreshed before the request (and once more after a 401), and the new
 * pair is written back to the session store. Every failure becomes a {@link PlatformException}
 * with one readable line.
 */
public final class PlatformClient {

    static final String CLIENT_ID = "kubesphere";
    static final String CLIENT_SECRET = "kubesphere";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient http;
    private final SessionStore store;
    private final Clock clock;
    private Session session;

    private PlatformClient(Session session, SessionStore store, Clock clock) throws IOException {
        this.session = session;
        this.store = store;
        this.clock = clock;
        this.http = httpClient(session.certificateAuthority(), session.insecureSkipTlsVerify());
    }

    /**
     * The client of the session for {@code server} (or of the last login when null, the server of
     * {@code TESSERA_SERVER} being passed here by the commands); a clear error when there is none.
     */
    public static PlatformClient fromSession(SessionStore store, String server) throws IOException {
        Session s = store.find(server).orElseThrow(() -> new PlatformException(401, server == null
                ? "not logged in: run 'tessera login --server URL --username NAME'"
                : "not logged in to " + SessionStore.normalize(server) + ": run 'tessera login --server "
                        + SessionStore.normalize(server) + " --username NAME'"));
        return new PlatformClient(s, store, Clock.systemUTC());
    }

    /** Password grant; returns the new session (not yet stored). */
    public static Session login(String server, String username, String password, String certificateAuthority,
            boolean insecureSkipTlsVerify) throws IOException {
        String base = SessionStore.normalize(server);
        URI uri;
        try {
            uri = URI.create(base);
        } catch (IllegalArgumentException e) {
            throw new PlatformException(-1, "--server " + server + " is not a URL");
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new PlatformException(-1, "--server " + server + " is not an http(s) URL, e.g. https://127.0.0.1:8443");
        }
        Session blank = new Session(base, username, null, null, null, certificateAuthority, insecureSkipTlsVerify);
        PlatformClient client = new PlatformClient(blank, null, Clock.systemUTC());
        JsonNode token = client.tokenRequest(Map.of("grant_type", "password", "username", username, "password", password),
                "login as " + username + " at " + base + " failed");
        return client.withTokens(blank, token);
    }

    public Session session() {
        return session;
    }

    /** Revokes the access token at the server ({@code /oauth/logout}); the caller forgets the session. */
    public void logout() throws IOException {
        send("GET", "/oauth/logout", null, null);
    }

    public JsonNode get(String path) throws IOException {
        return send("GET", path, null, null);
    }

    public JsonNode post(String path, Object body) throws IOException {
        return send("POST", path, JSON.writeValueAsString(body), "application/json");
    }

    public JsonNode mergePatch(String path, Object body) throws IOException {
        return send("PATCH", path, JSON.writeValueAsString(body), "application/merge-patch+json");
    }

    public JsonNode delete(String path) throws IOException {
        return send("DELETE", path, null, null);
    }

    /** URL-encodes one path segment or query value. */
    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode send(String method, String path, String body, String contentType) throws IOException {
        if (session.expiresSoon(clock.instant())) {
            refresh();
        }
        HttpResponse<String> r = exchange(method, path, body, contentType);
        if (r.statusCode() == 401 && session.refreshToken() != null) {
            refresh();
            r = exchange(method, path, body, contentType);
        }
        if (r.statusCode() == 401) {
            throw new PlatformException(401, "the session for " + session.server() + " is no longer valid: run 'tessera login --server "
                    + session.server() + "'");
        }
        if (r.statusCode() / 100 != 2) {
            throw new PlatformException(r.statusCode(), describe(r));
        }
        String text = r.body();
        if (text == null || text.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return JSON.readTree(text);
        } catch (IOException notJson) {
            throw new PlatformException(r.statusCode(), method + " " + path + " answered something that is not JSON: "
                    + firstLine(text));
        }
    }

    private HttpResponse<String> exchange(String method, String path, String body, String contentType) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(session.server() + path)).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (session.accessToken() != null) {
            b.header("Authorization", "Bearer " + session.accessToken());
        }
        return call(b.build());
    }

    private void refresh() throws IOException {
        if (session.refreshToken() == null) {
            throw new PlatformException(401, "the session for " + session.server() + " has expired: run 'tessera login --server "
                    + session.server() + "'");
        }
        JsonNode token;
        try {
            token = tokenRequest(Map.of("grant_type", "refresh_token", "refresh_token", session.refreshToken()),
                    "refreshing the session for " + session.server() + " failed");
        } catch (PlatformException e) {
            if (e.status() == 400 || e.status() == 401) {
                throw new PlatformException(401, "the session for " + session.server() + " has expired: run 'tessera login --server "
                        + session.server() + "'");
            }
            throw e;
        }
        session = withTokens(session, token);
        if (store != null) {
            store.update(session);
        }
    }

    private JsonNode tokenRequest(Map<String, String> grant, String failure) throws IOException {
        Map<String, String> form = new LinkedHashMap<>(grant);
        form.put("client_id", CLIENT_ID);
        form.put("client_secret", CLIENT_SECRET);
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpResponse<String> r = call(HttpRequest.newBuilder(URI.create(session.server() + "/oauth/token")).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)).build());
        if (r.statusCode() != 200) {
            throw new PlatformException(r.statusCode(), failure + ": " + describe(r));
        }
        JsonNode json;
        try {
            json = JSON.readTree(r.body());
        } catch (IOException e) {
            throw new PlatformException(r.statusCode(), failure + ": the answer is not a token (" + firstLine(r.body()) + ")");
        }
        if (json.path("access_token").asText("").isEmpty()) {
            throw new PlatformException(r.statusCode(), failure + ": the answer carries no access token");
        }
        return json;
    }

    private Session withTokens(Session s, JsonNode token) {
        long expiresIn = token.path("expires_in").asLong(0);
        Instant expires = expiresIn > 0 ? clock.instant().plusSeconds(expiresIn) : null;
        String refresh = token.path("refresh_token").asText("");
        return s.withTokens(token.path("access_token").asText(), refresh.isEmpty() ? null : refresh, expires);
    }

    private HttpResponse<String> call(HttpRequest request) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (javax.net.ssl.SSLHandshakeException e) {
            throw new PlatformException("cannot verify the TLS certificate of " + session.server()
                    + " (a development certificate? log in with --certificate-authority <data-dir>/tls/serving.crt or --insecure-skip-tls-verify)", e);
        } catch (javax.net.ssl.SSLException e) {
            throw new PlatformException("TLS with " + session.server() + " failed: " + e.getMessage()
                    + (session.server().startsWith("https:") ? " (is it an http:// address?)" : ""), e);
        } catch (java.net.ConnectException e) {
            throw new PlatformException("cannot reach " + session.server() + ": connection refused (is 'tessera up' running?)", e);
        } catch (java.net.http.HttpTimeoutException e) {
            throw new PlatformException(session.server() + " did not answer within " + REQUEST_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlatformException("interrupted", e);
        } catch (IOException e) {
            throw new PlatformException("cannot talk to " + session.server() + ": " + e, e);
        }
    }

    /** OAuth errors carry error_description, Kubernetes Status objects a message; else the first line of the text. */
    static String describe(HttpResponse<String> r) {
        String body = r.body();
        try {
            JsonNode n = JSON.readTree(body);
            if (n != null && n.hasNonNull("error_description")) {
                return n.get("error_description").asText();
            }
            if (n != null && n.hasNonNull("message")) {
                return n.get("message").asText();
            }
        } catch (IOException notJson) {
            // plain text, as some KubeSphere handlers answer
        }
        String line = firstLine(body);
        return line.isEmpty() ? "HTTP " + r.statusCode() : "HTTP " + r.statusCode() + ": " + line;
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        String s = text.strip();
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static HttpClient httpClient(String certificateAuthority, boolean insecure) throws IOException {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        SSLContext ssl = Tls.context(certificateAuthority, insecure);
        if (ssl != null) {
            b.sslContext(ssl);
        }
        return b.build();
    }
}
