package io.tessera.kernel.health;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code /healthz} and {@code /livez} (the process answers) and {@code /readyz} (every readiness
 * check passes), in the Kubernetes text format: {@code ok}, or one {@code [+]}/{@code [-]} line
 * per check followed by {@code readyz check failed}.
 */
public final class HealthEndpoints {

    private final Readiness readiness;

    public HealthEndpoints(Readiness readiness) {
        this.readiness = readiness;
    }

    public void live(Response response, Callback callback) {
        text(response, callback, 200, "ok");
    }

    public void ready(boolean verbose, Response response, Callback callback) {
        List<Readiness.Result> results = readiness.evaluate();
        boolean ok = results.stream().allMatch(Readiness.Result::ok);
        if (ok && !verbose) {
            text(response, callback, 200, "ok");
            return;
        }
        StringBuilder body = new StringBuilder();
        for (Readiness.Result r : results) {
            body.append(r.ok() ? "[+]" : "[-]").append(r.name()).append(r.ok() ? " ok" : " failed").append('\n');
        }
        body.append(ok ? "readyz check passed" : "readyz check failed");
        text(response, callback, ok ? 200 : 503, body.toString());
    }

    private static void text(Response response, Callback callback, int code, String body) {
        response.setStatus(code);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }
}
