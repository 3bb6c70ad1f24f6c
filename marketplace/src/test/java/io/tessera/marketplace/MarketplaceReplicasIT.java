package io.tessera.marketplace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.tessera.devcluster.DevCluster;
import io.tessera.kernel.Kernel;
import io.tessera.kernel.config.KernelConfig;
import io.tessera.marketplace.index.IndexBuilder;
import io.tessera.marketplace.index.RepositoryIndex;
import io.tessera.marketplace.index.RepositorySigner;
import io.tessera.marketplace.server.MarketplaceModule;
import io.tessera.marketplace.trust.Keys;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two kernel replicas on one development cluster (reached over HTTP through its kubeconfig): only
 * the replica holding the Lease {@value MarketplaceModule#LEASE_NAME} syncs Repositories (an HTTP
 * repository sees one index read per sync, not one per replica); the other is ready once the
 * leader's first sync of {@code builtin} shows; when the leader stops, the other replica takes
 * the Lease and answers sync requests.
 */
class MarketplaceReplicasIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final HttpClient WEB = HttpClient.newHttpClient();

    @TempDir
    static Path dir;
    static DevCluster cluster;
    static KubernetesClient kube;
    static HttpServer http;
    static final AtomicInteger indexReads = new AtomicInteger();
    static Path builtin;
    static Path trusted;
    static Kernel a;
    static Kernel b;

    @BeforeAll
    static void boot() throws Exception {
        KeyPair key = Keys.generate();
        trusted = dir.resolve("trusted-keys");
        Files.createDirectories(trusted);
        Files.writeString(trusted.resolve("repo.pub"), Keys.pem("PUBLIC KEY", key.getPublic().getEncoded()));
        builtin = dir.resolve("builtin");
        BundlePackages.noop(builtin, "acme-shipped", "1.0.0", Map.of());
        sign(builtin, key);
        Path remote = dir.resolve("remote");
        BundlePackages.noop(remote, "acme-served", "1.0.0", Map.of());
        sign(remote, key);
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/repo/", exchange -> {
            Path f = remote.resolve(exchange.getRequestURI().getPath().substring("/repo/".length())).normalize();
            if (f.equals(remote.resolve(RepositoryIndex.FILE))) {
                indexReads.incrementAndGet();
            }
            boolean found = f.startsWith(remote) && Files.isRegularFile(f);
            byte[] body = found ? Files.readAllBytes(f) : new byte[0];
            exchange.sendResponseHeaders(found ? 200 : 404, found ? body.length : -1);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
        cluster = DevCluster.start(dir.resolve("cluster"), "127.0.0.1", 0);
        kube = cluster.newClient();
        a = Kernel.start(config(dir.resolve("a")));
        await().atMost(WAIT).until(() -> holder() != null && !holder().isEmpty());
    }

    static void sign(Path repo, KeyPair key) throws Exception {
        IndexBuilder.build(repo).write(repo.resolve(RepositoryIndex.FILE));
        RepositorySigner.sign(repo, key.getPrivate(), key.getPublic());
    }

    static KernelConfig config(Path data) {
        return KernelConfig.defaults(data).withPort(0).withKubeconfig(cluster.kubeconfig())
                .withExtensions(new KernelConfig.Extensions(builtin).withTrustedKeysDir(trusted))
                .withLeaderElection(new KernelConfig.LeaderElection(Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ofMillis(500)));
    }

    @AfterAll
    static void shutdown() {
        if (http != null) {
            http.stop(0);
        }
        for (AutoCloseable c : new AutoCloseable[] {b, a, kube, cluster}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort: the temp dir goes away with the test run
            }
        }
    }

    @Test
    void onlyTheLeaseHolderSyncsTheFollowerIsReadyAndTakesOverWhenTheLeaderStops() throws Exception {
        String first = holder();
        assertThat(first).startsWith("marketplace-");
        b = Kernel.start(config(dir.resolve("b")));
        // b does not lead, yet is ready: a's sync of builtin shows in the Repository's status
        await().atMost(WAIT).until(() -> readyz(b) == 200);
        assertThat(readyz(a)).isEqualTo(200);
        assertThat(holder()).as("b joined as a follower").isEqualTo(first);

        GenericKubernetesResource repo = new GenericKubernetesResource();
        repo.setApiVersion("kubesphere.io/v1alpha1");
        repo.setKind("Repository");
        repo.setMetadata(new ObjectMetaBuilder().withName("remote").build());
        repo.setAdditionalProperty("spec", Map.of("url", "http://127.0.0.1:" + http.getAddress().getPort() + "/repo/",
                "updateStrategy", Map.of("registryPoll", Map.of("interval", "1h"))));
        kube.genericKubernetesResources(MarketplaceServerIT.REPOSITORIES).resource(repo).create();
        await().atMost(WAIT).until(() -> lastSyncTime("remote") != null);
        assertThat(kube.genericKubernetesResources(MarketplaceServerIT.VERSIONS).withName("acme-served-1.0.0").get()).isNotNull();
        // one sync, one index read: b watched the same Repository and left it alone
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> indexReads.get() == 1);

        syncNow("remote");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> indexReads.get() == 2);

        a.close();
        a = null;
        await().atMost(WAIT).until(() -> holder() != null && !holder().isEmpty() && !holder().equals(first));
        // the new leader syncs every Repository on taking over, then answers requests
        await().atMost(WAIT).until(() -> indexReads.get() == 3);
        syncNow("remote");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> indexReads.get() == 4);
        assertThat(readyz(b)).isEqualTo(200);
    }

    static Object lastSyncTime(String name) {
        GenericKubernetesResource r = kube.genericKubernetesResources(MarketplaceServerIT.REPOSITORIES).withName(name).get();
        return r != null && r.getAdditionalProperties().get("status") instanceof Map<?, ?> s ? s.get("lastSyncTime") : null;
    }

    /** Requests a sync with the contract's annotation and waits until lastSyncTime reaches it. */
    static void syncNow(String name) {
        Instant at = Instant.now();
        // a merge patch without a resourceVersion, as `kubectl annotate` sends: the controller writes
        // the Repository's status meanwhile, and a locked edit would then fail with 409
        kube.genericKubernetesResources(MarketplaceServerIT.REPOSITORIES).withName(name).patch(
                PatchContext.of(PatchType.JSON_MERGE),
                "{\"metadata\":{\"annotations\":{\"kubesphere.io/sync-requested-at\":\"" + at + "\"}}}");
        await().atMost(WAIT).until(() -> lastSyncTime(name) instanceof String t && !Instant.parse(t).isBefore(at));
    }

    static int readyz(Kernel k) throws Exception {
        URI uri = k.baseUri().resolve("/readyz");
        return WEB.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    static String holder() {
        Lease l = kube.leases().inNamespace("kubesphere-system").withName(MarketplaceModule.LEASE_NAME).get();
        return l == null || l.getSpec() == null ? null : l.getSpec().getHolderIdentity();
    }
}
