package io.tessera.kernel.security;

import java.util.Optional;

/**
 * One way of recognising a caller (Basic, Bearer JWT, …). Authenticators are tried in their
 * declared order; the first definite answer wins, as in KubeSphere.
 */
public interface Authenticator {

    /**
     * @return the user when these credentials are of this authenticator's kind and valid; empty
     *     when they are not of its kind (the next authenticator is asked)
     * @throws AuthenticationException when they are of its kind but invalid (a 401, never a
     *     fall-back to anonymous)
     */
    Optional<UserInfo> authenticate(Credentials credentials) throws AuthenticationException;
}
