package io.tessera.kernel.security;

/** Credentials were presented but are not valid; the message is safe to show to the client. */
public class AuthenticationException extends Exception {

    public AuthenticationException(String message) {
        super(message);
    }
}
