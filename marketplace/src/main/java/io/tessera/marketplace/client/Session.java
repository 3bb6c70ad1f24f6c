package io.tessera.marketplace.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One signed-in server: who, the token pair and how to reach it over TLS. {@code expiresAt} is
 * null when the server gave no lifetime (tokens that do not expire).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Session(String server, String username, String accessToken, String refreshToken, String expiresAt,
        String certificateAuthority, boolean insecureSkipTlsVerify) {

    /** True when the access token is expired or about to be (within the margin that a request takes). */
    public boolean expiresSoon(Instant now) {
        return expiresAt != null && now.plusSeconds(30).isAfter(Instant.parse(expiresAt));
    }

    /** The session with a new token pair; {@code expires} null when the server gave no lifetime. */
    public Session withTokens(String access, String refresh, Instant expires) {
        return new Session(server, username, access, refresh, expires == null ? null : expires.toString(), certificateAuthority,
                insecureSkipTlsVerify);
    }
}
