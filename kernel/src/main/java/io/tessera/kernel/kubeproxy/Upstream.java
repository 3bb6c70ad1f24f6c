package io.tessera.kernel.kubeproxy;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.internal.SSLUtils;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * Where the Kubernetes API is and how the platform proves itself to it: taken from the kernel's
 * fabric8 {@link Config}, so the embedded cluster, a kubeconfig and the in-cluster service account
 * are the same code. Client certificates go into the TLS context; a token or basic credentials
 * become the {@code Authorization} header (the token provider is asked per request: rotation).
 */
public final class Upstream {

    private final URI base;
    private final SSLContext tls;
    private final Supplier<String> authorization;

    Upstream(URI base, SSLContext tls, Supplier<String> authorization) {
        this.base = base;
        this.tls = tls;
        this.authorization = authorization;
    }

    public static Upstream from(Config config) {
        String url = config.getMasterUrl();
        URI base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        SSLContext tls = null;
        if ("https".equalsIgnoreCase(base.getScheme())) {
            try {
                tls = SSLUtils.sslContext(config);
            } catch (Exception e) {
                throw new IllegalStateException("cannot build the TLS context for " + base + ": " + e.getMessage(), e);
            }
        }
        Supplier<String> auth = () -> {
            String token = config.getOauthTokenProvider() != null ? config.getOauthTokenProvider().getToken()
                    : config.getAutoOAuthToken() != null ? config.getAutoOAuthToken() : config.getOauthToken();
            if (token != null && !token.isBlank()) {
                return "Bearer " + token.trim();
            }
            if (config.getUsername() != null && config.getPassword() != null) {
                return "Basic " + Base64.getEncoder().encodeToString(
                        (config.getUsername() + ":" + config.getPassword()).getBytes(StandardCharsets.UTF_8));
            }
            return null;
        };
        return new Upstream(base, tls, auth);
    }

    public URI base() {
        return base;
    }

    /** Null for plain HTTP. */
    public SSLContext tls() {
        return tls;
    }

    /** The value of the platform's own {@code Authorization} header, or null (client cert only, or none). */
    public String authorization() {
        return authorization.get();
    }

    /** The upstream URI for a path (starting with '/') and a raw query (may be null). */
    public URI resolve(String path, String rawQuery) {
        return URI.create(base + path + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery));
    }
}
