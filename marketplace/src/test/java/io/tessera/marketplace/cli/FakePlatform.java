package io.tessera.marketplace.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A scripted HTTP server standing in for the platform in the CLI's unit tests: each request goes
 * to {@link Handler}, and every request is recorded. The CLI's real counterpart is exercised by
 * the distribution's ExtensionGuideIT against a real 'tessera up'.
 */
final class FakePlatform implements AutoCloseable {

    record Request(String method, String path, String authorization, String contentType, String body) {
    }

    record Reply(int status, String body) {
        static Reply json(String body) {
            return new Reply(200, body);
        }

        static Reply status(int code, String reason, String message) {
            return new Reply(code, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"" + reason
                    + "\",\"message\":\"" + message + "\",\"code\":" + code + "}");
        }
    }

    interface Handler {
        Reply handle(Request request) throws Exception;
    }

    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    FakePlatform(Handler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String query = exchange.getRequestURI().getRawQuery();
            Request r = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query),
                    exchange.getRequestHeaders().getFirst("Authorization"), exchange.getRequestHeaders().getFirst("Content-Type"),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            requests.add(r);
            Reply reply;
            try {
                reply = handler.handle(r);
            } catch (Exception e) {
                reply = new Reply(500, "{\"message\":\"fake: " + e + "\"}");
            }
            if (reply == null) {
                reply = Reply.status(404, "NotFound", "fake: no route for " + r.method() + " " + r.path());
            }
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Request> requests(String method, String pathPrefix) {
        return requests.stream().filter(r -> r.method().equals(method) && r.path().startsWith(pathPrefix)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
