package io.tessera.kernel.iam.authn;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.tessera.kernel.iam.api.IamTypes;
import io.tessera.kernel.iam.token.InvalidTokenException;
import io.tessera.kernel.iam.token.RevocationList;
import io.tessera.kernel.iam.token.TokenClaims;
import io.tessera.kernel.iam.token.TokenService;
import io.tessera.kernel.iam.users.UserCache;
import io.tessera.kernel.iam.users.UserWriter;
import io.tessera.kernel.security.AuthenticationException;
import io.tessera.kernel.security.Authenticator;
import io.tessera.kernel.security.Credentials;
import io.tessera.kernel.security.UserInfo;
import io.tessera.kernel.iam.serviceaccount.ServiceAccounts;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Bearer JWT (reference §1.1): a valid, unrevoked access token of an existing, not disabled user.
 * Groups are only {@code system:authenticated}, as KubeSphere does. Anything wrong is a 401, never
 * anonymous.
 */
public final class BearerAuthenticator implements Authenticator {

    public static final String PRE_REGISTRATION = "system:pre-registration";

    private final TokenService tokens;
    private final RevocationList revocations;
    private final UserCache users;
    private final UserWriter writer;
    private final ServiceAccounts serviceAccounts;

    public BearerAuthenticator(TokenService tokens, RevocationList revocations, UserCache users, UserWriter writer,
                               ServiceAccounts serviceAccounts) {
        this.tokens = tokens;
        this.revocations = revocations;
        this.users = users;
        this.writer = writer;
        this.serviceAccounts = serviceAccounts;
    }

    @Override
    public Optional<UserInfo> authenticate(Credentials credentials) throws AuthenticationException {
        String header = credentials.authorization();
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String token = header.substring(7).trim();
        if (token.chars().filter(c -> c == '.').count() != 2) {
            // not a JWT, so not ours: another authenticator may know it; if none does, the chain
            // still answers 401 (never anonymous)
            return Optional.empty();
        }
        return Optional.of(verify(token, TokenClaims.ACCESS));
    }

    /** Verifies a token of the expected type ({@code access_token} or {@code refresh_token}). */
    public UserInfo verify(String token, String expectedType) throws AuthenticationException {
        TokenClaims claims;
        try {
            claims = tokens.verify(token);
        } catch (InvalidTokenException e) {
            throw new AuthenticationException(e.getMessage());
        }
        boolean typeOk = expectedType.equals(claims.tokenType())
                || (TokenClaims.ACCESS.equals(expectedType) && TokenClaims.STATIC.equals(claims.tokenType()));
        if (!typeOk) {
            throw new AuthenticationException("token is not an " + expectedType);
        }
        if (revocations.isRevoked(claims.id())) {
            throw new AuthenticationException("token revoked");
        }
        if (claims.username().startsWith(ServiceAccounts.PREFIX)) {
            if (!TokenClaims.STATIC.equals(claims.tokenType()) || serviceAccounts == null
                    || !serviceAccounts.valid(claims.username(), token)) {
                throw new AuthenticationException("service account token revoked or unknown");
            }
            return new UserInfo(claims.username(), "", List.of(UserInfo.AUTHENTICATED_GROUP), Map.of());
        }
        if (PRE_REGISTRATION.equals(claims.username())) {
            return new UserInfo(claims.username(), "", List.of(UserInfo.AUTHENTICATED_GROUP), claims.extra());
        }
        GenericKubernetesResource user = users.get(claims.username()).or(() -> writer.fetch(claims.username()))
                .orElseThrow(() -> new AuthenticationException("user " + claims.username() + " does not exist"));
        if (IamTypes.STATE_DISABLED.equals(UserCache.state(user))) {
            throw new AuthenticationException("account suspended");
        }
        if (claims.issuedAt().isBefore(UserCache.tokensNotBefore(user))) {
            throw new AuthenticationException("token revoked");
        }
        String uid = user.getMetadata().getUid();
        return new UserInfo(claims.username(), uid == null ? "" : uid, List.of(UserInfo.AUTHENTICATED_GROUP), claims.extra());
    }

    public TokenService tokens() {
        return tokens;
    }
}
