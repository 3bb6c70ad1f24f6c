package io.tessera.kernel.iam.idp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
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
import java.util.Set;
import java.util.stream.Collectors;

/**
 * KubeSphere's OIDC provider (reference §1.8): the browser returns with {@code code}; the code is
 * exchanged at the token endpoint (client_secret_post), the ID token is verified against the
 * provider's JWKS (RS256/ES256, issuer, audience = clientID, expiry), optionally merged with the
 * userinfo response. uid = {@code sub}; username = {@code preferredUsernameKey} (default
 * {@code preferred_username}, falling back to {@code name}); email = {@code emailKey}. With
 * {@code issuer} set, endpoints come from discovery; explicit {@code endpoint.*} values win.
 */
final class OidcProvider implements IdentityProviders.CallbackProvider {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String issuer;
    private final String clientId;
    private final String clientSecret;
    private final String redirectUrl;
    private final boolean getUserInfo;
    private final String emailKey;
    private final String preferredUsernameKey;
    private final Map<String, Object> endpoint;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @SuppressWarnings("unchecked")
    OidcProvider(Map<String, Object> options) throws IdentityProviders.ProviderException {
        this.issuer = s(options, "issuer");
        this.clientId = s(options, "clientID");
        this.clientSecret = s(options, "clientSecret");
        this.redirectUrl = s(options, "redirectURL");
        this.getUserInfo = Boolean.parseBoolean(s(options, "getUserInfo"));
        this.emailKey = s(options, "emailKey").isEmpty() ? "email" : s(options, "emailKey");
        this.preferredUsernameKey = s(options, "preferredUsernameKey").isEmpty() ? "preferred_username" : s(options, "preferredUsernameKey");
        this.endpoint = options.get("endpoint") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        if (clientId.isEmpty()) {
            throw new IdentityProviders.ProviderException("OIDC provider needs clientID");
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
        Map<String, String> endpoints = endpoints();
        JsonNode tokens = postForm(endpoints.get("token"), Map.of("grant_type", "authorization_code", "code", code,
                "redirect_uri", redirectUrl, "client_id", clientId, "client_secret", clientSecret));
        if (tokens == null) {
            return Optional.empty();
        }
        String idToken = tokens.path("id_token").asText("");
        if (idToken.isEmpty()) {
            throw new IdentityProviders.ProviderException("the token response has no id_token");
        }
        Map<String, Object> claims = new LinkedHashMap<>(verify(idToken, endpoints.get("jwks")).getClaims());
        if (getUserInfo && !endpoints.getOrDefault("userinfo", "").isEmpty()) {
            JsonNode info = get(endpoints.get("userinfo"), "Bearer " + tokens.path("access_token").asText());
            if (info != null && claims.get("sub").equals(info.path("sub").asText())) {
                info.fields().forEachRemaining(e -> claims.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue()));
            }
        }
        String sub = String.valueOf(claims.get("sub"));
        Object username = claims.get(preferredUsernameKey);
        if (username == null || String.valueOf(username).isEmpty()) {
            username = claims.get("name");
        }
        if (username == null || String.valueOf(username).isEmpty()) {
            throw new IdentityProviders.ProviderException("the ID token names no user (" + preferredUsernameKey + ", name)");
        }
        Object email = claims.get(emailKey);
        return Optional.of(new IdentityProviders.Identity(sub, String.valueOf(username), email == null ? "" : String.valueOf(email)));
    }

    private Map<String, String> endpoints() throws IdentityProviders.ProviderException {
        Map<String, String> out = new LinkedHashMap<>();
        if (!issuer.isEmpty()) {
            JsonNode d = get(issuer.replaceAll("/+$", "") + "/.well-known/openid-configuration", null);
            if (d == null) {
                throw new IdentityProviders.ProviderException("OIDC discovery failed for " + issuer);
            }
            if (!issuer.replaceAll("/+$", "").equals(d.path("issuer").asText().replaceAll("/+$", ""))) {
                throw new IdentityProviders.ProviderException("OIDC discovery names another issuer");
            }
            out.put("token", d.path("token_endpoint").asText(""));
            out.put("jwks", d.path("jwks_uri").asText(""));
            out.put("userinfo", d.path("userinfo_endpoint").asText(""));
        }
        putIfSet(out, "token", endpoint.get("tokenURL"));
        putIfSet(out, "jwks", endpoint.get("jwksURL"));
        putIfSet(out, "userinfo", endpoint.get("userInfoURL"));
        if (out.getOrDefault("token", "").isEmpty() || out.getOrDefault("jwks", "").isEmpty()) {
            throw new IdentityProviders.ProviderException("OIDC provider needs a token endpoint and a JWKS URL (issuer or endpoint.*)");
        }
        return out;
    }

    private JWTClaimsSet verify(String idToken, String jwksUrl) throws IdentityProviders.ProviderException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(jwksUrl)).timeout(Duration.ofSeconds(15)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JWKSet keys = JWKSet.parse(r.body());
            DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256),
                    new ImmutableJWKSet<>(keys)));
            JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
            if (!issuer.isEmpty()) {
                exact.issuer(issuer.replaceAll("/+$", ""));
            }
            processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(clientId, exact.build(), Set.of("sub", "exp", "iat")));
            return processor.process(idToken, null);
        } catch (java.io.IOException | java.text.ParseException e) {
            throw new IdentityProviders.ProviderException("cannot read the provider's keys: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IdentityProviders.ProviderException("interrupted");
        } catch (com.nimbusds.jose.proc.BadJOSEException | com.nimbusds.jose.JOSEException e) {
            throw new IdentityProviders.ProviderException("the ID token is not valid: " + e.getMessage());
        }
    }

    /** @return the JSON answer, or null for an OAuth error answer (an invalid or used code) */
    private JsonNode postForm(String url, Map<String, String> form) throws IdentityProviders.ProviderException {
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
                    .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 400 || r.statusCode() == 401) {
                return null;
            }
            if (r.statusCode() != 200) {
                throw new IdentityProviders.ProviderException("token endpoint answered " + r.statusCode());
            }
            return JSON.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new IdentityProviders.ProviderException("token endpoint unreachable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IdentityProviders.ProviderException("interrupted");
        }
    }

    private JsonNode get(String url, String authorization) throws IdentityProviders.ProviderException {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15)).header("Accept", "application/json");
            if (authorization != null) {
                b.header("Authorization", authorization);
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (java.io.IOException e) {
            throw new IdentityProviders.ProviderException("provider unreachable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IdentityProviders.ProviderException("interrupted");
        }
    }

    private static void putIfSet(Map<String, String> out, String key, Object value) {
        if (value != null && !String.valueOf(value).isEmpty()) {
            out.put(key, String.valueOf(value));
        }
    }

    private static String s(Map<String, Object> m, String k) {
        Object v = m.get(k);
        return v == null ? "" : String.valueOf(v);
    }
}
