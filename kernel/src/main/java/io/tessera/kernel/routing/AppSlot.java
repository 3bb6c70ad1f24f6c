package io.tessera.kernel.routing;

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

    /** Builds and initialises a container for {@code config}; the slot is unchanged until {@link #install}. */
    static Generation build(String prefix, Object owner, ResourceConfig config, ServletContext context)
            throws ServletException {
        ServletContainer container = new ServletContainer(config);
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // Jersey looks its own providers up through the context class loader; a bundle's
        // thread would not see them.
        thread.setContextClassLoader(AppSlot.class.getClassLoader());
        try {
            container.init(new Config(prefix, context));
        } finally {
            thread.setContextClassLoader(previous);
        }
        return new Generation(prefix, owner, container);
    }

    /** Makes {@code next} current and retires the previous generation (destroyed once drained). */
    void install(Generation next) {
        Generation previous = current;
        current = next;
        if (previous != null) {
            previous.retire();
        }
    }

    /** Retires the current generation; afterwards the slot serves nothing. */
    void retire() {
        Generation previous = current;
        current = null;
        if (previous != null) {
            previous.retire();
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
        try {
            g.container.service(new MountedRequest(request, prefix), response);
            return true;
        } finally {
            g.release();
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

    /** One built container and the requests it is serving. */
    static final class Generation {
        private final String prefix;
        private final Object owner;
        private final ServletContainer container;
        private final AtomicInteger inFlight = new AtomicInteger();
        private final AtomicBoolean destroyed = new AtomicBoolean();
        private volatile boolean retired;

        private Generation(String prefix, Object owner, ServletContainer container) {
            this.prefix = prefix;
            this.owner = owner;
            this.container = container;
        }

        private void retire() {
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

        /** Destroys an application that was built but never installed. */
        void discard() {
            retire();
        }

        private void destroy() {
            if (destroyed.compareAndSet(false, true)) {
                try {
                    container.destroy();
                    LOG.info("event=app.destroyed prefix={}", prefix);
                } catch (RuntimeException e) {
                    LOG.warn("event=app.destroy.failed prefix={} error={}", prefix, e.toString());
                }
            }
        }
    }

    /** Presents the mount prefix as the servlet path, so resource paths are relative to it. */
    private static final class MountedRequest extends jakarta.servlet.http.HttpServletRequestWrapper {
        private final String servletPath;
        private final String pathInfo;

        MountedRequest(HttpServletRequest request, String prefix) {
            super(request);
            String decoded = RouteTable.decodedPath(request);
            this.servletPath = prefix;
            this.pathInfo = decoded.length() > prefix.length() ? decoded.substring(prefix.length()) : null;
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
