package io.tessera.kernel.tenancy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.tessera.kernel.concurrent.DaemonThreads;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A work queue keyed by object key, worked by a few threads: events for a key already queued
 * collapse into one reconcile, one key is never reconciled by two threads at once (a key queued
 * while it runs waits for that run), a failed reconcile is retried (up to a minute of back-off), and
 * reconciles never run on the informer's thread. Several workers keep several writes in flight, as
 * the API server's durable store commits concurrent writes together. The tenancy controllers are
 * built on it.
 *
 * <p>A queue works only while {@link #activate activated} (this replica leads, see
 * {@code io.tessera.kernel.kube.LeaderGate}): before that and after {@link #deactivate} events are
 * dropped and queued work is abandoned; activation re-queues every key its {@link #resyncFrom}
 * sources name (the informer caches), so nothing that changed meanwhile is missed.
 */
public final class Reconciler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    private final String name;
    private final Consumer<String> reconcile;
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.ScheduledExecutorService worker;
    private final List<Supplier<Collection<String>>> resyncSources = new CopyOnWriteArrayList<>();
    private volatile boolean active;
    /** Bumped on every (de)activation: work queued under an older epoch is abandoned. */
    private final AtomicInteger epoch = new AtomicInteger();

    public Reconciler(String name, Consumer<String> reconcile) {
        this(name, 1, reconcile);
    }

    /** @param workers how many keys may be reconciled at once (each reconcile must be safe to run beside another key's) */
    public Reconciler(String name, int workers, Consumer<String> reconcile) {
        this.name = name;
        this.reconcile = reconcile;
        this.worker = Executors.newScheduledThreadPool(workers, DaemonThreads.numbered("tenancy-" + name));
    }

    /** Key of a cluster-scoped object is its name, of a namespaced one {@code ns/name}. */
    public static String key(HasMetadata o) {
        String ns = o.getMetadata().getNamespace();
        return ns == null || ns.isEmpty() ? o.getMetadata().getName() : ns + "/" + o.getMetadata().getName();
    }

    public void enqueue(String key) {
        enqueue(key, 0, 0);
    }

    /** Where {@link #activate} finds every key to reconcile, e.g. {@code informer.getStore()::listKeys}. */
    public Reconciler resyncFrom(Supplier<Collection<String>> keys) {
        resyncSources.add(keys);
        return this;
    }

    /** Starts working: every key of the resync sources is queued, then events are handled. */
    public void activate() {
        epoch.incrementAndGet();
        queued.clear();
        active = true;
        int n = 0;
        for (Supplier<Collection<String>> source : resyncSources) {
            try {
                for (String key : source.get()) {
                    enqueue(key);
                    n++;
                }
            } catch (RuntimeException e) {
                // events still flow; what this source would have named waits for its next change
                LOG.warn("event=tenancy-resync-failed controller={} error={}", name, e.toString());
            }
        }
        LOG.info("event=tenancy-controller-active controller={} resynced={}", name, n);
    }

    /** Stops working: events are dropped and queued reconciles (and retries) abandoned. A running one finishes. */
    public void deactivate() {
        active = false;
        epoch.incrementAndGet();
        queued.clear();
        LOG.info("event=tenancy-controller-inactive controller={}", name);
    }

    public boolean active() {
        return active;
    }

    private void enqueue(String key, long delayMs, int attempt) {
        if (!active || !queued.add(key)) {
            return;
        }
        schedule(key, epoch.get(), delayMs, attempt);
    }

    private void schedule(String key, int queuedIn, long delayMs, int attempt) {
        worker.schedule(() -> {
            if (queuedIn != epoch.get()) {
                return; // deactivated (and maybe re-activated, which queued it again) since
            }
            if (!running.add(key)) {
                schedule(key, queuedIn, 20, attempt); // another worker is on this key: after it, still queued
                return;
            }
            try {
                queued.remove(key);
                if (!active) {
                    return;
                }
                reconcile.accept(key);
            } catch (RuntimeException e) {
                long next = Math.min(60_000, 200L << Math.min(attempt, 8));
                LOG.warn("event=tenancy-reconcile-failed controller={} key={} retryInMs={} error={}", name, key, next, e.toString());
                enqueue(key, next, attempt + 1);
            } finally {
                running.remove(key);
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
        return queued.isEmpty() && running.isEmpty();
    }

}
