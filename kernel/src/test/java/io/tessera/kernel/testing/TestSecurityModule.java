package io.tessera.kernel.testing;

import io.tessera.kernel.security.Authorizer;
import io.tessera.kernel.security.UserInfo;
import io.tessera.kernel.spi.KernelContext;
import io.tessera.kernel.spi.KernelModule;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Test-only security: {@code Authorization: Bearer test-admin} is user "admin" (allowed
 * everything), {@code Bearer test-viewer} is user "viewer" (denied everything), any other
 * bearer token is invalid.
 */
public final class TestSecurityModule implements KernelModule {

    public static final String ADMIN = "Bearer test-admin";
    public static final String VIEWER = "Bearer test-viewer";

    @Override
    public String name() {
        return "test-security";
    }

    @Override
    public void start(KernelContext context) {
        context.addAuthenticator(credentials -> {
            String auth = credentials.authorization();
            if (!auth.startsWith("Bearer ")) {
                return Optional.empty();
            }
            return switch (auth) {
                case ADMIN -> Optional.of(new UserInfo("admin", "uid-admin", List.of(UserInfo.AUTHENTICATED_GROUP), Map.of()));
                case VIEWER -> Optional.of(new UserInfo("viewer", "uid-viewer", List.of(UserInfo.AUTHENTICATED_GROUP), Map.of()));
                default -> throw new io.tessera.kernel.security.AuthenticationException("invalid bearer token");
            };
        });
        context.setAuthorizer((user, request) -> user.name().equals("admin")
                ? Authorizer.Decision.allow() : Authorizer.Decision.deny("test authorizer allows only admin"));
    }
}
