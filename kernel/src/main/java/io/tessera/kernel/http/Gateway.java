package io.tessera.kernel.http;

import io.tessera.kernel.audit.AuditBus;
import io.tessera.kernel.health.HealthEndpoints;
import io.tessera.kernel.health.VersionEndpoint;
import io.tessera.kernel.http.tls.ServingKeys;
import io.tessera.kernel.kubeproxy.KubeProxy;
import io.tessera.kernel.kubeproxy.Upstream;
import io.tessera.kernel.metrics.HttpMetrics;
import io.tessera.kernel.routing.RouteTable;
import io.tessera.kernel.routing.RoutingServlet;
import java.net.BindException;
import java.net.URI;
import java.time.Duration;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Jetty server and the request chain, outermost first: graceful shutdown → metrics →
 * request info → authentication → cluster dispatch → authorization → audit → router.
 */
public final class Gateway {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    private static final Logger ACCESS = LoggerFactory.getLogger("io.tessera.kernel.http.access");

    private final Server server;
    private final GracefulHandler graceful;
    private ServerConnector http;
    private ServerConnector https;
    private final KubeProxy kubernetes;
    private volatile Upstream upstream;
    private volatile io.tessera.kernel.modules.ModuleServices modules;

    public Gateway(Security security, RouteTable routes, HealthEndpoints health, VersionEndpoint version,
            HttpMetrics metrics, AuditBus audit, String hostClusterName) {
        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("tessera-http");
        server = new Server(threads);
        server.setErrorHandler(new StatusErrorHandler());

        ServletContextHandler applications = new ServletContextHandler("/", ServletContextHandler.NO_SESSIONS);
        applications.setErrorHandler(new StatusErrorHandler());
        ServletHolder holder = new ServletHolder("routes", new RoutingServlet(routes));
        // started with the server, so the route table has its servlet context before any mount
        holder.setInitOrder(0);
        // JAX-RS AsyncResponse needs servlet async
        holder.setAsyncSupported(true);
        applications.addServlet(holder, "/*");

        kubernetes = new KubeProxy(() -> upstream, security::authorizer, () -> modules == null ? java.util.Optional.empty()
                : modules.lookup(io.tessera.kernel.spi.KubernetesWriteAdmission.class));
        Router router = new Router(applications, routes, health, version, metrics, kubernetes);
        AuditStage auditStage = new AuditStage(audit, router);
        AuthorizationStage authz = new AuthorizationStage(security, auditStage);
        ClusterDispatchStage clusters = new ClusterDispatchStage(hostClusterName, authz);
        AuthenticationStage authn = new AuthenticationStage(security, clusters);
        RequestInfoStage info = new RequestInfoStage(authn);
        graceful = new GracefulHandler(metrics.stage(info, Attributes::route, Gateway::accessLog));
        // At shutdown, idle keep-alive connections close after this; a request still being handled
        // is not cut by it (it runs until done or until the stop timeout, the shutdown grace).
        graceful.setShutdownIdleTimeout(250);
        server.setHandler(graceful);
    }

    /** One line per request, at debug level only (--debug): who, what, outcome, how long. */
    private static void accessLog(org.eclipse.jetty.server.Request request, int status, long nanos) {
        if (ACCESS.isDebugEnabled()) {
            io.tessera.kernel.routing.RequestInfo info = Attributes.info(request);
            ACCESS.debug("event=http.request requestId={} user={} method={} path={} status={} ms={}",
                    Attributes.requestId(request), Attributes.user(request).name(), request.getMethod(),
                    info == null ? org.eclipse.jetty.server.Request.getPathInContext(request) : info.path(), status, nanos / 1_000_000);
        }
    }

    public void addHttpConnector(String address, int port) {
        http = new ServerConnector(server, new HttpConnectionFactory(httpConfiguration()));
        http.setHost(address);
        http.setPort(port);
        server.addConnector(http);
    }

    public void addHttpsConnector(String address, int port, ServingKeys keys) {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        // loaded once by the kernel (which reports a bad keystore in one line), not again by Jetty
        tls.setKeyStore(keys.keyStore());
        if (keys.password() != null) {
            tls.setKeyStorePassword(keys.password());
            tls.setKeyManagerPassword(keys.password());
        }
        HttpConfiguration secure = httpConfiguration();
        SecureRequestCustomizer customizer = new SecureRequestCustomizer();
        // clients reach a development kernel by IP or localhost, which rarely match the certificate
        customizer.setSniHostCheck(false);
        secure.addCustomizer(customizer);
        https = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(secure));
        https.setHost(address);
        https.setPort(port);
        server.addConnector(https);
    }

    /** The cluster {@code /api} and {@code /apis} are proxied to; until set they answer 503. */
    public void connectKubernetes(Upstream cluster) {
        this.upstream = cluster;
    }

    /** The modules' services, for the proxy's admission check (looked up per request). */
    public void connectModules(io.tessera.kernel.modules.ModuleServices services) {
        this.modules = services;
    }

    /** An in-memory connector for tests of the chain that need no socket. */
    public LocalConnector addLocalConnector() {
        LocalConnector local = new LocalConnector(server);
        server.addConnector(local);
        return local;
    }

    private static HttpConfiguration httpConfiguration() {
        HttpConfiguration config = new HttpConfiguration();
        config.setSendServerVersion(false);
        config.setSendXPoweredBy(false);
        return config;
    }

    /**
     * Opens the listeners' sockets, each on its own, so that a taken port is named exactly (after a
     * failed start Jetty has closed every connector, and which one failed can no longer be told).
     * {@link #start} does it when this was not called first.
     *
     * @throws PortInUseException when a port is taken; then no listener is left open
     */
    public void bind() throws Exception {
        for (ServerConnector connector : new ServerConnector[] {http, https}) {
            if (connector == null || connector.isOpen()) {
                continue;
            }
            try {
                connector.open();
            } catch (Exception e) {
                stopQuietly();
                if (findBind(e) instanceof BindException) {
                    throw new PortInUseException(connector.getHost(), connector.getPort());
                }
                throw e;
            }
        }
    }

    /**
     * @throws PortInUseException when a listener's port is taken
     */
    public void start(Duration shutdownGrace) throws Exception {
        server.setStopTimeout(shutdownGrace.toMillis());
        bind();
        try {
            server.start();
        } catch (Exception e) {
            stopQuietly();
            throw e;
        }
        LOG.info("event=http.started url={}{}", baseUri(), https == null ? "" : " https=" + httpsUri());
    }

    private static Throwable findBind(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return t;
            }
        }
        return e;
    }

    public URI baseUri() {
        return http == null ? null : URI.create("http://" + hostForUri(http.getHost()) + ":" + http.getLocalPort());
    }

    public URI httpsUri() {
        return https == null ? null : URI.create("https://" + hostForUri(https.getHost()) + ":" + https.getLocalPort());
    }

    private static String hostForUri(String host) {
        if (host == null || host.isEmpty() || host.equals("0.0.0.0")) {
            return "127.0.0.1";
        }
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** Requests being served now (to observe draining). */
    public long inFlight() {
        return graceful.getCurrentRequestCount();
    }

    /**
     * Stops accepting, lets in-flight requests finish (up to the grace set at start; new ones get
     * 503 meanwhile), then stops.
     */
    public void stop() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("event=http.stop.failed error={}", e.toString());
        }
        kubernetes.close();
    }

    private void stopQuietly() {
        for (ServerConnector connector : new ServerConnector[] {http, https}) {
            if (connector != null) {
                connector.close();
            }
        }
        try {
            server.stop();
        } catch (Exception ignored) {
            // already failing to start; the start error is what matters
        }
    }

    /** A listener could not bind because its port is taken. */
    public static final class PortInUseException extends Exception {
        public PortInUseException(String host, int port) {
            super("port " + port + " on " + host + " is already in use");
        }
    }
}
