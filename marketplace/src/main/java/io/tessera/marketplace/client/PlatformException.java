package io.tessera.marketplace.client;

import java.io.IOException;

/**
 * A refusal or failure from the platform, with the one line a user should read (a Kubernetes
 * Status message, an OAuth error description, or what to do next) and the HTTP status, if any.
 */
public final class PlatformException extends IOException {

    private final int status;

    public PlatformException(int status, String message) {
        super(message);
        this.status = status;
    }

    public PlatformException(String message, Throwable cause) {
        super(message, cause);
        this.status = -1;
    }

    /** The HTTP status, or -1 when the server was not reached. */
    public int status() {
        return status;
    }
}
