package io.tessera.extensions.notification;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Local stand-ins for Slack, DingTalk, WeCom and a webhook: each records what it receives and
 * answers as the real service does (Slack "ok", DingTalk/WeCom {"errcode":0}). {@code /flaky}
 * answers 500 to its first {@link #FLAKY_FAILURES} requests.
 */
final class HttpReceivers implements AutoCloseable {

    record Request(String path, String query, String authorization, JsonNode body) {
    }

    static final int FLAKY_FAILURES = 2;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    final List<Request> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger flaky = new AtomicInteger();

    HttpReceivers() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            int code = 200;
            String answer = "{\"errcode\":0,\"errmsg\":\"ok\"}";
            if (path.equals("/flaky") && flaky.incrementAndGet() <= FLAKY_FAILURES) {
                code = 500;
                answer = "down";
            } else if (path.startsWith("/slack")) {
                answer = "ok";
            }
            received.add(new Request(path, exchange.getRequestURI().getRawQuery(),
                    exchange.getRequestHeaders().getFirst("Authorization"), body));
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(code, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    List<Request> at(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
