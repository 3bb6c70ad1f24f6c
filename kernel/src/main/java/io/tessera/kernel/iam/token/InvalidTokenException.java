package io.tessera.kernel.iam.token;

/** The token is malformed, badly signed, expired or revoked; the message is safe to show. */
public class InvalidTokenException extends Exception {

    public InvalidTokenException(String message) {
        super(message);
    }
}
