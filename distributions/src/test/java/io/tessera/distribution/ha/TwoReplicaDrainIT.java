package io.tessera.distribution.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two kernel replicas (the packaged bin/tessera, each its own process) on one dev-cluster (its own
 * process), behind a client that alternates between them as a Service would. One replica gets
 * SIGTERM while it holds accepted requests in flight (CAS logins waiting for the CAS server): its
 * readiness goes false first, every accepted request completes with its real answer, the process
 * exits 0, and the other replica serves throughout.
 */
class TwoReplicaDrainIT {

    private static final Path DIST = Path.of(System.getProperty("tessera.distribution"));
    private static final Duration BOOT = Duration.ofSeconds(180);
    private static final Pattern CONSOLE = Pattern.compile("Console:\\s+(http://\\S+)");
    private static final String SERVICE = "http://console.example/oauth/callback/cas";
    private static final int IN_FLIGHT = 3;

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aStoppingReplicaAnswersEveryRequestItAcceptedWhileTheOtherServes() throws Exception {
        Path clusterDir = tmp.resolve("cluster");
        try (BlockingCasServer cas = new BlockingCasServer();
                Child cluster = Child.tessera(DIST, tmp, "dev-cluster", "--data-dir", clusterDir.toString(), "--port", "0")) {
            cluster.awaitStdout(Pattern.compile("dev-cluster serving http://\\S+"), BOOT);
            Path kubeconfig = clusterDir.resolve("kubeconfig");
            try (Child a = replica("a", kubeconfig); Child b = replica("b", kubeconfig)) {
                URI ua = URI.create(a.awaitStdout(CONSOLE, BOOT).group(1));
                URI ub = URI.create(b.awaitStdout(CONSOLE, BOOT).group(1));
                awaitStatus(ua, "/readyz", 200);
                awaitStatus(ub, "/readyz", 200);
                registerCas(kubeconfig, cas);
                awaitCasListed(ua);
                awaitCasListed(ub);

                Alternator traffic = new Alternator(ua, ub);
                Thread trafficThread = new Thread(traffic, "alternating-client");
                trafficThread.start();
                try {
                    // accepted requests, held in flight by the CAS server
                    List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
                    for (int i = 0; i < IN_FLIGHT; i++) {
                        String ticket = cas.issueTicket(SERVICE, "Drain" + i);
                        inFlight.add(http.sendAsync(HttpRequest.newBuilder(ua.resolve("/oauth/callback/cas?ticket="
                                + URLEncoder.encode(ticket, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(90)).build(),
                                HttpResponse.BodyHandlers.ofString()));
                    }
                    assertThat(cas.awaitValidations(IN_FLIGHT, 60_000)).as("the kernel called CAS for each login").isTrue();
                    assertThat(traffic.okFrom(0)).as("replica a served the alternating client before the stop").isPositive();

                    a.process().toHandle().destroy(); // SIGTERM
                    traffic.stopping.set(true);
                    awaitNotReady(ua);
                    assertThat(a.process().isAlive()).as("a drains its accepted requests before it exits").isTrue();
                    cas.release();

                    for (int i = 0; i < IN_FLIGHT; i++) {
                        HttpResponse<String> r = inFlight.get(i).get(90, TimeUnit.SECONDS);
                        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                        assertThat(r.body()).contains("\"access_token\"");
                    }
                    assertThat(a.awaitExit(Duration.ofSeconds(60))).as(a.output()).isZero();
                    int servedByBAfterStop = traffic.okFrom(1);
                    awaitMoreOkFromB(traffic, servedByBAfterStop);
                } finally {
                    traffic.done.set(true);
                    trafficThread.join(30_000);
                }
                assertThat(traffic.failures).as("requests the alternating client could not get answered by any replica").isEmpty();
                awaitStatus(ub, "/readyz", 200);
            }
        }
    }

    private Child replica(String name, Path kubeconfig) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        return Child.tessera(DIST, dir, "up", "--port", "0", "--data-dir", dir.resolve("data").toString(),
                "--kubeconfig", kubeconfig.toString());
    }

    private static void registerCas(Path kubeconfig, BlockingCasServer cas) throws IOException {
        String yaml = "name: cas\ntype: CASIdentityProvider\nmappingMethod: auto\nprovider:\n  casServerURL: " + cas.url()
                + "\n  redirectURL: " + SERVICE + "\n";
        try (KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build()) {
            client.secrets().inNamespace("kubesphere-system").resource(new SecretBuilder().withNewMetadata()
                    .withName("identityprovider-cas").withNamespace("kubesphere-system")
                    .withLabels(Map.of("config.kubesphere.io/type", "identityprovider")).endMetadata()
                    .withType("config.kubesphere.io/identityprovider").withStringData(Map.of("configuration.yaml", yaml)).build())
                    .create();
        }
    }

    private void awaitCasListed(URI base) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String body = "";
        while (System.nanoTime() < end) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/kapis/config.kubesphere.io/v1alpha2/configs/oauth"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            body = r.body();
            if (r.statusCode() == 200 && body.contains("\"cas\"")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(base + " never listed the CAS provider: " + body);
    }

    private void awaitStatus(URI base, String path, int status) throws Exception {
        long end = System.nanoTime() + BOOT.toNanos();
        int last = -1;
        while (System.nanoTime() < end) {
            try {
                last = http.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (last == status) {
                    return;
                }
            } catch (IOException e) {
                last = -1;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(base + path + " answered " + last + ", not " + status);
    }

    /** Readiness goes false (503) or the listener is gone (refused): either way a Service stops sending. */
    private void awaitNotReady(URI base) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            int s = Alternator.get(base, "/readyz");
            if (s != 200) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(base + "/readyz stayed 200 after SIGTERM");
    }

    private static void awaitMoreOkFromB(Alternator traffic, int before) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (traffic.okFrom(1) <= before && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(traffic.okFrom(1)).as("replica b serves after a stopped").isGreaterThan(before);
    }

    /**
     * The client in front of the replicas: alternates a and b, one connection per request (HTTP/1.0),
     * and retries on the other replica when one refuses the connection or answers 503, as a load
     * balancer does. A request counts as failed only when no replica answers it with 200.
     */
    static final class Alternator implements Runnable {
        private final URI[] replicas;
        private final AtomicInteger[] ok = {new AtomicInteger(), new AtomicInteger()};
        final AtomicBoolean stopping = new AtomicBoolean();
        final AtomicBoolean done = new AtomicBoolean();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

        Alternator(URI a, URI b) {
            this.replicas = new URI[] {a, b};
        }

        int okFrom(int replica) {
            return ok[replica].get();
        }

        @Override
        public void run() {
            // Runs until the test is done, however long the stopping replica takes to exit: a cap on
            // the number of requests (there was one, 5,000) can run out while it exits, and then
            // "b serves after a stopped" fails because the client stopped asking, not because b did.
            for (int i = 0; !done.get(); i++) {
                int first = i % 2;
                boolean answered = false;
                String why = "";
                for (int attempt = 0; attempt < 2 && !answered; attempt++) {
                    int r = (first + attempt) % 2;
                    int status = get(replicas[r], "/version");
                    if (status == 200) {
                        ok[r].incrementAndGet();
                        answered = true;
                    } else {
                        why += " replica " + r + ": " + status;
                        // before the stop, neither replica may refuse
                        if (!stopping.get()) {
                            break;
                        }
                    }
                }
                if (!answered) {
                    failures.add("request " + i + ":" + why);
                }
            }
        }

        /** Status of one HTTP/1.0 GET; -1 when the connection is refused, -2 when it broke after connecting. */
        static int get(URI base, String path) {
            try (Socket s = new Socket(base.getHost(), base.getPort())) {
                s.setSoTimeout(30_000);
                OutputStream out = s.getOutputStream();
                out.write(("GET " + path + " HTTP/1.0\r\nHost: " + base.getHost() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                if (!response.startsWith("HTTP/1.")) {
                    return -2;
                }
                return Integer.parseInt(response.substring(9, 12));
            } catch (ConnectException e) {
                return -1;
            } catch (IOException | RuntimeException e) {
                return -2;
            }
        }
    }
}
