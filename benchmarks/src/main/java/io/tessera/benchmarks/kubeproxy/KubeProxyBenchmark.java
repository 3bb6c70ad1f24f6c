package io.tessera.benchmarks.kubeproxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tessera.benchmarks.Benchmark;
import io.tessera.kernel.Kernel;
import io.tessera.kernel.config.KernelConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Issue 9: listing 500 ConfigMaps through the platform's Kubernetes proxy (authentication, RBAC,
 * impersonation, streaming copy) against listing them directly from the API server (the embedded
 * cluster), in the same run, alternating so both see the same machine load. Goal: ratio of the
 * medians at most 1.2.
 *
 * <p>Run alone: {@code java -cp <benchmarks classpath> io.tessera.benchmarks.kubeproxy.KubeProxyBenchmark}.
 */
public final class KubeProxyBenchmark implements Benchmark {

    private static final int OBJECTS = 500;
    /** Enough for the JIT to settle on both paths; fewer left the proxy's first compiled code in the medians. */
    private static final int WARMUP = 200;
    private static final int ROUNDS = 300;

    @Override
    public String name() {
        return "Kubernetes API proxy";
    }

    @Override
    public List<Row> run() throws Exception {
        Path dir = Files.createTempDirectory("tessera-bench-kubeproxy");
        try (Kernel kernel = Kernel.start(KernelConfig.defaults(dir).withPort(0))) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
            String token = login(http, kernel.baseUri());
            try (KubernetesClient client = kernel.embeddedCluster().newClient()) {
                client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("bench").endMetadata().build()).create();
                for (int i = 0; i < OBJECTS; i++) {
                    client.configMaps().inNamespace("bench").resource(new ConfigMapBuilder().withNewMetadata()
                            .withName("cm-" + i).endMetadata().addToData("key", "value-" + i).build()).create();
                }
            }
            String path = "/api/v1/namespaces/bench/configmaps";
            HttpRequest viaProxy = HttpRequest.newBuilder(URI.create(kernel.baseUri() + path))
                    .header("Authorization", "Bearer " + token).build();
            HttpRequest direct = HttpRequest.newBuilder(URI.create(kernel.embeddedCluster().url().replaceAll("/$", "") + path)).build();
            // what the platform adds before any forwarding: one more HTTP hop, authentication, RBAC,
            // audit — a SelfSubjectAccessReview is answered by the proxy itself
            HttpRequest platformOnly = HttpRequest.newBuilder(URI.create(kernel.baseUri() + "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectAccessReview\","
                            + "\"spec\":{\"resourceAttributes\":{\"verb\":\"list\",\"resource\":\"configmaps\",\"namespace\":\"bench\"}}}"))
                    .build();
            double[] proxied = new double[ROUNDS];
            double[] straight = new double[ROUNDS];
            double[] platform = new double[ROUNDS];
            for (int i = 0; i < WARMUP; i++) {
                time(http, viaProxy, OBJECTS * 50);
                time(http, direct, OBJECTS * 50);
                time(http, platformOnly, 10);
            }
            for (int i = 0; i < ROUNDS; i++) {
                proxied[i] = time(http, viaProxy, OBJECTS * 50);
                straight[i] = time(http, direct, OBJECTS * 50);
                platform[i] = time(http, platformOnly, 10);
            }
            double p = median(proxied);
            double d = median(straight);
            double c = median(platform);
            return List.of(
                    new Row("list " + OBJECTS + " ConfigMaps through the proxy, median", String.format("%.2f ms", p), "", ""),
                    new Row("list " + OBJECTS + " ConfigMaps directly from the API server, median", String.format("%.2f ms", d), "", ""),
                    new Row("platform hop alone (SelfSubjectAccessReview answered by the proxy), median", String.format("%.2f ms", c), "", ""),
                    new Row("proxy / direct, ratio of medians", String.format("%.2f", p / d), "<= 1.2",
                            String.format("direct %.2f ms", d)));
        } finally {
            deleteTree(dir);
        }
    }

    private static String login(HttpClient http, URI base) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "grant_type=password&username=admin&password=P%4088w0rd&client_id=kubesphere&client_secret=kubesphere"))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("admin login failed: " + r.statusCode() + " " + r.body());
        }
        return new ObjectMapper().readTree(r.body()).path("access_token").asText();
    }

    /** Milliseconds for one complete list (the whole body read). */
    private static double time(HttpClient http, HttpRequest request, int minimumBytes) throws Exception {
        long start = System.nanoTime();
        HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        long ns = System.nanoTime() - start;
        if (r.statusCode() / 100 != 2 || r.body().length < minimumBytes) {
            throw new IllegalStateException("list of " + request.uri() + " answered " + r.statusCode() + " with " + r.body().length + " bytes");
        }
        return ns / 1e6;
    }

    private static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException ignored) {
            // a temp dir; the OS cleans it eventually
        }
    }

    public static void main(String[] args) throws Exception {
        for (Row row : new KubeProxyBenchmark().run()) {
            System.out.println(row);
        }
    }
}
