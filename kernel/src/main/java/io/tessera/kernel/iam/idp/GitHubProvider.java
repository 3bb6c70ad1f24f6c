package io.tessera.kernel.iam.idp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * KubeSphere's GitHub provider (reference §1.8), usable with any GitHub-style OAuth2 server: the
 * code is exchanged at {@code endpoint.tokenURL} (JSON answer requested), then
 * {@code endpoint.userInfoURL} is read with the access token; uid = username = {@code login},
 * email = {@code email}. Defaults are github.com's endpoints.
 */
final class GitHubProvider implements IdentityProviders.CallbackProvider {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String clientId;
    private final String clientSecret;
    private final String redirectUrl;
    private final String tokenUrl;
    private final String userInfoUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @SuppressWarnings("unchecked")
    GitHubProvider(Map<String, Object> options) throws IdentityProviders.ProviderException {
        Map<String, Object> endpoint = options.get("endpoint") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        this.clientId = s(options, "clientID");
        this.clientSecret = s(options, "clientSecret");
        this.redirectUrl = s(options, "redirectURL");
        this.tokenUrl = s(endpoint, "tokenURL").isEmpty() ? "https://github.com/login/oauth/access_token" : s(endpoint, "tokenURL");
        this.userInfoUrl = s(endpoint, "userInfoURL").isEmpty() ? "https://api.github.com/user" : s(endpoint, "userInfoURL");
        if (clientId.isEmpty()) {
            throw new IdentityProviders.ProviderException("GitHub provider needs clientID");
        }
        if (Boolean.parseBoolean(s(options, "insecureSkipVerify"))) {
            throw new IdentityProviders.ProviderException("insecureSkipVerify is not supported; add the CA to the trust store");
        }
    }

    @Override
    public Optional<IdentityProviders.Identity> identity(Map<String, String> params) throws IdentityProviders.ProviderException {
        String code = params.getOrDefault("code", "");
        if (code.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUrl);
        form.put("client_id", clientId);
        form.put("client_secret", clientSecret);
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        try {
            HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create(tokenUrl)).timeout(Duration.ofSeconds(15))
                    .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (token.statusCode() == 400 || token.statusCode() == 401) {
                return Optional.empty();
            }
            JsonNode t = JSON.readTree(token.body());
            String accessToken = t.path("access_token").asText("");
            if (token.statusCode() != 200 || accessToken.isEmpty()) {
                // GitHub answers 200 with {"error": …} for a bad code
                return Optional.empty();
            }
            HttpResponse<String> user = http.send(HttpRequest.newBuilder(URI.create(userInfoUrl)).timeout(Duration.ofSeconds(15))
                    .header("Accept", "application/json").header("Authorization", "Bearer " + accessToken).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (user.statusCode() != 200) {
                throw new IdentityProviders.ProviderException("user endpoint answered " + user.statusCode());
            }
            JsonNode u = JSON.readTree(user.body());
            String login = u.path("login").asText("");
            if (login.isEmpty()) {
                throw new IdentityProviders.ProviderException("the user endpoint gave no login");
            }
            return Optional.of(new IdentityProviders.Identity(login, login, u.path("email").asText("")));
        } catch (java.io.IOException e) {
            throw new IdentityProviders.ProviderException("provider unreachable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IdentityProviders.ProviderException("interrupted");
        }
    }

    private static String s(Map<String, Object> m, String k) {
        Object v = m.get(k);
        return v == null ? "" : String.valueOf(v);
    }
}
