package io.tessera.kernel.kube;

/** The Kubernetes connection could not be made; the message is one line for the operator. */
public final class KubeConnectionException extends Exception {

    public KubeConnectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
