package io.tessera.kernel.cli;

import io.tessera.kernel.config.ConfigException;
import java.net.BindException;
import java.net.ConnectException;

/** Turns an exception into the one line a user sees; the stack trace is for {@code --debug} only. */
final class Errors {

    private Errors() {
    }

    static String describe(Throwable error) {
        ConfigException config = find(error, ConfigException.class);
        if (config != null) {
            return config.getMessage();
        }
        // Tessera's own exceptions (KernelStartException, …) carry messages written for users
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t.getClass().getName().startsWith("io.tessera.") && t.getMessage() != null) {
                return firstLine(t.getMessage());
            }
        }
        BindException bind = find(error, BindException.class);
        if (bind != null) {
            return "cannot listen: " + firstLine(bind.getMessage()) + " (another process uses the port; choose one with --port)";
        }
        ConnectException connect = find(error, ConnectException.class);
        if (connect != null) {
            return "cannot connect: " + firstLine(connect.getMessage());
        }
        Throwable root = error;
        while (root.getCause() != null && root.getMessage() == null) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getName() : root.getClass().getSimpleName() + ": " + root.getMessage();
        return firstLine(message) + " (run with --debug for the stack trace)";
    }

    private static <T extends Throwable> T find(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int nl = text.indexOf('\n');
        return (nl < 0 ? text : text.substring(0, nl)).strip();
    }
}
