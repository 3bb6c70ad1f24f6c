package io.tessera.kernel.routing;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.glassfish.jersey.server.ResourceConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mounted JAX-RS applications: {@code /kapis/{group}/{version}} entries and kernel root
 * prefixes (such as {@code /oauth}). Lookups are lock-free; mounts and unmounts are serialised.
 */
public final class RouteTable {

    private static final Logger LOG = LoggerFactory.getLogger(RouteTable.class);
    private static final String KAPIS = "/kapis/";
    /** The root mount: the fallback for every path outside /kapis that no other prefix serves. */
    public static final String ROOT = "/";

    private final Map<String, AppSlot> slots = new ConcurrentHashMap<>();
    /** Every generation built and not yet destroyed (serving, or retired and draining). */
    private final java.util.Set<AppSlot.Generation> alive = ConcurrentHashMap.newKeySet();
    private volatile ServletContext context;

    /** The servlet context the applications run in; set once the HTTP server has started it. */
    public void attach(ServletContext context) {
        this.context = context;
    }

    public static String kapisPrefix(String group, String version) {
        requireSegment("group", group);
        requireSegment("version", version);
        return KAPIS + group + "/" + version;
    }

    /**
     * Mounts {@code config} at {@code prefix}, replacing whatever is mounted there atomically: the
     * new application is fully built before requests reach it, and the old one is destroyed when
     * its in-flight requests have finished.
     *
     * @param owner who mounted it (compared by {@link #unmount})
     */
    public void mount(String prefix, Object owner, ResourceConfig config) throws ServletException {
        validatePrefix(prefix);
        long start = System.nanoTime();
        install(List.of(prefix), AppSlot.build(prefix, prefix, owner, config, servletContext()));
        LOG.info("event=app.mounted prefix={} owner={} ms={}", prefix, owner, (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * Mounts one application at several prefixes at once: {@code config}'s resources carry their
     * full paths (prefix included), and each prefix's slot hands it the requests it would have
     * handed an application of its own. Each prefix can later be mounted again or unmounted on
     * its own; the shared application is destroyed when none of its prefixes is served by it any
     * more and its in-flight requests have finished.
     *
     * <p>The caller makes sure no resource of {@code config} answers a path under a prefix it
     * does not belong to: prefixes that nest (such as {@code /} and {@code /oauth}) do not share.
     */
    public void mountShared(java.util.Collection<String> prefixes, Object owner, ResourceConfig config)
            throws ServletException {
        if (prefixes.isEmpty()) {
            throw new IllegalArgumentException("a shared application serves at least one prefix");
        }
        prefixes.forEach(RouteTable::validatePrefix);
        long start = System.nanoTime();
        install(prefixes, AppSlot.build(config.getApplicationName(), ROOT, owner, config, servletContext()));
        LOG.info("event=app.mounted app={} prefixes={} owner={} ms={}", config.getApplicationName(), prefixes, owner,
                (System.nanoTime() - start) / 1_000_000);
    }

    private ServletContext servletContext() {
        ServletContext ctx = context;
        if (ctx == null) {
            throw new IllegalStateException("the HTTP server has not started");
        }
        return ctx;
    }

    /** Makes {@code next} current at each of {@code prefixes} (atomically for them all) and tracks it until it is gone. */
    private void install(java.util.Collection<String> prefixes, AppSlot.Generation next) {
        alive.add(next);
        next.gone().thenRun(() -> alive.remove(next));
        synchronized (this) {
            for (String prefix : prefixes) {
                slots.computeIfAbsent(prefix, AppSlot::new).install(next);
            }
        }
    }

    /**
     * Unmounts {@code prefix} if {@code owner} mounted what is there now.
     *
     * @return true if something was unmounted
     */
    public synchronized boolean unmount(String prefix, Object owner) {
        AppSlot slot = slots.get(prefix);
        if (slot == null || !Objects.equals(slot.owner(), owner)) {
            return false;
        }
        slots.remove(prefix);
        slot.retire();
        LOG.info("event=app.unmounted prefix={} owner={}", prefix, owner);
        return true;
    }

    /**
     * Completes when no application of a matching owner serves a request any more (all are
     * unmounted or replaced, and their in-flight requests have finished). An extension's bundle
     * is uninstalled only after this, so no running request loses its class loader.
     */
    public java.util.concurrent.CompletableFuture<Void> drained(java.util.function.Predicate<Object> owner) {
        return java.util.concurrent.CompletableFuture.allOf(alive.stream()
                .filter(g -> owner.test(g.owner()))
                .map(AppSlot.Generation::gone)
                .toArray(java.util.concurrent.CompletableFuture[]::new));
    }

    /** Who mounted {@code prefix}, or null. */
    public Object owner(String prefix) {
        AppSlot slot = slots.get(prefix);
        return slot == null ? null : slot.owner();
    }

    /** Unmounts everything (at shutdown). */
    public synchronized void clear() {
        for (AppSlot slot : slots.values()) {
            slot.retire();
        }
        slots.clear();
    }

    public List<String> prefixes() {
        return List.copyOf(new TreeSet<>(slots.keySet()));
    }

    /** The slot serving {@code path}, or null. */
    AppSlot lookup(String path) {
        if (path.startsWith(KAPIS)) {
            List<String> parts = RequestInfoResolver.splitPath(path);
            return parts.size() < 3 ? null : slots.get(KAPIS + parts.get(1) + "/" + parts.get(2));
        }
        AppSlot best = null;
        for (AppSlot slot : slots.values()) {
            String prefix = slot.prefix();
            if (!prefix.startsWith(KAPIS) && underPrefix(path, prefix)
                    && (best == null || prefix.length() > best.prefix().length())) {
                best = slot;
            }
        }
        return best;
    }

    /** The prefix of the application mounted for {@code path}, or null. */
    public String mountFor(String path) {
        AppSlot slot = lookup(path);
        return slot == null ? null : slot.prefix();
    }

    private static boolean underPrefix(String path, String prefix) {
        // "/" is the root mount (the web console): it serves whatever no longer prefix serves.
        return prefix.equals(ROOT) || path.equals(prefix) || path.startsWith(prefix + "/");
    }

    /** The decoded path inside the context, as the servlet that received the request sees it. */
    static String decodedPath(HttpServletRequest request) {
        String pathInfo = request.getPathInfo();
        return request.getServletPath() + (pathInfo == null ? "" : pathInfo);
    }

    private static void validatePrefix(String prefix) {
        if (ROOT.equals(prefix)) {
            return;
        }
        if (prefix == null || !prefix.startsWith("/") || prefix.endsWith("/") || prefix.length() < 2) {
            throw new IllegalArgumentException("a mount prefix starts with '/' and does not end with it: " + prefix);
        }
        if (prefix.startsWith(KAPIS) && RequestInfoResolver.splitPath(prefix).size() != 3) {
            throw new IllegalArgumentException("a /kapis mount is exactly /kapis/{group}/{version}: " + prefix);
        }
    }

    private static void requireSegment(String what, String value) {
        if (value == null || value.isEmpty() || value.contains("/")) {
            throw new IllegalArgumentException("invalid " + what + ": " + value);
        }
    }
}
