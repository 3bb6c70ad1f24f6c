package io.tessera.kernel.kubeproxy;

import io.tessera.kernel.http.Status;
import io.tessera.kernel.routing.RequestInfo;
import io.tessera.kernel.security.Authorizer;
import io.tessera.kernel.security.UserInfo;
import io.tessera.kernel.spi.KubernetesWriteAdmission;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes API proxy ({@code /api/**}, {@code /apis/**}; {@code /clusters/{host}/…} arrive
 * here with the prefix stripped). The caller has already been authenticated and authorized by the
 * platform's chain; this forwards the request with the platform's own credentials plus
 * {@code Impersonate-*} headers for the caller, and drops the caller's {@code Authorization}.
 *
 * <p>Responses are streamed without a blocking thread ({@code Relay}): every chunk the Jetty client
 * reads from the API server is written to the caller at once, which is what a watch or
 * {@code logs -f} needs. Upgrade requests (exec,
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

    static final Duration REQUEST_IDLE = Duration.ofMinutes(2);
    static final Duration STREAM_IDLE = Duration.ofMinutes(30);

    private final Supplier<Upstream> upstream;
    private final Supplier<Authorizer> authorizer;
    private final Supplier<Optional<KubernetesWriteAdmission>> admission;
    private volatile UpstreamClient client;

    public KubeProxy(Supplier<Upstream> upstream, Supplier<Authorizer> authorizer) {
        this(upstream, authorizer, Optional::empty);
    }

    /** @param admission looked up per request: the module providing it may start after the proxy serves */
    public KubeProxy(Supplier<Upstream> upstream, Supplier<Authorizer> authorizer,
            Supplier<Optional<KubernetesWriteAdmission>> admission) {
        this.upstream = upstream;
        this.authorizer = authorizer;
        this.admission = admission;
    }

    /** One started Jetty client per upstream, shared by all requests (connections are re-used). */
    private record UpstreamClient(Upstream upstream, HttpClient http) {
    }

    private HttpClient client(Upstream up) {
        UpstreamClient c = client;
        if (c != null && c.upstream() == up) {
            return c.http();
        }
        synchronized (this) {
            c = client;
            if (c == null || c.upstream() != up) {
                HttpClient http = newClient(up);
                if (c != null) {
                    stopQuietly(c.http());
                }
                client = c = new UpstreamClient(up, http);
            }
            return c.http();
        }
    }

    private static HttpClient newClient(Upstream up) {
        ClientConnector connector = new ClientConnector();
        connector.setConnectTimeout(Duration.ofSeconds(10));
        if (up.tls() != null) {
            SslContextFactory.Client tls = new SslContextFactory.Client();
            tls.setSslContext(up.tls());
            connector.setSslContextFactory(tls);
        }
        QueuedThreadPool threads = new QueuedThreadPool(64, 2);
        threads.setName("tessera-kubeproxy");
        threads.setDaemon(true);
        connector.setExecutor(threads);
        HttpClientTransportOverHTTP transport = new HttpClientTransportOverHTTP(connector);
        // The relay's listeners never block (Relay: non-blocking copy, demand-driven), so the
        // selector thread that read the API server's bytes may run them itself instead of handing
        // each read to another thread
        transport.setInvocationType(Invocable.InvocationType.NON_BLOCKING);
        HttpClient http = new HttpClient(transport);
        http.setExecutor(threads);
        http.setFollowRedirects(false);
        // the caller's own User-Agent is forwarded; bodies pass through as the API server sent them
        http.setUserAgentField(null);
        // One client serves every user: a cookie the API server (or a service behind
        // .../services/x/proxy) sets for one caller must never be sent with another's request.
        // The Set-Cookie itself is relayed to its caller like any header.
        http.setHttpCookieStore(new HttpCookieStore.Empty());
        // Ordinary requests; a stream raises its own (Relay.send). Lowering a connection's idle
        // timeout re-schedules its timer, raising it does not, so the common case is the default.
        http.setIdleTimeout(REQUEST_IDLE.toMillis());
        http.setMaxConnectionsPerDestination(256);
        // 64 KiB reads (Jetty's default is 16): a list arrives in a few large pieces, so the relay
        // makes fewer reads and writes and the caller is woken fewer times; 64 KiB is the largest
        // size the client's default buffer pool keeps for re-use
        http.setResponseBufferSize(64 * 1024);
        try {
            http.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the Kubernetes API client: " + e.getMessage(), e);
        }
        // No content decoding, so no Accept-Encoding of the client's own: the caller's is forwarded
        // as sent and a compressed answer reaches it as the API server sent it. Emptied after
        // start, because start() installs every compression found on the class path (gzip) when
        // the list is empty, which made the proxy ask for gzip on every request and decode it.
        http.getContentDecoderFactories().clear();
        return http;
    }

    /** Stops the upstream client (its connections and threads). */
    public synchronized void close() {
        UpstreamClient c = client;
        client = null;
        if (c != null) {
            stopQuietly(c.http());
        }
    }

    private static void stopQuietly(HttpClient http) {
        try {
            http.stop();
        } catch (Exception e) {
            LOG.debug("event=kubeproxy.client.stop.failed error={}", e.toString());
        }
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
        if (refusedByAdmission(request, response, callback, up, user, info, body)) {
            return;
        }
        URI target = up.resolve(info.path(), request.getHttpURI().getQuery());
        org.eclipse.jetty.client.Request out = client(up).newRequest(target).method(request.getMethod());
        out.headers(h -> {
            for (HttpField f : request.getHeaders()) {
                if (forwardableLowerCase(f.getLowerCaseName())) {
                    h.add(f);
                }
            }
            for (Map.Entry<String, String> c : credentialHeaders(up, user)) {
                h.add(c.getKey(), c.getValue());
            }
        });
        if (body.length > 0) {
            String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
            out.body(new BytesRequestContent(type, body));
        }
        new Relay(out, request, response, callback, up, info, streams(info, request)).send();
    }

    /**
     * A module's admission check ({@link KubernetesWriteAdmission}, tenancy's workspace quota) for
     * a create, update or patch of a resource it concerns: the same request goes to the API server
     * as a dry run ({@code dryRun=All}, so defaults, patches and server-side apply are resolved by
     * the API server, whatever the body's format), and the resulting object is checked. A refusal
     * is answered here as 403 and nothing is written. A dry run the API server refuses (invalid,
     * conflict …) skips the check: the real request gets the same answer.
     *
     * @return true when the response has been answered
     */
    private boolean refusedByAdmission(Request request, Response response, Callback callback, Upstream up, UserInfo user,
            RequestInfo info, byte[] body) {
        String method = request.getMethod();
        if (!info.resourceRequest() || !info.subresource().isEmpty() || info.resource().isEmpty()
                || !(method.equals("POST") || method.equals("PUT") || method.equals("PATCH"))) {
            return false;
        }
        Optional<KubernetesWriteAdmission> check = admission.get();
        if (check.isEmpty() || !check.get().concerns(info.apiGroup(), info.resource())) {
            return false;
        }
        String query = request.getHttpURI().getQuery();
        URI target = up.resolve(info.path(), (query == null || query.isEmpty() ? "" : query + "&") + "dryRun=All");
        org.eclipse.jetty.client.Request dryRun = client(up).newRequest(target).method(method).timeout(30, TimeUnit.SECONDS);
        dryRun.headers(h -> {
            for (HttpField f : request.getHeaders()) {
                // the dry run's answer is read here, so plain JSON: no Accept or Accept-Encoding of the caller's
                if (forwardable(f.getName()) && !f.is(HttpHeader.ACCEPT.asString()) && !f.is(HttpHeader.ACCEPT_ENCODING.asString())) {
                    h.add(f);
                }
            }
            h.put(HttpHeader.ACCEPT, "application/json");
            for (Map.Entry<String, String> c : credentialHeaders(up, user)) {
                h.add(c.getKey(), c.getValue());
            }
        });
        if (body.length > 0) {
            dryRun.body(new BytesRequestContent(request.getHeaders().get(HttpHeader.CONTENT_TYPE), body));
        }
        ContentResponse result;
        try {
            result = dryRun.send();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            new Status(503, "ServiceUnavailable", "interrupted").write(response, callback);
            return true;
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            LOG.warn("event=kubeproxy.upstream.failed upstream={} path={} error={}", up.base(), info.path(), e.toString());
            new Status(503, "ServiceUnavailable", "the Kubernetes API at " + up.base() + " cannot be reached: "
                    + e.getClass().getSimpleName()).write(response, callback);
            return true;
        }
        if (result.getStatus() != 200 && result.getStatus() != 201) {
            return false;
        }
        Map<String, Object> object;
        try {
            object = JSON.readValue(result.getContent(), MAP);
        } catch (IOException e) {
            LOG.warn("event=kubeproxy.admission.unreadable path={} error={}", info.path(), e.toString());
            return false;
        }
        Optional<String> refusal = check.get().refusal(result.getStatus() == 201 ? "CREATE" : "UPDATE", object);
        if (refusal.isEmpty()) {
            return false;
        }
        LOG.info("event=kubeproxy.admission.refused user={} verb={} path={}", user.name(), info.verb(), info.path());
        new Status(403, "Forbidden", refusal.get()).write(response, callback);
        return true;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>> MAP = new com.fasterxml.jackson.core.type.TypeReference<>() {
    };

    /**
     * Watches and followed logs are flushed as they arrive, head first (a watch's client learns it
     * is established before any event). Other responses are written as the API server sends them
     * too, without committing early, so a short answer keeps its {@code Content-Length}.
     */
    static boolean streams(RequestInfo info, Request request) {
        if ("watch".equals(info.verb())) {
            return true;
        }
        String query = request.getHttpURI().getQuery();
        return query != null && (query.contains("watch=true") || query.contains("watch=1") || query.contains("follow=true"));
    }

    /**
     * One forwarded exchange, without a blocking thread: the Jetty client reads the API server's
     * response and each chunk is written to the caller as it arrives (non-blocking, demand-driven),
     * so neither side buffers a whole body and no thread waits on either socket.
     */
    private static final class Relay implements org.eclipse.jetty.client.Response.Listener {
        private final org.eclipse.jetty.client.Request out;
        private final Request request;
        private final Response response;
        private final Callback callback;
        private final Upstream up;
        private final RequestInfo info;
        private final boolean streaming;
        private final AtomicBoolean answered = new AtomicBoolean();
        private volatile boolean headersRelayed;

        Relay(org.eclipse.jetty.client.Request out, Request request, Response response, Callback callback, Upstream up,
                RequestInfo info, boolean streaming) {
            this.out = out;
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.up = up;
            this.info = info;
            this.streaming = streaming;
        }

        void send() {
            // the caller went away (kubectl stopped watching): stop reading from the API server too
            request.addFailureListener(x -> out.abort(x));
            if (streaming) {
                // a watch or `logs -f` may be quiet for minutes; Kubernetes ends a watch itself (timeoutSeconds)
                out.idleTimeout(STREAM_IDLE.toMillis(), TimeUnit.MILLISECONDS);
            }
            // send(listener) registers every part of a Response.Listener (headers, content source,
            // complete); registering it again with onResponseListener made two content consumers,
            // which Jetty serves through a demultiplexer that waits for both on every chunk
            out.send(this);
        }

        @Override
        public void onHeaders(org.eclipse.jetty.client.Response upstreamResponse) {
            response.setStatus(upstreamResponse.getStatus());
            for (HttpField f : upstreamResponse.getHeaders()) {
                String n = f.getLowerCaseName();
                if (!HOP_BY_HOP.contains(n) || n.equals("content-length")) {
                    response.getHeaders().add(f);
                }
            }
            headersRelayed = true;
        }

        @Override
        public void onContentSource(org.eclipse.jetty.client.Response upstreamResponse, Content.Source source) {
            if (!answered.compareAndSet(false, true)) {
                source.fail(new IOException("already answered"));
                return;
            }
            Callback done = Callback.from(callback::succeeded, x -> {
                LOG.debug("event=kubeproxy.stream.ended path={} error={}", info.path(), x.toString());
                out.abort(x);
                callback.failed(x);
            });
            if (streaming) {
                response.write(false, ByteBuffer.allocate(0), Callback.from(() -> Content.copy(source, response, done), done::failed));
            } else {
                Content.copy(source, response, done);
            }
        }

        @Override
        public void onComplete(Result result) {
            if (!answered.compareAndSet(false, true)) {
                return; // the copy completes the callback
            }
            if (result.isSucceeded()) {
                response.write(true, null, callback); // a response without a body
            } else if (!headersRelayed && !response.isCommitted()) {
                Throwable e = result.getFailure();
                LOG.warn("event=kubeproxy.upstream.failed upstream={} path={} error={}", up.base(), info.path(), e.toString());
                response.getHeaders().clear();
                new Status(503, "ServiceUnavailable", "the Kubernetes API at " + up.base() + " cannot be reached: "
                        + e.getClass().getSimpleName()).write(response, callback);
            } else {
                callback.failed(result.getFailure());
            }
        }
    }

    private static byte[] readBody(Request request) throws IOException {
        long declared = request.getLength();
        if (declared > MAX_BODY) {
            throw new BodyTooLarge();
        }
        if (declared == 0 || (declared < 0 && withoutBody(request))) {
            return NO_BODY;
        }
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] all = in.readNBytes(MAX_BODY + 1);
            if (all.length > MAX_BODY) {
                throw new BodyTooLarge();
            }
            return all;
        }
    }

    private static final byte[] NO_BODY = new byte[0];

    /**
     * An HTTP/1 request with neither {@code Content-Length} nor {@code Transfer-Encoding} has no
     * body (RFC 9112 §6.3), which is every GET: nothing to read, and no read buffer to allocate.
     */
    private static boolean withoutBody(Request request) {
        return request.getConnectionMetaData().getHttpVersion().getVersion() < 20
                && !request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
    }

    static boolean forwardable(String name) {
        return forwardableLowerCase(name.toLowerCase(Locale.ROOT));
    }

    private static boolean forwardableLowerCase(String n) {
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
