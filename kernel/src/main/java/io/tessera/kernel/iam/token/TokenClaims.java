package io.tessera.kernel.iam.token;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What a verified access or refresh token says (reference §1.2). */
public record TokenClaims(String username, String tokenType, String id, Instant issuedAt, Instant expiresAt,
                          Map<String, List<String>> extra) {

    public static final String ACCESS = "access_token";
    public static final String REFRESH = "refresh_token";
    public static final String ID_TOKEN = "id_token";
    public static final String STATIC = "static_token";
    public static final String CODE = "code";

    public TokenClaims {
        extra = Map.copyOf(extra);
    }
}
