package io.tessera.devcluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fabric8's LeaderElector, two candidates in two processes, against {@code DevClusterMain} in a third. */
class LeaderElectionIT {

    @TempDir
    Path dataDir;

    record Candidate(String id, Process process, List<String> lines) {
        boolean leading() {
            return lines.contains("LEADING " + id);
        }
    }

    static Candidate candidate(Path kubeconfig, String id) throws IOException {
        Process p = ChildCluster.java("io.tessera.devcluster.LeaderCandidateMain", kubeconfig.toString(), id)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process is gone
            }
        }, "candidate-" + id);
        t.setDaemon(true);
        t.start();
        return new Candidate(id, p, lines);
    }

    @Test
    void oneLeaderAndTakeoverAfterItsProcessIsKilled() throws Exception {
        try (ChildCluster cluster = ChildCluster.start(dataDir); KubernetesClient client = cluster.client()) {
            Path kubeconfig = dataDir.resolve("kubeconfig");
            Candidate a = candidate(kubeconfig, "candidate-a");
            Candidate b = candidate(kubeconfig, "candidate-b");
            try {
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> a.leading() || b.leading());
                Candidate leader = a.leading() ? a : b;
                Candidate other = leader == a ? b : a;
                // The other candidate has seen the leader, so it is running and contending, yet it does not lead.
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> other.lines().contains("LEADER-IS " + leader.id()));
                assertThat(other.leading()).isFalse();
                Lease lease = client.leases().inNamespace("default").withName("tessera-it-leader").get();
                assertThat(lease.getSpec().getHolderIdentity()).isEqualTo(leader.id());

                leader.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(other::leading);
                assertThat(client.leases().inNamespace("default").withName("tessera-it-leader").get().getSpec().getHolderIdentity())
                        .isEqualTo(other.id());
            } finally {
                a.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                b.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
