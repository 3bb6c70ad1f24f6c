package io.tessera.kernel.http;

import java.io.IOException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/** Errors Jetty itself produces (bad requests, uncaught exceptions) as Status JSON, no stack. */
final class StatusErrorHandler extends ErrorHandler {

    @Override
    protected void generateResponse(Request request, Response response, int code, String message,
            Throwable cause, Callback callback) throws IOException {
        String safe = code >= 500 || message == null || message.isBlank() ? defaultMessage(code) : message;
        new Status(code, Status.reasonFor(code), safe).write(response, callback);
    }

    private static String defaultMessage(int code) {
        return code >= 500 ? "internal error; see the server log" : "request failed with HTTP " + code;
    }
}
