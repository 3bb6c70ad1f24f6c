package io.tessera.kernel.kubeproxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.tessera.kernel.routing.RequestInfo;
import io.tessera.kernel.routing.RequestInfoResolver;
import io.tessera.kernel.security.Authorizer;
import io.tessera.kernel.security.UserInfo;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Plain forwarding through {@link KubeProxy} in a bare Jetty, against a recording upstream: the
 * proxy's one shared HTTP client must not carry state from one caller's exchange into another's.
 */
class ForwardingTest {

    HttpServer upstream;
    Server proxy;
    final BlockingQueue<Map<String, List<String>>> seen = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/api/v1/namespaces/p1/secrets", exchange -> {
            seen.add(Map.copyOf(exchange.getRequestHeaders()));
            byte[] gzipped = gzip(LIST);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("Content-Encoding", "gzip");
            exchange.sendResponseHeaders(200, gzipped.length);
            exchange.getResponseBody().write(gzipped);
            exchange.close();
        });
        upstream.createContext("/", exchange -> {
            seen.add(Map.copyOf(exchange.getRequestHeaders()));
            byte[] body = LIST.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("Set-Cookie", "session=of-" + exchange.getRequestHeaders().getFirst("Impersonate-User"));
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        upstream.start();
        Upstream up = new Upstream(URI.create("http://127.0.0.1:" + upstream.getAddress().getPort()), null, () -> "Bearer platform-credential");
        KubeProxy kubeProxy = new KubeProxy(() -> up, () -> (Authorizer) (user, info) -> Authorizer.Decision.allow());
        proxy = new Server();
        ServerConnector connector = new ServerConnector(proxy);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        proxy.addConnector(connector);
        proxy.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                RequestInfo info = RequestInfoResolver.resolve(request.getMethod(), Request.getPathInContext(request),
                        request.getHttpURI().getQuery());
                String name = request.getHeaders().get("X-Test-User");
                UserInfo user = new UserInfo(name, "", List.of("system:authenticated"), Map.of());
                kubeProxy.handle(request, response, callback, user, info);
                return true;
            }
        });
        proxy.start();
    }

    @AfterEach
    void stop() throws Exception {
        proxy.stop();
        upstream.stop(0);
    }

    static final String LIST = "{\"kind\":\"ConfigMapList\",\"items\":[]}";

    static byte[] gzip(String text) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(out)) {
            z.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    URI proxied(String path) {
        return URI.create("http://127.0.0.1:" + ((ServerConnector) proxy.getConnectors()[0]).getLocalPort() + path);
    }

    @Test
    void encodingIsTheCallersChoiceAndACompressedAnswerPassesThroughUntouched() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> plain = http.send(HttpRequest.newBuilder(proxied("/api/v1/namespaces/p1/configmaps"))
                .header("X-Test-User", "alice").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(seen.poll(5, TimeUnit.SECONDS)).doesNotContainKey("Accept-encoding");

        HttpResponse<byte[]> compressed = http.send(HttpRequest.newBuilder(proxied("/api/v1/namespaces/p1/secrets"))
                .header("X-Test-User", "alice").header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(seen.poll(5, TimeUnit.SECONDS)).containsEntry("Accept-encoding", List.of("gzip"));
        assertThat(compressed.statusCode()).isEqualTo(200);
        assertThat(compressed.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(compressed.body()).isEqualTo(gzip(LIST));
        assertThat(compressed.headers().firstValue("Content-Length")).hasValue(String.valueOf(gzip(LIST).length));
    }

    @Test
    void aCookieTheUpstreamSetsForOneCallerIsNeverSentWithAnothersRequest() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI list = URI.create("http://127.0.0.1:" + ((ServerConnector) proxy.getConnectors()[0]).getLocalPort()
                + "/api/v1/namespaces/p1/configmaps");
        HttpResponse<String> alice = http.send(HttpRequest.newBuilder(list).header("X-Test-User", "alice").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(alice.statusCode()).isEqualTo(200);
        assertThat(alice.headers().allValues("Set-Cookie")).containsExactly("session=of-alice");
        assertThat(alice.body()).isEqualTo(LIST);
        assertThat(alice.headers().firstValue("Content-Length")).hasValue(String.valueOf(alice.body().length()));
        Map<String, List<String>> first = seen.poll(5, TimeUnit.SECONDS);
        assertThat(first).containsEntry("Impersonate-user", List.of("alice"));

        HttpResponse<String> bob = http.send(HttpRequest.newBuilder(list).header("X-Test-User", "bob").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(bob.statusCode()).isEqualTo(200);
        Map<String, List<String>> second = seen.poll(5, TimeUnit.SECONDS);
        assertThat(second).containsEntry("Impersonate-user", List.of("bob"))
                .containsEntry("Authorization", List.of("Bearer platform-credential"))
                .doesNotContainKey("Cookie");
    }
}
