package io.tessera.kernel.http;

import io.tessera.kernel.security.Authenticator;
import io.tessera.kernel.security.Authorizer;
import io.tessera.kernel.security.DenyAllAuthorizer;
import io.tessera.kernel.security.PublicPaths;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/** What the authentication and authorization stages consult; modules change it while they start. */
public final class Security {

    private final List<Authenticator> authenticators = new CopyOnWriteArrayList<>();
    private final PublicPaths publicPaths = new PublicPaths();
    private volatile Authorizer authorizer = new DenyAllAuthorizer();

    public void addAuthenticator(Authenticator authenticator) {
        authenticators.add(Objects.requireNonNull(authenticator));
    }

    public List<Authenticator> authenticators() {
        return authenticators;
    }

    public void setAuthorizer(Authorizer value) {
        authorizer = Objects.requireNonNull(value);
    }

    public Authorizer authorizer() {
        return authorizer;
    }

    public PublicPaths publicPaths() {
        return publicPaths;
    }
}
