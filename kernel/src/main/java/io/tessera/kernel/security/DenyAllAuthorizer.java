package io.tessera.kernel.security;

import io.tessera.kernel.routing.RequestInfo;

/** The kernel's authorizer until IAM replaces it: public paths pass before it; nothing else does. */
public final class DenyAllAuthorizer implements Authorizer {

    @Override
    public Decision authorize(UserInfo user, RequestInfo request) {
        return Decision.deny("no authorizer is installed");
    }
}
