package io.tessera.kernel.tenancy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-threaded work queue keyed by object key: events for a key already queued collapse into
 * one reconcile, a failed reconcile is retried (up to a minute of back-off), and reconciles never
 * run on the informer's thread. The tenancy controllers are built on it.
 */
public final class Reconciler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    private final String name;
    private final Consumer<String> reconcile;
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.ScheduledExecutorService worker;

    public Reconciler(String name, Consumer<String> reconcile) {
        this.name = name;
        this.reconcile = reconcile;
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tenancy-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Key of a cluster-scoped object is its name, of a namespaced one {@code ns/name}. */
    public static String key(HasMetadata o) {
        String ns = o.getMetadata().getNamespace();
        return ns == null || ns.isEmpty() ? o.getMetadata().getName() : ns + "/" + o.getMetadata().getName();
    }

    public void enqueue(String key) {
        enqueue(key, 0, 0);
    }

    private void enqueue(String key, long delayMs, int attempt) {
        if (!queued.add(key)) {
            return;
        }
        worker.schedule(() -> {
            queued.remove(key);
            try {
                reconcile.accept(key);
            } catch (RuntimeException e) {
                long next = Math.min(60_000, 200L << Math.min(attempt, 8));
                LOG.warn("event=tenancy-reconcile-failed controller={} key={} retryInMs={} error={}", name, key, next, e.toString());
                enqueue(key, next, attempt + 1);
            }
        }, delayMs, TimeUnit.MILLISECONDS);
    }

    /** An informer handler that queues the key of every added, changed or deleted object. */
    public <T extends HasMetadata> ResourceEventHandler<T> handler() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                enqueue(key(obj));
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                enqueue(key(newObj));
            }

            @Override
            public void onDelete(T obj, boolean unknown) {
                enqueue(key(obj));
            }
        };
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }

    /** For tests and shutdown: whether work is waiting. */
    public boolean idle() {
        return queued.isEmpty();
    }

}
