package io.tessera.kernel.routing;

import io.tessera.kernel.concurrent.DaemonThreads;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One mount point ({@code /kapis/g/v} or a kernel prefix) and the Jersey container serving it.
 *
 * <p>A container serves one prefix, or several (the kernel's boot mounts share one, see
 * {@link RouteTable#mountShared}): a shared generation is installed in the slot of each of its
 * prefixes and retired only when the last of those slots lets it go.
 *
 * <p>A swap builds and initialises the new container first, then replaces a volatile reference;
 * the old container is destroyed only when its last in-flight request has finished. So a request
 * is always served completely by one generation and none fails during a swap (Jersey's own
 * {@code reload()} shuts the old application down first and fails in-flight requests).
 */
final class AppSlot {

    private static final Logger LOG = LoggerFactory.getLogger(AppSlot.class);

    private final String prefix;
    private volatile Generation current;

    AppSlot(String prefix) {
        this.prefix = prefix;
    }

    String prefix() {
        return prefix;
    }

    Object owner() {
        Generation g = current;
        return g == null ? null : g.owner;
    }

    /**
     * Builds and initialises a container for {@code config}; no slot serves it until {@link #install}.
     *
     * @param name what the logs call it
     * @param base the path the container's resources are relative to: the prefix it serves, or
     *        {@link RouteTable#ROOT} when its resources carry their full paths
     */
    static Generation build(String name, String base, Object owner, ResourceConfig config, ServletContext context)
            throws ServletException {
        ServletContainer container = new ServletContainer(config);
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // Jersey looks its own providers up through the context class loader; a bundle's
        // thread would not see them.
        thread.setContextClassLoader(AppSlot.class.getClassLoader());
        try {
            container.init(new Config(name, context));
        } finally {
            thread.setContextClassLoader(previous);
        }
        return new Generation(name, base, owner, container);
    }

    /**
     * Makes {@code next} current and lets the previous generation go (destroyed once no slot
     * serves it and its requests are drained).
     */
    void install(Generation next) {
        next.slots.incrementAndGet();
        Generation previous = current;
        current = next;
        if (previous != null) {
            previous.detach();
        }
    }

    /** Lets the current generation go; afterwards the slot serves nothing. */
    void retire() {
        Generation previous = current;
        current = null;
        if (previous != null) {
            previous.detach();
        }
    }

    /**
     * Serves a request with the current generation.
     *
     * @return false when the slot has no generation (it was just unmounted)
     */
    boolean service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        Generation g = acquire();
        if (g == null) {
            return false;
        }
        boolean async = false;
        try {
            g.container.service(new MountedRequest(request, g.base), response);
            if (request.isAsyncStarted()) {
                // a suspended JAX-RS request (AsyncResponse) still uses this generation until it completes
                request.getAsyncContext().addListener(new ReleaseOnComplete(g));
                async = true;
            }
            return true;
        } finally {
            if (!async) {
                g.release();
            }
        }
    }

    /**
     * Releases a generation when an asynchronous request ends, however it ends. The servlet
     * completes while the resuming thread is still inside Jersey (it releases the request scope
     * right after), so the release is deferred a little: destroying the application in between
     * would fail that cleanup. Only the release of an old generation waits; no request does.
     */
    private static final class ReleaseOnComplete implements jakarta.servlet.AsyncListener {
        private static final long DEFER_MILLIS = 1000;
        private static final java.util.concurrent.ScheduledExecutorService DEFERRED =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("tessera-app-release"));

        private final Generation generation;
        private final AtomicBoolean released = new AtomicBoolean();

        ReleaseOnComplete(Generation generation) {
            this.generation = generation;
        }

        private void release() {
            if (released.compareAndSet(false, true)) {
                DEFERRED.schedule(generation::release, DEFER_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        }

        @Override
        public void onComplete(jakarta.servlet.AsyncEvent event) {
            release();
        }

        @Override
        public void onTimeout(jakarta.servlet.AsyncEvent event) {
            // Jersey completes the response on timeout; onComplete follows
        }

        @Override
        public void onError(jakarta.servlet.AsyncEvent event) {
            release();
        }

        @Override
        public void onStartAsync(jakarta.servlet.AsyncEvent event) {
            event.getAsyncContext().addListener(this);
        }
    }

    private Generation acquire() {
        while (true) {
            Generation g = current;
            if (g == null) {
                return null;
            }
            g.inFlight.incrementAndGet();
            if (!g.retired) {
                return g;
            }
            // retired between the read and the increment: back off and take the newer one
            g.release();
        }
    }

    /** One built container, the slots serving it and the requests it is serving. */
    static final class Generation {
        private final String name;
        private final String base;
        private final Object owner;
        private final ServletContainer container;
        /** Slots this generation is current in; retired when the last one lets it go. */
        private final AtomicInteger slots = new AtomicInteger();
        private final AtomicInteger inFlight = new AtomicInteger();
        private final AtomicBoolean destroyed = new AtomicBoolean();
        private final java.util.concurrent.CompletableFuture<Void> gone = new java.util.concurrent.CompletableFuture<>();
        private volatile boolean retired;

        private Generation(String name, String base, Object owner, ServletContainer container) {
            this.name = name;
            this.base = base;
            this.owner = owner;
            this.container = container;
        }

        private void detach() {
            if (slots.decrementAndGet() > 0) {
                return;
            }
            retired = true;
            if (inFlight.get() == 0) {
                destroy();
            }
        }

        private void release() {
            if (inFlight.decrementAndGet() == 0 && retired) {
                destroy();
            }
        }

        private void destroy() {
            if (destroyed.compareAndSet(false, true)) {
                try {
                    container.destroy();
                    LOG.info("event=app.destroyed app={}", name);
                } catch (RuntimeException e) {
                    LOG.warn("event=app.destroy.failed app={} error={}", name, e.toString());
                } finally {
                    gone.complete(null);
                }
            }
        }

        Object owner() {
            return owner;
        }

        /** Completes when this generation has served its last request and is destroyed. */
        java.util.concurrent.CompletableFuture<Void> gone() {
            return gone;
        }
    }

    /** Presents the generation's base as the servlet path, so resource paths are relative to it. */
    private static final class MountedRequest extends jakarta.servlet.http.HttpServletRequestWrapper {
        private final String servletPath;
        private final String pathInfo;

        MountedRequest(HttpServletRequest request, String base) {
            super(request);
            String decoded = RouteTable.decodedPath(request);
            // A root-based generation keeps the whole path as path info, as a servlet mapped to "/*" would.
            String servletPrefix = RouteTable.ROOT.equals(base) ? "" : base;
            this.servletPath = servletPrefix;
            this.pathInfo = decoded.length() > servletPrefix.length() ? decoded.substring(servletPrefix.length()) : null;
        }

        @Override
        public String getServletPath() {
            return servletPath;
        }

        @Override
        public String getPathInfo() {
            return pathInfo;
        }
    }

    private record Config(String name, ServletContext context) implements ServletConfig {
        @Override
        public String getServletName() {
            return "app:" + name;
        }

        @Override
        public ServletContext getServletContext() {
            return context;
        }

        @Override
        public String getInitParameter(String key) {
            return null;
        }

        @Override
        public Enumeration<String> getInitParameterNames() {
            return Collections.emptyEnumeration();
        }
    }
}
