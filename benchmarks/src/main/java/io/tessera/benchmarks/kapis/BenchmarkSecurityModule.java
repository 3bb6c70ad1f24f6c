package io.tessera.benchmarks.kapis;

import io.tessera.kernel.security.Authorizer;
import io.tessera.kernel.security.UserInfo;
import io.tessera.kernel.spi.KernelContext;
import io.tessera.kernel.spi.KernelModule;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The kernel denies anonymous /kapis requests, so the benchmark brings its own identity: one
 * bearer token is one user, whom an allow-all authorizer lets through. The measured chain is the
 * kernel's (request info, authentication, cluster dispatch, authorization, audit, routing); the
 * real IAM's token verification and RBAC are not part of this figure.
 */
final class BenchmarkSecurityModule implements KernelModule {

    static final String TOKEN = "Bearer benchmark-token";
    static final String GROUP = "benchmark.tessera.io";
    static final String VERSION = "v1";
    private static final String USER = "benchmark";

    @Override
    public String name() {
        return "benchmark-security";
    }

    /** After IAM, whose start sets the kernel's RBAC authorizer: this module's allow-all one must be the last set. */
    @Override
    public List<String> dependsOn() {
        return List.of("iam");
    }

    @Override
    public void start(KernelContext context) {
        UserInfo user = new UserInfo(USER, "uid-benchmark", List.of(UserInfo.AUTHENTICATED_GROUP), Map.of());
        context.addAuthenticator(credentials -> TOKEN.equals(credentials.authorization()) ? Optional.of(user) : Optional.empty());
        context.setAuthorizer((who, request) -> USER.equals(who.name())
                ? Authorizer.Decision.allow() : Authorizer.Decision.deny("only the benchmark user is allowed"));
        context.mountKapis(GROUP, VERSION, new PingResource());
    }
}
