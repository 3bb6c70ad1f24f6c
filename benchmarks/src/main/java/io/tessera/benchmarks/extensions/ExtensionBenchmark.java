package io.tessera.benchmarks.extensions;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.tessera.benchmarks.Benchmark;
import io.tessera.benchmarks.harness.UpProcess;
import io.tessera.kernel.Kernel;
import io.tessera.kernel.config.KernelConfig;
import java.lang.management.ManagementFactory;
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
import java.util.Map;
import java.util.stream.Stream;

/**
 * Issue 6's figures with the real sample-hello package on a real kernel (embedded cluster): the
 * time from creating an InstallPlan to the first 200 of its route (goal p50 < 0.5 s), and the
 * heap growth over 50 install/uninstall cycles after a warm-up (goal < 2 MB).
 */
public final class ExtensionBenchmark implements Benchmark {

    static final int WARMUP = 5;
    static final int CYCLES = 50;
    static final String ROUTE = "/kapis/samples.tessera.io/v1alpha1/greetings";
    static final ResourceDefinitionContext PLANS = new ResourceDefinitionContext.Builder().withGroup("kubesphere.io")
            .withVersion("v1alpha1").withKind("InstallPlan").withPlural("installplans").withNamespaced(false).build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Override
    public String name() {
        return "Extensions";
    }

    /** The sample-hello package: {@code -Dtessera.samplePackage=…}, else the reactor's build output. */
    static Path samplePackage() {
        String configured = System.getProperty("tessera.samplePackage");
        if (configured != null) {
            return Path.of(configured);
        }
        for (Path p : List.of(Path.of("extensions/sample-hello/target"), Path.of("../extensions/sample-hello/target"))) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    var found = s.filter(f -> f.getFileName().toString().endsWith(".tsx.zip")).findFirst();
                    if (found.isPresent()) {
                        return found.get();
                    }
                } catch (java.io.IOException ignored) {
                    // try the next candidate
                }
            }
        }
        throw new IllegalStateException("sample-hello package not found: build extensions/sample-hello (package) or set -Dtessera.samplePackage");
    }

    @Override
    public List<Row> run() throws Exception {
        Path dir = Files.createTempDirectory("tessera-ext-bench");
        Path repo = Files.createDirectories(dir.resolve("repository"));
        Path pkg = samplePackage();
        Files.copy(pkg, repo.resolve(pkg.getFileName()));
        String version = pkg.getFileName().toString().replace("sample-hello-", "").replace(".tsx.zip", "");
        try (Kernel kernel = Kernel.start(KernelConfig.defaults(dir.resolve("data")).withPort(0)
                .withExtensions(new KernelConfig.Extensions(repo)));
                KubernetesClient kube = kernel.embeddedCluster().newClient()) {
            String token = UpProcess.adminToken(kernel.baseUri());
            for (int i = 0; i < WARMUP; i++) {
                cycle(kernel.baseUri(), token, kube, version);
            }
            long before = usedHeapAfterGc();
            long[] firstOk = new long[CYCLES];
            for (int i = 0; i < CYCLES; i++) {
                firstOk[i] = cycle(kernel.baseUri(), token, kube, version);
            }
            long after = usedHeapAfterGc();
            Arrays.sort(firstOk);
            double[] cold = new double[COLD_LAUNCHES];
            for (int i = 0; i < COLD_LAUNCHES; i++) {
                cold[i] = coldFirstInstall(pkg, version);
            }
            double coldMedian = io.tessera.benchmarks.harness.Stats.median(cold);
            double warmMs = firstOk[CYCLES / 2] / 1e6;
            return List.of(
                    new Row("first install on a cold `tessera up` (new JVM): InstallPlan created → first 200 (median of "
                            + COLD_LAUNCHES + ", spread " + Arrays.stream(cold).mapToObj(c -> String.format("%.0f", c)).toList() + " ms)",
                            String.format("%.0f ms", coldMedian), "< 1 s",
                            String.format("warm p50 %.0f ms (%.1f×)", warmMs, coldMedian / warmMs)),
                    new Row("InstallPlan created → first 200 of its route (p50, " + CYCLES + " cycles)",
                            millis(firstOk[CYCLES / 2]), "p50 < 0.5 s", ""),
                    new Row("InstallPlan created → first 200 (p99)", millis(firstOk[(int) (CYCLES * 0.99)]), "", ""),
                    new Row("heap growth over " + CYCLES + " install/uninstall cycles",
                            String.format("%.2f MB", (after - before) / 1024.0 / 1024.0), "< 2 MB", ""));
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static final int COLD_LAUNCHES = 3;

    /**
     * Launches {@code tessera up} in a new JVM (embedded cluster, fresh data dir, the package in its
     * repository), waits for /readyz, then creates the InstallPlan through the platform's
     * Kubernetes API as admin and returns the milliseconds until the route's first 200.
     */
    static double coldFirstInstall(Path pkg, String version) throws Exception {
        Path dir = Files.createTempDirectory("tessera-ext-cold");
        Path repo = Files.createDirectories(dir.resolve("repository"));
        Files.copy(pkg, repo.resolve(pkg.getFileName()));
        try (UpProcess up = UpProcess.launch(dir.resolve("data"), "extensions.repositoryDir=" + repo)) {
            up.awaitReady(Duration.ofSeconds(120));
            URI base = up.base();
            String token = up.adminToken();
            String plan = new ObjectMapper().writeValueAsString(Map.of("apiVersion", "kubesphere.io/v1alpha1", "kind", "InstallPlan",
                    "metadata", Map.of("name", "sample-hello"),
                    "spec", Map.of("extension", Map.of("name", "sample-hello", "version", version), "enabled", true)));
            long start = System.nanoTime();
            HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(base.resolve("/apis/kubesphere.io/v1alpha1/installplans"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(plan)).build(), HttpResponse.BodyHandlers.ofString());
            if (created.statusCode() != 201) {
                throw new IllegalStateException("creating the InstallPlan: " + created.statusCode() + " " + created.body());
            }
            waitFor(() -> status(base, token) == 200, "route answering 200", 30);
            return (System.nanoTime() - start) / 1e6;
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** One install → first 200 → uninstall → 404 and plan gone; returns nanoseconds from create to first 200. */
    static long cycle(URI base, String token, KubernetesClient kube, String version) throws Exception {
        GenericKubernetesResource plan = new GenericKubernetesResource();
        plan.setApiVersion("kubesphere.io/v1alpha1");
        plan.setKind("InstallPlan");
        plan.setMetadata(new ObjectMetaBuilder().withName("sample-hello").build());
        plan.setAdditionalProperty("spec", Map.of("extension", Map.of("name", "sample-hello", "version", version), "enabled", true));
        long start = System.nanoTime();
        kube.genericKubernetesResources(PLANS).resource(plan).create();
        waitFor(() -> status(base, token) == 200, "route answering 200");
        long took = System.nanoTime() - start;
        kube.genericKubernetesResources(PLANS).withName("sample-hello").delete();
        waitFor(() -> status(base, token) == 404 && kube.genericKubernetesResources(PLANS).withName("sample-hello").get() == null,
                "route gone and plan deleted");
        return took;
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void waitFor(Check check, String what) throws Exception {
        waitFor(check, what, 30);
    }

    static void waitFor(Check check, String what, int seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (!check.ok()) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(2); // polling resolution of the measurement
        }
    }

    static int status(URI base, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(ROUTE)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    static long usedHeapAfterGc() throws InterruptedException {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            best = Math.min(best, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    static String millis(long nanos) {
        return String.format("%.0f ms", nanos / 1_000_000.0);
    }

    /** Runs this group alone: {@code java -cp … io.tessera.benchmarks.extensions.ExtensionBenchmark}. */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("cold")) { // only the cold first installs, for profiling
            Path pkg = samplePackage();
            String version = pkg.getFileName().toString().replace("sample-hello-", "").replace(".tsx.zip", "");
            for (int i = 0; i < COLD_LAUNCHES; i++) {
                System.out.printf("cold first install: %.0f ms%n", coldFirstInstall(pkg, version));
            }
            return;
        }
        for (Row row : new ExtensionBenchmark().run()) {
            System.out.println(row.metric() + " | " + row.value() + " | " + row.goal() + " | " + row.baseline());
        }
    }
}
