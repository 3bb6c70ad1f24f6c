package io.tessera.kernel.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tessera.devcluster.DevCluster;
import io.tessera.kernel.config.KernelConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two candidates (own clients, own identities) for one Lease on the development cluster, reached
 * over HTTP like any cluster: exactly one runs at a time; a leader that stops hands over at once;
 * the Lease of a replica that died is taken over once it expires; a leader that loses the Lease
 * stops its work, campaigns again and starts once more when it wins. Timeouts are generous: this proves behaviour, not speed.
 */
class LeaderGateIT {

    static final String NS = "kubesphere-system";
    static final KernelConfig.LeaderElection FAST =
            new KernelConfig.LeaderElection(Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(300));
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;
    static DevCluster cluster;
    static KubernetesClient kube;

    @BeforeAll
    static void boot() throws Exception {
        cluster = DevCluster.start(dir.resolve("cluster"), "127.0.0.1", 0);
        kube = cluster.newClient();
        kube.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).createOr(n -> n.update());
    }

    @AfterAll
    static void shutdown() {
        if (kube != null) {
            kube.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Counts how many candidates run their work at once, and the most ever seen. */
    static final class Work {
        final Set<String> running = ConcurrentHashMap.newKeySet();
        final AtomicInteger mostAtOnce = new AtomicInteger();
        final AtomicInteger starts = new AtomicInteger();

        Runnable start(String who) {
            return () -> {
                running.add(who);
                starts.incrementAndGet();
                mostAtOnce.accumulateAndGet(running.size(), Math::max);
            };
        }

        Runnable stop(String who) {
            return () -> running.remove(who);
        }
    }

    @Test
    void onlyOneCandidateRunsAndAStoppedLeaderHandsOverAtOnce() throws Exception {
        Work work = new Work();
        try (KubernetesClient ca = cluster.newClient(); KubernetesClient cb = cluster.newClient();
             LeaderGate a = new LeaderGate(ca, NS, "gate-stop", "a-" + LeaderGate.identity("t"), FAST);
             LeaderGate b = new LeaderGate(cb, NS, "gate-stop", "b-" + LeaderGate.identity("t"), FAST)) {
            a.run(work.start("a"), work.stop("a"));
            b.run(work.start("b"), work.stop("b"));
            await().atMost(WAIT).until(() -> work.running.size() == 1);
            // several renew periods later still exactly one, and it is the Lease holder
            Thread.sleep(FAST.leaseDuration().toMillis() * 2);
            assertThat(work.running).hasSize(1);
            LeaderGate leader = a.leading() ? a : b;
            LeaderGate follower = leader == a ? b : a;
            assertThat(follower.leading()).isFalse();
            assertThat(holder("gate-stop")).isEqualTo(leader.identity());

            leader.close();
            String next = leader == a ? "b" : "a";
            await().atMost(WAIT).until(() -> work.running.equals(Set.of(next)));
            assertThat(follower.leading()).isTrue();
            assertThat(holder("gate-stop")).isEqualTo(follower.identity());
        }
        assertThat(work.mostAtOnce.get()).as("candidates that ran at the same time").isEqualTo(1);
    }

    @Test
    void aLeaseOfADeadReplicaIsTakenOverOnlyOnceItExpires() throws Exception {
        // a replica that died holding the Lease: it neither renews nor releases it
        kube.leases().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder()
                .withNewMetadata().withName("gate-dead").endMetadata()
                .withNewSpec().withHolderIdentity("dead-replica").withLeaseDurationSeconds((int) FAST.leaseDuration().toSeconds())
                .withAcquireTime(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC))
                .withRenewTime(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)).withLeaseTransitions(0).endSpec().build()).create();
        Work work = new Work();
        long start = System.nanoTime();
        try (KubernetesClient cb = cluster.newClient();
             LeaderGate b = new LeaderGate(cb, NS, "gate-dead", "b-" + LeaderGate.identity("t"), FAST)) {
            b.run(work.start("b"), work.stop("b"));
            await().atMost(WAIT).until(b::leading);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not before the dead holder's lease ran out")
                    .isGreaterThanOrEqualTo(FAST.leaseDuration().minusMillis(500));
            assertThat(holder("gate-dead")).isEqualTo(b.identity());
        }
    }

    @Test
    void aLeaderThatLostTheLeaseCampaignsAgainAndStartsOnceMore() throws Exception {
        Work work = new Work();
        try (KubernetesClient ca = cluster.newClient();
             LeaderGate a = new LeaderGate(ca, NS, "gate-again", "a-" + LeaderGate.identity("t"), FAST)) {
            a.run(work.start("a"), work.stop("a"));
            await().atMost(WAIT).until(a::leading);
            // someone else takes the Lease (as a replica that saw it expire would): a stops, then wins it back when it expires
            await().atMost(WAIT).ignoreExceptions().until(() -> { // a renews concurrently: retry on 409
                Lease l = kube.leases().inNamespace(NS).withName("gate-again").get();
                l.getSpec().setHolderIdentity("someone-else");
                l.getSpec().setRenewTime(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC));
                kube.leases().inNamespace(NS).resource(l).update();
                return true;
            });
            await().atMost(WAIT).until(() -> !a.leading());
            await().atMost(WAIT).until(a::leading);
            assertThat(work.starts.get()).isEqualTo(2);
            assertThat(holder("gate-again")).isEqualTo(a.identity());
        }
    }

    static String holder(String lease) {
        Lease l = kube.leases().inNamespace(NS).withName(lease).get();
        return l == null || l.getSpec() == null ? null : l.getSpec().getHolderIdentity();
    }
}
