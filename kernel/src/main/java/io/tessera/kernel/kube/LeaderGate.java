package io.tessera.kernel.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.tessera.kernel.concurrent.DaemonThreads;
import io.tessera.kernel.config.KernelConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs something on one kernel replica at a time: a fabric8 {@link
 * io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector} on a {@code coordination.k8s.io}
 * Lease. {@link #run} calls {@code onStart} when this replica becomes the leader and {@code onStop}
 * when it stops being one (lease lost, renew deadline missed, {@link #close}); after a loss it keeps
 * campaigning, so a replica that lost leadership to a partition takes it back when the other one goes.
 * The same code runs on the embedded development cluster and on a real one.
 *
 * <p>The callbacks run one after the other on the gate's own thread (never on the elector's, so a
 * slow start cannot delay a renewal), and strictly alternate: start, stop, start, ….
 */
public final class LeaderGate implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaderGate.class);

    private final KubernetesClient client;
    private final String namespace;
    private final String leaseName;
    private final String identity;
    private final KernelConfig.LeaderElection timing;
    private final ScheduledExecutorService elections;
    private final ExecutorService callbacks;
    private volatile boolean closed;
    private volatile boolean leading;
    private volatile CompletableFuture<?> election;
    private Runnable onStart = () -> { };
    private Runnable onStop = () -> { };

    /**
     * @param namespace where the Lease lives (the platform's namespace; it must exist)
     * @param leaseName one Lease per group of things that must run once, e.g. {@code tessera-tenancy-controllers}
     * @param identity this replica's name in the Lease's {@code holderIdentity}, unique per process ({@link #identity(String)})
     */
    public LeaderGate(KubernetesClient client, String namespace, String leaseName, String identity,
                      KernelConfig.LeaderElection timing) {
        this.client = client;
        this.namespace = namespace;
        this.leaseName = leaseName;
        this.identity = identity;
        this.timing = timing;
        this.elections = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("leader-" + leaseName));
        this.callbacks = Executors.newSingleThreadExecutor(DaemonThreads.named("leader-" + leaseName + "-callbacks"));
    }

    /**
     * A replica identity: the pod name (the {@code HOSTNAME} a pod gets), else this host's name,
     * plus a random suffix so two processes on one host never share it.
     */
    public static String identity(String prefix) {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "kernel";
            }
        }
        return (prefix == null || prefix.isEmpty() ? "" : prefix + "-") + host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Starts campaigning; returns at once. May be called once. */
    public LeaderGate run(Runnable onStart, Runnable onStop) {
        this.onStart = Objects.requireNonNull(onStart, "onStart");
        this.onStop = Objects.requireNonNull(onStop, "onStop");
        elections.execute(this::campaign);
        LOG.info("event=leader-election.started lease={}/{} identity={}", namespace, leaseName, identity);
        return this;
    }

    public String identity() {
        return identity;
    }

    /** Whether this replica currently runs the gated work (onStart called, onStop not yet). */
    public boolean leading() {
        return leading;
    }

    private void campaign() {
        if (closed) {
            return;
        }
        var config = new LeaderElectionConfigBuilder()
                .withName(leaseName)
                .withLock(new LeaseLock(namespace, leaseName, identity))
                .withLeaseDuration(timing.leaseDuration())
                .withRenewDeadline(timing.renewDeadline())
                .withRetryPeriod(timing.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(() -> transition(true), () -> transition(false),
                        leader -> LOG.info("event=leader-election.leader lease={}/{} leader={} self={}", namespace, leaseName, leader,
                                identity.equals(leader))))
                .build();
        CompletableFuture<?> f = client.leaderElector().withConfig(config).build().start();
        election = f;
        // the elector ends when leadership is lost (or on an error): campaign again, unless closed
        f.whenComplete((v, error) -> {
            if (error != null && !closed) {
                LOG.warn("event=leader-election.ended lease={}/{} error={}", namespace, leaseName, error.toString());
            }
            transition(false);
            if (!closed) {
                elections.schedule(this::campaign, timing.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    /** Queues a start or stop; the elector may report a loss twice, so repeats are ignored. */
    private void transition(boolean lead) {
        try {
            callbacks.execute(() -> {
                if (lead == leading || (lead && closed)) {
                    return;
                }
                leading = lead;
                LOG.info("event=leader-election.{} lease={}/{} identity={}", lead ? "gained" : "lost", namespace, leaseName, identity);
                try {
                    (lead ? onStart : onStop).run();
                } catch (RuntimeException e) {
                    LOG.warn("event=leader-election.callback-failed lease={}/{} leading={} error={}", namespace, leaseName, lead,
                            e.toString());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed: close() ran onStop itself
        }
    }

    /** Stops the gated work (if running), gives the Lease up so another replica takes over at once, stops campaigning. */
    @Override
    public void close() {
        closed = true;
        CompletableFuture<?> f = election;
        if (f != null) {
            f.cancel(true); // the elector releases the Lease and reports the loss
        }
        elections.shutdown();
        transition(false);
        callbacks.shutdown();
        try {
            if (!callbacks.awaitTermination(timing.renewDeadline().toMillis() + 5_000, TimeUnit.MILLISECONDS)) {
                LOG.warn("event=leader-election.stop-timeout lease={}/{}", namespace, leaseName);
            }
            elections.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
