package io.tessera.benchmarks.devcluster;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.tessera.benchmarks.Benchmark;
import io.tessera.devcluster.DevCluster;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The development cluster at 10⁵ objects: bulk creation through the HTTP API (concurrent POSTs, each
 * acknowledged only after its fsync), GET-by-name and labelled-list latency, heap per object. The
 * same-run baseline is fabric8's stock CRUD dispatcher at a smaller size (it scans every object per request).
 *
 * <p>Run alone: {@code java -cp <benchmarks classpath> io.tessera.benchmarks.devcluster.DevClusterBenchmark [objects] [baselineObjects]}.
 */
public final class DevClusterBenchmark implements Benchmark {

    private static final String NS = "bench";
    /** Held so the setting sticks: the stock mock web server logs every request at INFO. */
    private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver.MockWebServer");
    private static final int BUCKET_SIZE = 10; // objects per label value: a labelled list returns this many

    private final int objects;
    private final int baselineObjects;

    public DevClusterBenchmark() {
        this(100_000, 5_000);
    }

    public DevClusterBenchmark(int objects, int baselineObjects) {
        this.objects = objects;
        this.baselineObjects = baselineObjects;
    }

    @Override
    public String name() {
        return "dev-cluster (embedded Kubernetes API)";
    }

    record Figures(double createSeconds, double[] get, double[] list, double heapPerObject) {
    }

    @Override
    public List<Row> run() throws Exception {
        Figures base = baselineObjects > 0 ? measureStock(baselineObjects) : null;
        Path dir = Files.createTempDirectory("tessera-bench-devcluster");
        Figures ours;
        try (DevCluster cluster = DevCluster.start(dir, "127.0.0.1", 0)) {
            ours = measure(cluster.url(), objects, true);
        } finally {
            deleteTree(dir);
        }
        String k = objects >= 1000 ? (objects / 1000) + "k" : Integer.toString(objects);
        String bk = baselineObjects >= 1000 ? (baselineObjects / 1000) + "k" : Integer.toString(baselineObjects);
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("bulk create " + k + " ConfigMaps (32 concurrent clients, fsync per ack)",
                String.format("%.1f s (%.0f objects/s)", ours.createSeconds, objects / ours.createSeconds), "",
                base == null ? "" : String.format("stock dispatcher: %.0f objects/s at %s", baselineObjects / base.createSeconds, bk)));
        rows.add(new Row("GET by name at " + k + " objects, median / p99", ms(ours.get), "< 5 ms",
                base == null ? "" : "stock dispatcher at " + bk + ": " + ms(base.get) + ratio(base.get, ours.get)));
        rows.add(new Row("labelled list (" + BUCKET_SIZE + " of " + k + ") median / p99", ms(ours.list), "< 5 ms",
                base == null ? "" : "stock dispatcher at " + bk + ": " + ms(base.list) + ratio(base.list, ours.list)));
        rows.add(new Row("heap per stored object (ConfigMap, 2 labels, 1 key)", String.format("%.0f bytes", ours.heapPerObject), "", ""));
        return rows;
    }

    private static String ms(double[] medianP99) {
        return String.format("%.2f / %.2f ms", medianP99[0], medianP99[1]);
    }

    private static String ratio(double[] baseline, double[] ours) {
        return String.format(" (%.0fx slower median)", baseline[0] / ours[0]);
    }

    private Figures measureStock(int n) throws Exception {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getByName("127.0.0.1"), 0);
        try {
            return measure("http://127.0.0.1:" + server.getPort(), n, false);
        } finally {
            server.destroy();
        }
    }

    private static Figures measure(String url, int n, boolean heap) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
                .executor(Executors.newFixedThreadPool(4)).build();
        send(http, "POST", url + "/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + NS + "\"}}");
        long heapBefore = heap ? usedHeapAfterGc() : 0;
        long started = System.nanoTime();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(32);
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < 32; w++) {
            workers.add(pool.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < n) {
                    String body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm-" + i
                            + "\",\"labels\":{\"app\":\"bench\",\"bucket\":\"b" + (i / BUCKET_SIZE) + "\"}},\"data\":{\"k\":\"value-" + i + "\"}}";
                    int code = send(http, "POST", url + "/api/v1/namespaces/" + NS + "/configmaps", body);
                    if (code != 201 && code != 200) {
                        throw new IllegalStateException("create cm-" + i + " answered " + code);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : workers) {
            f.get();
        }
        pool.shutdown();
        double createSeconds = (System.nanoTime() - started) / 1e9;
        double heapPerObject = heap ? (usedHeapAfterGc() - heapBefore) / (double) n : 0;
        Random random = new Random(42);
        int samples = 2000;
        double[] get = new double[samples];
        double[] list = new double[samples];
        for (int warm = 0; warm < 200; warm++) {
            send(http, "GET", url + "/api/v1/namespaces/" + NS + "/configmaps/cm-" + random.nextInt(n), null);
            send(http, "GET", url + "/api/v1/namespaces/" + NS + "/configmaps?labelSelector=bucket%3Db" + random.nextInt(n / BUCKET_SIZE), null);
        }
        for (int s = 0; s < samples; s++) {
            long t0 = System.nanoTime();
            send(http, "GET", url + "/api/v1/namespaces/" + NS + "/configmaps/cm-" + random.nextInt(n), null);
            get[s] = (System.nanoTime() - t0) / 1e6;
            long t1 = System.nanoTime();
            int code = send(http, "GET", url + "/api/v1/namespaces/" + NS + "/configmaps?labelSelector=bucket%3Db"
                    + random.nextInt(n / BUCKET_SIZE), null);
            list[s] = (System.nanoTime() - t1) / 1e6;
            if (code != 200) {
                throw new IllegalStateException("list answered " + code);
            }
        }
        return new Figures(createSeconds, medianP99(get), medianP99(list), heapPerObject);
    }

    private static double[] medianP99(double[] samples) {
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        return new double[] {sorted[sorted.length / 2], sorted[(int) Math.ceil(sorted.length * 0.99) - 1]};
    }

    private static int send(HttpClient http, String method, String url, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int base = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
        DevClusterBenchmark b = new DevClusterBenchmark(n, base);
        System.out.println("## " + b.name());
        for (Row r : b.run()) {
            System.out.println(r.metric() + " | " + r.value() + " | " + r.goal() + " | " + r.baseline());
        }
        System.exit(0);
    }
}
