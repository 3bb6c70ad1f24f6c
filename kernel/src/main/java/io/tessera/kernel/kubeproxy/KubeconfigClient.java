package io.tessera.kernel.kubeproxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * What {@code tessera kubeconfig} does over HTTP: a password login at {@code /oauth/token}, then
 * KubeSphere's kubeconfig download with the token. Errors are one readable line.
 */
public final class KubeconfigClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI server;
    private final HttpClient http;

    public KubeconfigClient(URI server, boolean insecureSkipTlsVerify) {
        this.server = URI.create(server.toString().replaceAll("/+$", ""));
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if (insecureSkipTlsVerify) {
            b.sslContext(trustAll());
        }
        this.http = b.build();
    }

    /** Logs in and returns the kubeconfig text for that user. */
    public String fetch(String username, String password, String clientId, String clientSecret) throws IOException, InterruptedException {
        Map<String, String> form = Map.of("grant_type", "password", "username", username, "password", password,
                "client_id", clientId, "client_secret", clientSecret);
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpResponse<String> token = send(HttpRequest.newBuilder(server.resolve("/oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        if (token.statusCode() != 200) {
            throw new IOException("login as " + username + " at " + server + " failed (" + token.statusCode() + "): " + describe(token.body()));
        }
        String accessToken = JSON.readTree(token.body()).path("access_token").asText("");
        if (accessToken.isEmpty()) {
            throw new IOException("the server at " + server + " answered the login without an access token");
        }
        HttpResponse<String> config = send(HttpRequest.newBuilder(server.resolve("/kapis/resources.kubesphere.io/v1alpha2/users/"
                        + URLEncoder.encode(username, StandardCharsets.UTF_8) + "/kubeconfig"))
                .header("Authorization", "Bearer " + accessToken).GET().build());
        if (config.statusCode() != 200) {
            throw new IOException("the kubeconfig download failed (" + config.statusCode() + "): " + describe(config.body()));
        }
        return config.body();
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (javax.net.ssl.SSLHandshakeException e) {
            throw new IOException("cannot verify the TLS certificate of " + server
                    + " (a self-signed development certificate? use --insecure-skip-tls-verify)", e);
        } catch (java.net.ConnectException e) {
            throw new IOException("cannot reach " + server + ": connection refused", e);
        }
    }

    /** OAuth errors carry error_description; Status objects a message; else the text itself. */
    private static String describe(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            if (n.hasNonNull("error_description")) {
                return n.get("error_description").asText();
            }
            if (n.hasNonNull("message")) {
                return n.get("message").asText();
            }
        } catch (IOException notJson) {
            // plain text, as KubeSphere's kapis answer errors
        }
        String line = body == null ? "" : body.strip();
        int nl = line.indexOf('\n');
        return nl < 0 ? line : line.substring(0, nl);
    }

    private static SSLContext trustAll() {
        try {
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            return ssl;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available", e);
        }
    }
}
