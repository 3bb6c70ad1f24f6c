package io.tessera.kernel.kubeproxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.kernel.routing.RequestInfo;
import io.tessera.kernel.routing.RequestInfoResolver;
import io.tessera.kernel.security.Authorizer;
import io.tessera.kernel.security.UserInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
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
 * exec/attach/port-forward are HTTP/1.1 upgrades the embedded cluster cannot serve (no kubelet):
 * the pass-through is tested against a WebSocket upstream started here, which records what it
 * received and echoes text frames.
 */
class UpgradePassThroughTest {

    static final UserInfo BOB = new UserInfo("bob", "", List.of("system:authenticated"), Map.of("scope", List.of("a b")));

    ServerSocket upstream;
    Server proxy;
    final Map<String, List<String>> seenHeaders = new ConcurrentHashMap<>();
    final CompletableFuture<String> seenRequestLine = new CompletableFuture<>();
    volatile boolean refuse;

    @BeforeEach
    void start() throws Exception {
        upstream = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::serveUpstream, "fake-kubelet");
        t.setDaemon(true);
        t.start();
        Upstream up = new Upstream(URI.create("http://127.0.0.1:" + upstream.getLocalPort()), null, () -> "Bearer platform-credential");
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
                kubeProxy.handle(request, response, callback, BOB, info);
                return true;
            }
        });
        proxy.start();
    }

    @AfterEach
    void stop() throws Exception {
        proxy.stop();
        upstream.close();
    }

    URI proxyUri(String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + ((ServerConnector) proxy.getConnectors()[0]).getLocalPort() + pathAndQuery);
    }

    @Test
    void webSocketExecIsTunnelledWithThePlatformsCredentialsAndTheCallersIdentity() throws Exception {
        java.util.concurrent.BlockingQueue<String> replies = new java.util.concurrent.LinkedBlockingQueue<>();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer callers-own-token")
                .subprotocols("v5.channel.k8s.io")
                .buildAsync(proxyUri("/api/v1/namespaces/p1/pods/web/exec?command=sh&stdin=true"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        replies.add(data.toString());
                        webSocket.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        assertThat(ws.getSubprotocol()).isEqualTo("v5.channel.k8s.io");
        ws.sendText("hello", true).get(10, TimeUnit.SECONDS);
        assertThat(replies.poll(10, TimeUnit.SECONDS)).isEqualTo("echo:hello");
        // a second exchange on the same tunnel: bytes keep flowing both ways
        ws.sendText("again", true).get(10, TimeUnit.SECONDS);
        assertThat(replies.poll(10, TimeUnit.SECONDS)).isEqualTo("echo:again");
        ws.abort();

        assertThat(seenRequestLine.get(10, TimeUnit.SECONDS))
                .isEqualTo("GET /api/v1/namespaces/p1/pods/web/exec?command=sh&stdin=true HTTP/1.1");
        assertThat(seenHeaders.get("authorization")).containsExactly("Bearer platform-credential");
        assertThat(seenHeaders.get("impersonate-user")).containsExactly("bob");
        assertThat(seenHeaders.get("impersonate-group")).containsExactly("system:authenticated");
        assertThat(seenHeaders.get("impersonate-extra-scope")).containsExactly("a b");
        assertThat(seenHeaders.get("upgrade")).containsExactly("websocket");
    }

    @Test
    void anUpstreamRefusalOfTheUpgradeReachesTheClientAsIs() throws Exception {
        refuse = true;
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> HttpClient.newHttpClient().newWebSocketBuilder()
                        .buildAsync(proxyUri("/api/v1/namespaces/p1/pods/web/exec?command=sh"), new WebSocket.Listener() {
                        }).get(10, TimeUnit.SECONDS));
        assertThat(e.getCause()).isInstanceOf(WebSocketHandshakeException.class);
        assertThat(((WebSocketHandshakeException) e.getCause()).getResponse().statusCode()).isEqualTo(403);
    }

    /** A minimal RFC 6455 server: handshake, then echo each (masked, small) text frame unmasked. */
    private void serveUpstream() {
        while (!upstream.isClosed()) {
            try (Socket s = upstream.accept()) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                String[] lines = readHead(in).split("\r\n");
                for (int i = 1; i < lines.length; i++) {
                    int c = lines[i].indexOf(':');
                    seenHeaders.computeIfAbsent(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                            .add(lines[i].substring(c + 1).trim());
                }
                seenRequestLine.complete(lines[0]);
                if (refuse) {
                    byte[] body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"Forbidden\",\"code\":403}"
                            .getBytes(StandardCharsets.UTF_8);
                    out.write(("HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                            + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.write(body);
                    out.flush();
                    continue;
                }
                String key = seenHeaders.get("sec-websocket-key").get(0);
                String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                        .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.ISO_8859_1)));
                out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                        + accept + "\r\nSec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                while (true) {
                    int b0 = in.read();
                    if (b0 < 0) {
                        break;
                    }
                    int len = in.read() & 0x7f;
                    byte[] mask = in.readNBytes(4);
                    byte[] payload = in.readNBytes(len);
                    for (int i = 0; i < payload.length; i++) {
                        payload[i] ^= mask[i % 4];
                    }
                    if ((b0 & 0x0f) != 1) {
                        break;
                    }
                    byte[] echo = ("echo:" + new String(payload, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                    out.write(new byte[] {(byte) 0x81, (byte) echo.length});
                    out.write(echo);
                    out.flush();
                }
            } catch (Exception e) {
                if (!upstream.isClosed()) {
                    seenRequestLine.completeExceptionally(e);
                }
            }
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed before the end of the head");
            }
            head.write(c);
            String s = head.toString(StandardCharsets.ISO_8859_1);
            if (s.endsWith("\r\n\r\n")) {
                return s.substring(0, s.length() - 4);
            }
        }
    }
}
