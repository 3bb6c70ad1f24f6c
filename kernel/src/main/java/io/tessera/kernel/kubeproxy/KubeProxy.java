package io.tessera.kernel.kubeproxy;

import io.tessera.kernel.http.Status;
import io.tessera.kernel.routing.RequestInfo;
import io.tessera.kernel.security.Authorizer;
import io.tessera.kernel.security.UserInfo;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes API proxy ({@code /api/**}, {@code /apis/**}; {@code /clusters/{host}/…} arrive
 * here with the prefix stripped). The caller has already been authenticated and authorized by the
 * platform's chain; this forwards the request with the platform's own credentials plus
 * {@code Impersonate-*} headers for the caller, and drops the caller's {@code Authorization}.
 *
 * <p>Responses are streamed: every chunk read from the API server is written (and so flushed) to
 * the client at once, which is what a watch or {@code logs -f} needs. Upgrade requests (exec,
 * attach, port-forward over WebSocket or SPDY) become a byte tunnel ({@link UpgradeTunnel}).
 * {@code SelfSubjectAccessReview}s are answered here by the platform's RBAC.
 */
public final class KubeProxy {

    private static final Logger LOG = LoggerFactory.getLogger(KubeProxy.class);

    /** Kubernetes' own limit for a request body is 3 MiB; a little headroom for encodings. */
    static final int MAX_BODY = 4 * 1024 * 1024;

    /** Hop-by-hop headers (RFC 9110 §7.6.1) and headers the JDK client sets itself. */
    static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length", "expect",
            "http2-settings");

    private final Supplier<Upstream> upstream;
    private final Supplier<Authorizer> authorizer;
    private volatile HttpClient client;
    private volatile Upstream clientFor;

    public KubeProxy(Supplier<Upstream> upstream, Supplier<Authorizer> authorizer) {
        this.upstream = upstream;
        this.authorizer = authorizer;
    }

    private HttpClient client(Upstream up) {
        HttpClient c = client;
        if (c == null || clientFor != up) {
            synchronized (this) {
                if (client == null || clientFor != up) {
                    HttpClient.Builder b = HttpClient.newBuilder()
                            .version(HttpClient.Version.HTTP_1_1)
                            .followRedirects(HttpClient.Redirect.NEVER)
                            .connectTimeout(Duration.ofSeconds(10))
                            // blocking reads of upstream bodies happen on Jetty's threads; the
                            // client's own work needs only a few
                            .executor(Executors.newCachedThreadPool(r -> {
                                Thread t = new Thread(r, "tessera-kubeproxy");
                                t.setDaemon(true);
                                return t;
                            }));
                    if (up.tls() != null) {
                        b.sslContext(up.tls());
                    }
                    client = b.build();
                    clientFor = up;
                }
                c = client;
            }
        }
        return c;
    }

    /** Serves one request; always completes the callback. */
    public void handle(Request request, Response response, Callback callback, UserInfo user, RequestInfo info) {
        Upstream up = upstream.get();
        if (up == null) {
            new Status(503, "ServiceUnavailable", "the Kubernetes API is not connected yet").write(response, callback);
            return;
        }
        if (SelfSubjectAccessReviews.handles(request.getMethod(), info)) {
            SelfSubjectAccessReviews.answer(request, response, callback, user, authorizer.get());
            return;
        }
        if (UpgradeTunnel.isUpgrade(request)) {
            UpgradeTunnel.open(request, response, callback, up, user, info);
            return;
        }
        forward(request, response, callback, up, user, info);
    }

    private void forward(Request request, Response response, Callback callback, Upstream up, UserInfo user, RequestInfo info) {
        byte[] body;
        try {
            body = readBody(request);
        } catch (BodyTooLarge e) {
            new Status(413, "RequestEntityTooLarge", "the request body is larger than " + MAX_BODY + " bytes")
                    .write(response, callback);
            return;
        } catch (IOException e) {
            new Status(400, "BadRequest", "cannot read the request body: " + e.getMessage()).write(response, callback);
            return;
        }
        URI target = up.resolve(info.path(), request.getHttpURI().getQuery());
        HttpRequest.Builder out = HttpRequest.newBuilder(target)
                .method(request.getMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        for (HttpField f : request.getHeaders()) {
            if (forwardable(f.getName())) {
                out.header(f.getName(), f.getValue());
            }
        }
        for (Map.Entry<String, String> h : credentialHeaders(up, user)) {
            out.header(h.getKey(), h.getValue());
        }
        HttpResponse<InputStream> in;
        try {
            in = client(up).send(out.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            LOG.warn("event=kubeproxy.upstream.failed upstream={} path={} error={}", up.base(), info.path(), e.toString());
            new Status(503, "ServiceUnavailable", "the Kubernetes API at " + up.base() + " cannot be reached: "
                    + e.getClass().getSimpleName()).write(response, callback);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            new Status(503, "ServiceUnavailable", "interrupted").write(response, callback);
            return;
        }
        response.setStatus(in.statusCode());
        in.headers().map().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) || name.equalsIgnoreCase("content-length")) {
                for (String v : values) {
                    response.getHeaders().add(name, v);
                }
            }
        });
        stream(in.body(), response, callback, info);
    }

    /** Copies the upstream body chunk by chunk; each write reaches the client before the next read. */
    private static void stream(InputStream body, Response response, Callback callback, RequestInfo info) {
        byte[] buf = new byte[16 * 1024];
        try (body) {
            // commit the head now: a watch's client learns it is established before any event
            try (Blocker.Callback head = Blocker.callback()) {
                response.write(false, ByteBuffer.allocate(0), head);
                head.block();
            }
            int n;
            while ((n = body.read(buf)) >= 0) {
                if (n == 0) {
                    continue;
                }
                try (Blocker.Callback written = Blocker.callback()) {
                    response.write(false, ByteBuffer.wrap(buf, 0, n), written);
                    written.block();
                }
                // a fresh buffer: Jetty may still hold the previous one in a gather write
                buf = new byte[16 * 1024];
            }
            response.write(true, null, callback);
        } catch (IOException e) {
            // the client went away (watch closed by kubectl) or the API server closed mid-body
            LOG.debug("event=kubeproxy.stream.ended path={} error={}", info.path(), e.toString());
            callback.failed(e);
        } catch (RuntimeException e) {
            callback.failed(e);
        }
    }

    private static byte[] readBody(Request request) throws IOException {
        long declared = request.getLength();
        if (declared > MAX_BODY) {
            throw new BodyTooLarge();
        }
        if (declared == 0) {
            return new byte[0];
        }
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] all = in.readNBytes(MAX_BODY + 1);
            if (all.length > MAX_BODY) {
                throw new BodyTooLarge();
            }
            return all;
        }
    }

    static boolean forwardable(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return !HOP_BY_HOP.contains(n) && !n.equals("authorization") && !n.startsWith("impersonate-")
                && !n.equals("x-kubesphere-authorization") && !n.equals("cookie");
    }

    /**
     * The platform's credentials and the caller's identity. Extra keys are URL-encoded as
     * Kubernetes requires for {@code Impersonate-Extra-<key>}.
     */
    static List<Map.Entry<String, String>> credentialHeaders(Upstream up, UserInfo user) {
        java.util.ArrayList<Map.Entry<String, String>> h = new java.util.ArrayList<>();
        String auth = up.authorization();
        if (auth != null) {
            h.add(Map.entry("Authorization", auth));
        }
        h.add(Map.entry("Impersonate-User", user.name()));
        for (String g : user.groups()) {
            h.add(Map.entry("Impersonate-Group", g));
        }
        user.extra().forEach((k, values) -> {
            for (String v : values) {
                h.add(Map.entry("Impersonate-Extra-" + URLEncoder.encode(k, StandardCharsets.UTF_8), v));
            }
        });
        io.tessera.kernel.kube.ApiCallRecorder.recordImpersonation(h); // tests only: checks the chart's ClusterRole
        return h;
    }

    private static final class BodyTooLarge extends IOException {
        BodyTooLarge() {
            super("request body too large");
        }
    }
}
