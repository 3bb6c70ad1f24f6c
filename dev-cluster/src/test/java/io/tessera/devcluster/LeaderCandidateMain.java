package io.tessera.devcluster;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** A leader-election candidate in its own process: {@code <kubeconfig> <identity>}; prints LEADING/STOPPED lines. */
public final class LeaderCandidateMain {

    private LeaderCandidateMain() {
    }

    public static void main(String[] args) throws Exception {
        String identity = args[1];
        KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(Files.readString(Path.of(args[0])))).build();
        client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
                .withName("tessera-it")
                .withLock(new LeaseLock("default", "tessera-it-leader", identity))
                .withLeaseDuration(Duration.ofSeconds(8))
                .withRenewDeadline(Duration.ofSeconds(6))
                .withRetryPeriod(Duration.ofSeconds(1))
                .withLeaderCallbacks(new LeaderCallbacks(
                        () -> System.out.println("LEADING " + identity),
                        () -> System.out.println("STOPPED " + identity),
                        leader -> System.out.println("LEADER-IS " + leader)))
                .build()).build().run();
    }
}
