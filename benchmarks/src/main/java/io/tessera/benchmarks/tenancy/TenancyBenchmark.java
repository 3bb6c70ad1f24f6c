package io.tessera.benchmarks.tenancy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.tessera.benchmarks.Benchmark;
import io.tessera.benchmarks.harness.UpProcess;
import io.tessera.kernel.iam.api.IamTypes;
import io.tessera.kernel.tenancy.api.TenancyTypes;
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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 5's scale figures: with N namespaces (projects), W workspaces and U users, the latency of a
 * regular user's first page of workspaces ({@code GET …/workspacetemplates?page=1&limit=10}) and the
 * kernel's heap. Everything runs as a user runs it, from the built distribution: the cluster is
 * {@code bin/tessera dev-cluster} in its own process, the kernel {@code bin/tessera up --kubeconfig …}
 * in another (so this client's work and garbage stay out of the kernel's pauses and heap). The data
 * is loaded in bulk (32 concurrent clients) before the measured kernel starts; its controllers then
 * build the workspace and project roles as they would on a real cluster. Each user is a member of
 * one workspace (a regular user's list is short while the cluster holds U bindings).
 *
 * <p>The heap is the kernel's live heap after a full GC ({@code jcmd <pid> GC.class_histogram},
 * which collects first); the largest classes are printed to stderr as the breakdown.
 *
 * <p>Run alone, after {@code ./mvnw -B -o -q -DskipTests package} (the distribution):
 * {@code benchmarks/run --only tenancy}, or with other sizes {@code java -cp "benchmarks/target/classes:benchmarks/target/lib/*"
 * io.tessera.benchmarks.tenancy.TenancyBenchmark 1000 200 1000}, from the repository's root (or with
 * {@code -Dtessera.distribution=<folder with bin/tessera>}).
 */
public final class TenancyBenchmark implements Benchmark {

    private static final Pattern SERVING = Pattern.compile("dev-cluster serving (\\S+) \\(kubeconfig (.+)\\)");
    private static final int REQUESTS = 2000;
    private static final Duration SETTLE_LIMIT = Duration.ofMinutes(20);

    private final int namespaces;
    private final int workspaces;
    private final int users;

    public TenancyBenchmark() {
        this(10_000, 2_000, 10_000);
    }

    public TenancyBenchmark(int namespaces, int workspaces, int users) {
        this.namespaces = namespaces;
        this.workspaces = workspaces;
        this.users = users;
    }

    @Override
    public String name() {
        return "tenancy (" + namespaces + " namespaces, " + workspaces + " workspaces, " + users + " users)";
    }

    @Override
    public List<Row> run() throws Exception {
        Path tessera = io.tessera.benchmarks.harness.Distribution.launcher();
        Path dir = Files.createTempDirectory("tessera-bench-tenancy");
        Process cluster = launch(dir.resolve("cluster.log"), tessera.toString(), "dev-cluster", "--data-dir",
                dir.resolve("cluster").toString(), "--port", "0");
        try {
            Path kubeconfig = awaitServing(cluster, dir.resolve("cluster.log"));
            try (KubernetesClient client = new KubernetesClientBuilder()
                    .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build()) {
                // the kernel applies the CRDs: start it once to have them, then load in bulk with no kernel running
                try (UpProcess first = kernel(kubeconfig, dir.resolve("kernel-crds"))) {
                    first.awaitReady(Duration.ofMinutes(10));
                }
                long loadStart = System.nanoTime();
                load(client);
                double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
                int workspaceRolesWanted = workspaces * client.genericKubernetesResources(IamTypes.BUILTIN_ROLES)
                        .withLabel(IamTypes.LABEL_SCOPE, "workspace").list().getItems().size();

                try (UpProcess kernel = kernel(kubeconfig, dir.resolve("kernel"))) {
                    long kernelStart = System.nanoTime();
                    double readySeconds = kernel.awaitReady(Duration.ofMinutes(10));
                    HttpClient http = HttpClient.newHttpClient();
                    String token = login(http, kernel.base(), "bench", "Bench1234");
                    URI page = kernel.base().resolve("/kapis/tenant.kubesphere.io/v1beta1/workspacetemplates?page=1&limit=10");
                    // the user's membership reaches the kernel through informers: wait for it
                    while (!get(http, page, token).contains("\"totalItems\":1")) {
                        Thread.sleep(200);
                        if (System.nanoTime() - kernelStart > Duration.ofMinutes(10).toNanos()) {
                            throw new IllegalStateException("the bench user's workspace never became visible");
                        }
                    }
                    for (int i = 0; i < 200; i++) {
                        get(http, page, token); // warm-up
                    }
                    // first while the kernel's controllers build the roles of the freshly loaded workspaces and
                    // projects (a cold start at this scale), then once they have settled
                    Settling settling = new Settling(client, workspaceRolesWanted, kernel);
                    settling.start();
                    double[] building = measure(http, page, token);
                    boolean buildingThroughout = !settling.done();
                    boolean settled = settling.await(kernelStart + SETTLE_LIMIT.toNanos());
                    double settleSeconds = (settling.doneAt - kernelStart) / 1e9;
                    // the writes are done; IAM's aggregation still checks every new role: measure "settled" once the kernel is idle
                    long idleAt = settled ? awaitIdle(kernel, kernelStart + SETTLE_LIMIT.toNanos()) : -1;
                    double idleSeconds = idleAt < 0 ? -1 : (idleAt - kernelStart) / 1e9;
                    double idleCpuSeconds = kernel.cpuSeconds();
                    double[] steady = measure(http, page, token);
                    Histogram heap = histogram(kernel);
                    System.err.println("tenancy benchmark: the kernel's largest classes after a full GC\n" + heap.top);
                    String load = Files.readString(Path.of("/proc/loadavg")).trim();
                    List<Row> rows = new ArrayList<>();
                    rows.add(new Row("bulk load (" + (users + workspaces + namespaces + users) + " objects, 32 clients)",
                            String.format("%.1f s", loadSeconds), "", ""));
                    rows.add(new Row("kernel (tessera up, own process) ready on the loaded cluster", String.format("%.1f s", readySeconds), "", ""));
                    rows.add(new Row("regular user's first page of workspaces while the controllers build, p50",
                            String.format("%.2f ms", building[REQUESTS / 2] / 1e3), "", ""));
                    rows.add(new Row("regular user's first page of workspaces while the controllers build, p99"
                            + (buildingThroughout ? "" : " (they settled during this measurement)"),
                            String.format("%.2f ms", building[(int) (REQUESTS * 0.99)] / 1e3), "", ""));
                    rows.add(new Row("controllers settled (" + 3 * namespaces + " project roles, " + workspaceRolesWanted
                            + " workspace roles, " + workspaces + " workspaces), since the kernel's launch",
                            settled ? String.format("%.0f s", settleSeconds) : "NOT within " + SETTLE_LIMIT.toMinutes() + " min", "", ""));
                    rows.add(new Row("kernel CPU time from launch to settled (user+system)", settled ? String.format("%.0f s", settling.cpuSeconds) : "-", "", ""));
                    rows.add(new Row("kernel idle (< 5 % of a core over 2 s: IAM's aggregation caught up), since the kernel's launch",
                            idleSeconds >= 0 ? String.format("%.0f s (CPU %.0f s)", idleSeconds, idleCpuSeconds) : "NOT within "
                                    + SETTLE_LIMIT.toMinutes() + " min", "", ""));
                    rows.add(new Row("regular user's first page of workspaces, controllers settled, p50",
                            String.format("%.2f ms", steady[REQUESTS / 2] / 1e3), "", ""));
                    rows.add(new Row("regular user's first page of workspaces, controllers settled, p99",
                            String.format("%.2f ms", steady[(int) (REQUESTS * 0.99)] / 1e3), "p99 < 50 ms", ""));
                    rows.add(new Row("kernel live heap after a full GC (its own process, every role loaded)",
                            String.format("%.0f MB", heap.bytes / 1048576.0), "< 1 GB", ""));
                    rows.add(new Row("load average at the end (1/5/15 min)", load.substring(0, load.indexOf(' ', load.indexOf(' ',
                            load.indexOf(' ') + 1) + 1)), "", ""));
                    return rows;
                }
            }
        } finally {
            cluster.destroy();
            cluster.waitFor();
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** A process of the distribution's launcher, with its JVM options left as shipped (TESSERA_JAVA_OPTS passes through). */
    private static Process launch(Path log, String... command) throws java.io.IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().remove("KUBECONFIG");
        builder.environment().keySet().removeIf(name -> name.startsWith("TESSERA_") && !name.equals("TESSERA_JAVA_OPTS"));
        return builder.start();
    }

    /** {@code bin/tessera up --kubeconfig …} on the benchmark's cluster, as shipped. */
    private static UpProcess kernel(Path kubeconfig, Path dataDir) throws java.io.IOException {
        return UpProcess.launchDistribution(null, dataDir, "kubeconfig=" + kubeconfig);
    }

    /** Polls the kernel's CPU time every 2 s until it used less than 5 % of a core over one interval; answers when (nanoTime), or -1 past the deadline. */
    private static long awaitIdle(UpProcess kernel, long deadlineNanos) throws InterruptedException {
        double last = kernel.cpuSeconds();
        while (System.nanoTime() < deadlineNanos) {
            Thread.sleep(2_000);
            double now = kernel.cpuSeconds();
            if (now - last < 0.1) {
                return System.nanoTime();
            }
            last = now;
        }
        return -1;
    }

    /** The kernel's heap after the full GC that {@code jcmd GC.class_histogram} runs, and its largest classes. */
    private static Histogram histogram(UpProcess kernel) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(kernel.pid()), "GC.class_histogram").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Matcher total = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)").matcher(out);
        if (!total.find()) {
            throw new IllegalStateException("jcmd GC.class_histogram answered: " + out);
        }
        String top = out.lines().limit(25).reduce("", (a, b) -> a + b + "\n");
        return new Histogram(Long.parseLong(total.group(1)), top);
    }

    private record Histogram(long bytes, String top) {
    }

    /**
     * Polls the cluster until every project has its three roles, every workspace its roles and its
     * Workspace (the controllers' initial build), in a thread of its own so the "while building"
     * measurement runs beside it.
     */
    private final class Settling extends Thread {
        private final KubernetesClient client;
        private final int workspaceRolesWanted;
        private final UpProcess kernel;
        private volatile boolean done;
        volatile long doneAt;
        volatile double cpuSeconds;

        Settling(KubernetesClient client, int workspaceRolesWanted, UpProcess kernel) {
            super("tenancy-settling");
            setDaemon(true);
            this.client = client;
            this.workspaceRolesWanted = workspaceRolesWanted;
            this.kernel = kernel;
        }

        @Override
        public void run() {
            while (!isInterrupted()) {
                try {
                    int roles = client.genericKubernetesResources(IamTypes.ROLES).inAnyNamespace().list().getItems().size();
                    int workspaceRoles = client.genericKubernetesResources(IamTypes.WORKSPACE_ROLES).list().getItems().size();
                    int placed = client.genericKubernetesResources(TenancyTypes.WORKSPACES).list().getItems().size();
                    if (roles >= 3 * namespaces && workspaceRoles >= workspaceRolesWanted && placed >= workspaces) {
                        doneAt = System.nanoTime();
                        cpuSeconds = kernel.cpuSeconds();
                        done = true;
                        return;
                    }
                } catch (RuntimeException e) {
                    System.err.println("tenancy benchmark: settle poll failed, polling again: " + e);
                }
                try {
                    Thread.sleep(5_000); // a poll lists every role: not so often that it slows the build it waits for
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        boolean done() {
            return done;
        }

        boolean await(long deadlineNanos) throws InterruptedException {
            join(Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000));
            interrupt();
            return done;
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (java.io.IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** {@value #REQUESTS} sequential requests; their latencies in microseconds, sorted. */
    private static double[] measure(HttpClient http, URI page, String token) throws Exception {
        double[] micros = new double[REQUESTS];
        for (int i = 0; i < REQUESTS; i++) {
            long t = System.nanoTime();
            get(http, page, token);
            micros[i] = (System.nanoTime() - t) / 1e3;
        }
        Arrays.sort(micros);
        return micros;
    }

    /**
     * Waits until every project has its three roles and the number of workspace roles stopped
     * growing between two polls (the controllers' initial build is done); at most 20 minutes.
     */
    private boolean awaitControllersSettled(KubernetesClient client) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
        int lastWorkspaceRoles = -1;
        while (System.nanoTime() < deadline) {
            int roles = client.genericKubernetesResources(IamTypes.ROLES).inAnyNamespace().list().getItems().size();
            int workspaceRoles = client.genericKubernetesResources(IamTypes.WORKSPACE_ROLES).list().getItems().size();
            if (roles >= 3 * namespaces && workspaceRoles == lastWorkspaceRoles) {
                Thread.sleep(5_000); // let the role aggregation that follows the last writes finish
                return true;
            }
            lastWorkspaceRoles = workspaceRoles;
            Thread.sleep(10_000);
        }
        return false;
    }

    private void load(KubernetesClient client) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            parallel(pool, users, i -> create(client, IamTypes.USERS, user("u" + i)));
            parallel(pool, workspaces, i -> create(client, TenancyTypes.WORKSPACE_TEMPLATES, template("ws" + i)));
            parallel(pool, namespaces, i -> {
                try {
                    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("p" + i)
                            .addToLabels(TenancyTypes.LABEL_WORKSPACE, "ws" + (i % workspaces)).addToLabels(TenancyTypes.LABEL_MANAGED, "true")
                            .endMetadata().build()).create();
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 409) {
                        throw e;
                    }
                }
            });
            // every user a member of one workspace; the bench user of ws0 only
            parallel(pool, users, i -> create(client, IamTypes.WORKSPACE_ROLE_BINDINGS,
                    binding("u" + i, "ws" + (i % workspaces))));
        } finally {
            pool.shutdown();
        }
        create(client, IamTypes.WORKSPACE_ROLE_BINDINGS, binding("bench", "ws0"));
    }

    private static void parallel(ExecutorService pool, int n, IntConsumer task) throws Exception {
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            futures.add(pool.submit(() -> task.accept(k)));
        }
        for (Future<?> f : futures) {
            f.get();
        }
    }

    private static void create(KubernetesClient client, io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext ctx,
                               GenericKubernetesResource r) {
        try {
            client.genericKubernetesResources(ctx).resource(r).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    private static GenericKubernetesResource user(String name) {
        GenericKubernetesResource u = new GenericKubernetesResource();
        u.setApiVersion(IamTypes.API_VERSION);
        u.setKind("User");
        u.setMetadata(new ObjectMetaBuilder().withName(name).build());
        u.getAdditionalProperties().put("spec", Map.of("email", name + "@example.com"));
        return u;
    }

    private static GenericKubernetesResource template(String name) {
        GenericKubernetesResource t = new GenericKubernetesResource();
        t.setApiVersion("tenant.kubesphere.io/v1beta1");
        t.setKind("WorkspaceTemplate");
        t.setMetadata(new ObjectMetaBuilder().withName(name).build());
        t.getAdditionalProperties().put("spec", Map.of("template", Map.of("spec", Map.of("manager", "admin")),
                "placement", Map.of("clusters", List.of(Map.of("name", "host")))));
        return t;
    }

    private static GenericKubernetesResource binding(String user, String ws) {
        GenericKubernetesResource b = new GenericKubernetesResource();
        b.setApiVersion(IamTypes.API_VERSION);
        b.setKind("WorkspaceRoleBinding");
        b.setMetadata(new ObjectMetaBuilder().withName(user + "-" + ws + "-viewer").withLabels(Map.of(IamTypes.LABEL_USER_REF, user,
                TenancyTypes.LABEL_WORKSPACE, ws)).build());
        b.getAdditionalProperties().put("subjects", List.of(Map.of("kind", "User", "apiGroup", "rbac.authorization.k8s.io", "name", user)));
        b.getAdditionalProperties().put("roleRef", Map.of("apiGroup", IamTypes.GROUP, "kind", "WorkspaceRole", "name", ws + "-viewer"));
        return b;
    }

    private static Path awaitServing(Process p, Path log) throws Exception {
        long start = System.nanoTime();
        while (System.nanoTime() - start < Duration.ofMinutes(2).toNanos()) {
            if (Files.exists(log)) {
                for (String line : Files.readAllLines(log)) {
                    Matcher m = SERVING.matcher(line.trim());
                    if (m.matches()) {
                        return Path.of(m.group(2));
                    }
                }
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("tessera dev-cluster ended before serving (exit " + p.exitValue() + "): " + tail(log));
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("tessera dev-cluster not serving after 2 min: " + tail(log));
    }

    private static String login(HttpClient http, URI base, String user, String password) throws Exception {
        String admin = token(http, base, "admin", "P@88w0rd");
        String body = "{\"apiVersion\":\"iam.kubesphere.io/v1beta1\",\"kind\":\"User\",\"metadata\":{\"name\":\"" + user
                + "\",\"annotations\":{\"iam.kubesphere.io/globalrole\":\"platform-regular\"}},\"spec\":{\"email\":\"" + user
                + "@example.com\",\"password\":\"" + password + "\"}}";
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(base.resolve("/kapis/iam.kubesphere.io/v1beta1/users"))
                .header("Authorization", admin).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 200 && created.statusCode() != 409) {
            throw new IllegalStateException("cannot create the bench user: " + created.statusCode() + " " + created.body());
        }
        return token(http, base, user, password);
    }

    private static String token(HttpClient http, URI base, String user, String password) throws Exception {
        String form = "grant_type=password&client_id=kubesphere&client_secret=kubesphere&username=" + URLEncoder.encode(user,
                StandardCharsets.UTF_8) + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"").matcher(r.body());
        if (r.statusCode() != 200 || !m.find()) {
            throw new IllegalStateException("login of " + user + " failed: " + r.statusCode() + " " + r.body());
        }
        return "Bearer " + m.group(1);
    }

    private static String get(HttpClient http, URI uri, String token) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).header("Authorization", token).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + uri + " answered " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    public static void main(String[] args) throws Exception {
        TenancyBenchmark b = args.length == 3 ? new TenancyBenchmark(Integer.parseInt(args[0]), Integer.parseInt(args[1]),
                Integer.parseInt(args[2])) : new TenancyBenchmark();
        for (Row r : b.run()) {
            System.out.println(r.metric() + "\t" + r.value() + "\t" + r.goal());
        }
        System.exit(0);
    }
}
