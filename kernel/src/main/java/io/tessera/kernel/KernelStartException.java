package io.tessera.kernel;

/**
 * The kernel could not start. The message is one line an operator can act on (port in use,
 * unreadable kubeconfig, unreachable cluster with its URL, …); the cause is for {@code --debug}.
 */
public class KernelStartException extends Exception {

    public KernelStartException(String message) {
        super(message);
    }

    public KernelStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
