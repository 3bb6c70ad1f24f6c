package io.tessera.kernel.iam.authn;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.tessera.kernel.iam.api.IamTypes;
import io.tessera.kernel.iam.loginrecord.LoginRecords;
import io.tessera.kernel.security.AuthenticationException;
import io.tessera.kernel.security.Authenticator;
import io.tessera.kernel.security.Credentials;
import io.tessera.kernel.security.UserInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP Basic for API clients and kubectl (reference §1.1): checked like the password grant,
 * groups = the user's {@code spec.groups} plus {@code system:authenticated}. A locked or disabled
 * user gets 401.
 */
public final class BasicAuthenticator implements Authenticator {

    private final PasswordLogin login;

    public BasicAuthenticator(PasswordLogin login) {
        this.login = login;
    }

    @Override
    public Optional<UserInfo> authenticate(Credentials credentials) throws AuthenticationException {
        String header = credentials.authorization();
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new AuthenticationException("malformed Basic credentials");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw new AuthenticationException("malformed Basic credentials");
        }
        PasswordLogin.Result result = login.login(decoded.substring(0, colon), decoded.substring(colon + 1), "",
                new PasswordLogin.Origin(credentials.remoteAddress(), credentials.userAgent()), LoginRecords.Type.Password, false);
        return switch (result.outcome()) {
            case OK -> Optional.of(toUserInfo(result.user()));
            case RATE_LIMITED -> throw new AuthenticationException("too many failed login attempts, try again later");
            case SUSPENDED -> throw new AuthenticationException("account suspended");
            default -> throw new AuthenticationException("invalid username or password");
        };
    }

    @SuppressWarnings("unchecked")
    static UserInfo toUserInfo(GenericKubernetesResource user) {
        List<String> groups = new ArrayList<>();
        Object g = IamTypes.read(user, "spec").get("groups");
        if (g instanceof List<?> l) {
            l.forEach(x -> groups.add(String.valueOf(x)));
        }
        groups.add(UserInfo.AUTHENTICATED_GROUP);
        String uid = user.getMetadata().getUid();
        return new UserInfo(user.getMetadata().getName(), uid == null ? "" : uid, groups, Map.of());
    }
}
