package io.tessera.benchmarks.tenancy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.tessera.benchmarks.Benchmark;
import io.tessera.kernel.Kernel;
import io.tessera.kernel.config.KernelConfig;
import io.tessera.kernel.iam.api.IamTypes;
import io.tessera.kernel.tenancy.api.TenancyTypes;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
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
 * kernel's heap. The development cluster runs in its own process ({@code DevClusterMain}); the data
 * is loaded in bulk (concurrent creates) before the kernel starts, then the kernel's controllers
 * build roles and bindings as they would on a real cluster. Each user is a member of one workspace
 * (so a regular user's list is short while the cluster holds U bindings).
 *
 * <p>Run alone: {@code java -cp <benchmarks classpath> io.tessera.benchmarks.tenancy.TenancyBenchmark [namespaces workspaces users]}.
 */
public final class TenancyBenchmark implements Benchmark {

    private static final Pattern SERVING = Pattern.compile("dev-cluster serving (\\S+) \\(kubeconfig (.+)\\)");
    private static final int REQUESTS = 2000;

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
        Path dir = Files.createTempDirectory("tessera-bench-tenancy");
        Process cluster = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g", "-cp",
                System.getProperty("java.class.path"), "io.tessera.devcluster.DevClusterMain", "--data-dir", dir.resolve("cluster").toString(),
                "--port", "0").redirectErrorStream(true).start();
        try {
            Path kubeconfig = awaitServing(cluster);
            try (KubernetesClient client = new KubernetesClientBuilder()
                    .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build()) {
                // the kernel applies the CRDs; start it once to have them, then load in bulk
                Kernel first = Kernel.start(KernelConfig.defaults(dir.resolve("kernel")).withPort(0).withKubeconfig(kubeconfig));
                first.close();
                long loadStart = System.nanoTime();
                load(client);
                double loadSeconds = (System.nanoTime() - loadStart) / 1e9;

                try (Kernel kernel = Kernel.start(KernelConfig.defaults(dir.resolve("kernel")).withPort(0).withKubeconfig(kubeconfig))) {
                    HttpClient http = HttpClient.newHttpClient();
                    awaitReady(http, kernel.baseUri());
                    String token = login(http, kernel.baseUri(), "bench", "Bench1234");
                    URI page = kernel.baseUri().resolve("/kapis/tenant.kubesphere.io/v1beta1/workspacetemplates?page=1&limit=10");
                    // the user's membership reaches the kernel through informers: wait for it
                    long visibleStart = System.nanoTime();
                    while (!get(http, page, token).contains("\"totalItems\":1")) {
                        Thread.sleep(200);
                        if (System.nanoTime() - visibleStart > Duration.ofMinutes(10).toNanos()) {
                            throw new IllegalStateException("the bench user's workspace never became visible");
                        }
                    }
                    for (int i = 0; i < 200; i++) {
                        get(http, page, token); // warm-up
                    }
                    // first while the kernel's controllers still build the roles of the freshly loaded
                    // workspaces and projects (a cold start at this scale), then once they have settled
                    double[] building = measure(http, page, token);
                    long settleStart = System.nanoTime();
                    boolean settled = awaitControllersSettled(client);
                    double settleSeconds = (System.nanoTime() - settleStart) / 1e9;
                    double[] steady = measure(http, page, token);
                    System.gc();
                    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                    List<Row> rows = new ArrayList<>();
                    rows.add(new Row("bulk load (" + (users + workspaces + namespaces + users) + " objects, 32 clients)",
                            String.format("%.1f s", loadSeconds), "", ""));
                    rows.add(new Row("regular user's first page of workspaces while the controllers build, p50",
                            String.format("%.2f ms", building[REQUESTS / 2] / 1e3), "", ""));
                    rows.add(new Row("regular user's first page of workspaces while the controllers build, p99",
                            String.format("%.2f ms", building[(int) (REQUESTS * 0.99)] / 1e3), "", ""));
                    rows.add(new Row("controllers settled (" + 3 * namespaces + " project roles written)",
                            settled ? String.format("%.0f s later", settleSeconds) : "NOT within 20 min", "", ""));
                    rows.add(new Row("regular user's first page of workspaces, controllers settled, p50",
                            String.format("%.2f ms", steady[REQUESTS / 2] / 1e3), "", ""));
                    rows.add(new Row("regular user's first page of workspaces, controllers settled, p99",
                            String.format("%.2f ms", steady[(int) (REQUESTS * 0.99)] / 1e3), "p99 < 50 ms", ""));
                    rows.add(new Row("kernel heap after GC (kernel + its informers and every role; cluster in another process)",
                            String.format("%.0f MB", heap / 1048576.0), "< 1 GB", ""));
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

    private static Path awaitServing(Process p) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            Matcher m = SERVING.matcher(line.trim());
            if (m.matches()) {
                Thread drain = new Thread(() -> {
                    try {
                        while (out.readLine() != null) {
                            // keep the pipe from filling up
                        }
                    } catch (java.io.IOException ignored) {
                        // the process ended
                    }
                }, "dev-cluster-output");
                drain.setDaemon(true);
                drain.start();
                return Path.of(m.group(2));
            }
        }
        throw new IllegalStateException("dev-cluster process ended before serving (exit " + p.waitFor() + ")");
    }

    private static void awaitReady(HttpClient http, URI base) throws Exception {
        long start = System.nanoTime();
        while (http.send(HttpRequest.newBuilder(base.resolve("/readyz")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() != 200) {
            if (System.nanoTime() - start > Duration.ofMinutes(10).toNanos()) {
                throw new IllegalStateException("kernel not ready after 10 minutes");
            }
            Thread.sleep(200);
        }
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
