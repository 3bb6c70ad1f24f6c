package io.tessera.kernel.osgi;

import io.tessera.extension.api.http.KapisRoutes;
import io.tessera.kernel.routing.JaxRsApps;
import io.tessera.kernel.routing.RouteTable;
import jakarta.ws.rs.core.Application;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mounts every {@link Application} service that carries {@link KapisRoutes#GROUP} and
 * {@link KapisRoutes#VERSION} at {@code /kapis/{group}/{version}}, and unmounts it when the
 * service goes away. Among services claiming the same mount, the highest ranking wins, then the
 * most recently registered: an upgrade registers the new application before the old one leaves,
 * so the route swaps atomically and never disappears in between.
 *
 * <p>Nothing here keeps a bundle object: the route table records an owner string, so an
 * uninstalled bundle's class loader is reachable only through its running application, which is
 * destroyed once its in-flight requests finish.
 */
public final class KapisWhiteboard implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KapisWhiteboard.class);

    private final RouteTable routes;
    private final ServiceTracker<Application, Application> tracker;
    /** Candidates per mount prefix. Guarded by {@code this}. */
    private final Map<String, List<Candidate>> candidates = new HashMap<>();

    public KapisWhiteboard(BundleContext context, RouteTable routes) throws InvalidSyntaxException {
        this.routes = routes;
        Filter filter = context.createFilter("(&(" + Constants.OBJECTCLASS + "=" + Application.class.getName() + ")("
                + KapisRoutes.GROUP + "=*)(" + KapisRoutes.VERSION + "=*))");
        tracker = new ServiceTracker<>(context, filter, null) {
            @Override
            public Application addingService(ServiceReference<Application> reference) {
                Application app = super.addingService(reference);
                if (app != null) {
                    added(reference, app);
                }
                return app;
            }

            @Override
            public void modifiedService(ServiceReference<Application> reference, Application app) {
                removed(reference);
                added(reference, app);
            }

            @Override
            public void removedService(ServiceReference<Application> reference, Application app) {
                removed(reference);
                super.removedService(reference, app);
            }
        };
    }

    /** Matches route owners that are applications registered by {@code bundle}. */
    public static java.util.function.Predicate<Object> ownedBy(org.osgi.framework.Bundle bundle) {
        String prefix = Candidate.OWNER_PREFIX + bundle.getSymbolicName() + "/" + bundle.getVersion() + "#";
        return owner -> owner instanceof String s && s.startsWith(prefix);
    }

    public void open() {
        tracker.open();
    }

    private synchronized void added(ServiceReference<Application> reference, Application app) {
        String prefix;
        try {
            prefix = RouteTable.kapisPrefix(property(reference, KapisRoutes.GROUP), property(reference, KapisRoutes.VERSION));
        } catch (IllegalArgumentException e) {
            LOG.warn("event=kapis.rejected service={} error=\"{}\"", describe(reference), e.getMessage());
            return;
        }
        Candidate candidate = new Candidate(prefix, reference, app, ranking(reference), serviceId(reference), describe(reference));
        List<Candidate> list = candidates.computeIfAbsent(prefix, p -> new ArrayList<>());
        list.add(candidate);
        reselect(prefix);
    }

    private synchronized void removed(ServiceReference<Application> reference) {
        for (Map.Entry<String, List<Candidate>> e : candidates.entrySet()) {
            if (e.getValue().removeIf(c -> c.reference.equals(reference))) {
                String prefix = e.getKey();
                if (e.getValue().isEmpty()) {
                    candidates.remove(prefix);
                }
                reselect(prefix);
                return;
            }
        }
    }

    /** Serves the best candidate for {@code prefix}, or unmounts when none is left. */
    private void reselect(String prefix) {
        Object owner = routes.owner(prefix);
        if (owner != null && !(owner instanceof String s && s.startsWith(Candidate.OWNER_PREFIX))) {
            LOG.warn("event=kapis.rejected prefix={} reason=\"already served by {}\"", prefix, owner);
            return;
        }
        List<Candidate> list = candidates.getOrDefault(prefix, List.of());
        Candidate best = list.stream()
                .max(Comparator.comparingInt(Candidate::ranking).thenComparingLong(Candidate::serviceId))
                .orElse(null);
        if (best == null) {
            if (owner != null) {
                routes.unmount(prefix, owner);
            }
            return;
        }
        if (best.owner().equals(owner)) {
            return;
        }
        try {
            routes.mount(prefix, best.owner(), JaxRsApps.forApplication(best.owner(), best.app));
        } catch (Exception | LinkageError e) {
            LOG.error("event=kapis.mount.failed prefix={} service={} error=\"{}\"", prefix, best.description, e.toString());
            // drop the broken candidate so the next one (or nothing) is served
            list.remove(best);
            reselect(prefix);
        }
    }

    private static String property(ServiceReference<?> reference, String key) {
        Object value = reference.getProperty(key);
        return value == null ? null : value.toString();
    }

    private static int ranking(ServiceReference<?> reference) {
        return reference.getProperty(Constants.SERVICE_RANKING) instanceof Integer i ? i : 0;
    }

    private static long serviceId(ServiceReference<?> reference) {
        return (Long) reference.getProperty(Constants.SERVICE_ID);
    }

    private static String describe(ServiceReference<?> reference) {
        return reference.getBundle().getSymbolicName() + "/" + reference.getBundle().getVersion()
                + "#" + reference.getProperty(Constants.SERVICE_ID);
    }

    @Override
    public void close() {
        tracker.close();
    }

    private record Candidate(String prefix, ServiceReference<Application> reference, Application app, int ranking,
            long serviceId, String description) {
        static final String OWNER_PREFIX = "bundle:";

        String owner() {
            return OWNER_PREFIX + description;
        }
    }
}
