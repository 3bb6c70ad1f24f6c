package io.tessera.kernel.security;

/**
 * What an authenticator may look at: the {@code Authorization} header (already fixed up from
 * {@code X-KubeSphere-Authorization}), the client's address and user agent.
 */
public record Credentials(String authorization, String remoteAddress, String userAgent) {

    public boolean present() {
        return authorization != null && !authorization.isBlank();
    }
}
