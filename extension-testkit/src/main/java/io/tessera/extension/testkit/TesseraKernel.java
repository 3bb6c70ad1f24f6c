package io.tessera.extension.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.tessera.kernel.Kernel;
import io.tessera.kernel.config.KernelConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Tessera kernel on its embedded development cluster, with the extension under test
 * installed from its built package through an InstallPlan, as a user would install it. One
 * kernel per test class:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final TesseraKernel tessera = TesseraKernel.installing(Path.of("target/my-ext-1.0.0.tsx.zip"));
 *
 * @Test
 * void listsGreetings() throws Exception {
 *     var r = tessera.http("platform-regular").get("/kapis/samples.tessera.io/v1alpha1/greetings");
 *     ...
 * }
 * }</pre>
 */
public final class TesseraKernel implements BeforeAllCallback, AfterAllCallback {

    static final ResourceDefinitionContext INSTALL_PLANS = new ResourceDefinitionContext.Builder()
            .withGroup("kubesphere.io").withVersion("v1alpha1").withKind("InstallPlan").withPlural("installplans")
            .withNamespaced(false).build();
    static final String ADMIN = "admin";
    static final String ADMIN_PASSWORD = "P@88w0rd";
    static final String USER_PASSWORD = "Tessera-Test-1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path packageFile;
    private final Duration installDeadline;
    private String config;
    private Path dataDir;
    private Kernel kernel;
    private KernelConfig kernelConfig;
    private KubernetesClient kubernetes;
    private String extensionName;
    private String extensionVersion;
    private final Map<String, TesseraHttp> clients = new LinkedHashMap<>();

    /** Set by {@link #fromRepository}: a ready repository folder and the extensions to install from it. */
    private Path repositoryDir;
    private final List<String[]> fromRepository = new java.util.ArrayList<>();

    private TesseraKernel(Path packageFile, Duration installDeadline) {
        this.packageFile = packageFile;
        this.installDeadline = installDeadline;
    }

    /**
     * Boots a kernel whose built-in repository is {@code repositoryDir} (e.g. the distribution's
     * {@code repository/}) and installs the extensions named with {@link #install}, in order.
     * (Added by issue 10: the observability end-to-end test installs three extensions.)
     */
    public static TesseraKernel fromRepository(Path repositoryDir) {
        TesseraKernel k = new TesseraKernel(null, Duration.ofSeconds(60));
        k.repositoryDir = repositoryDir;
        return k;
    }

    /** With {@link #fromRepository}: install extension {@code name} at {@code version} with this config YAML (or null). */
    public TesseraKernel install(String name, String version, String configYaml) {
        fromRepository.add(new String[] {name, version, configYaml});
        return this;
    }

    /** Deletes an extension's InstallPlan and waits until the plan is gone (the runtime has uninstalled it). */
    public void uninstall(String name) throws InterruptedException {
        kubernetes.genericKubernetesResources(INSTALL_PLANS).withName(name).delete();
        long end = System.nanoTime() + installDeadline.toNanos();
        while (System.nanoTime() < end) {
            if (kubernetes.genericKubernetesResources(INSTALL_PLANS).withName(name).get() == null) {
                return;
            }
            Thread.sleep(50); // polling the plan; the deadline bounds it
        }
        throw new IllegalStateException("extension " + name + " was not uninstalled within " + installDeadline);
    }

    /** Boots a kernel and installs the package (a {@code .tsx.zip} built by the extension's module). */
    public static TesseraKernel installing(Path packageFile) {
        return new TesseraKernel(packageFile, Duration.ofSeconds(60));
    }

    /** The InstallPlan's {@code spec.config} YAML to install with. */
    public TesseraKernel withConfig(String yaml) {
        this.config = yaml;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (repositoryDir != null) {
            if (!Files.isDirectory(repositoryDir)) {
                throw new IllegalStateException("repository " + repositoryDir.toAbsolutePath() + " does not exist: build it first");
            }
            dataDir = Files.createTempDirectory("tessera-testkit");
            kernelConfig = KernelConfig.defaults(dataDir.resolve("data")).withPort(0)
                    .withExtensions(new KernelConfig.Extensions(repositoryDir));
            kernel = Kernel.start(kernelConfig);
            kubernetes = kernel.embeddedCluster().newClient();
            for (String[] e : fromRepository) {
                extensionName = e[0];
                extensionVersion = e[1];
                config = e[2];
                install();
            }
            return;
        }
        if (!Files.isRegularFile(packageFile)) {
            throw new IllegalStateException("extension package " + packageFile.toAbsolutePath()
                    + " does not exist: build it first (mvn package), the test kit installs the built package");
        }
        readNameAndVersion();
        dataDir = Files.createTempDirectory("tessera-testkit");
        Path repository = Files.createDirectories(dataDir.resolve("repository"));
        Files.copy(packageFile, repository.resolve(packageFile.getFileName()));
        kernelConfig = KernelConfig.defaults(dataDir.resolve("data")).withPort(0)
                .withExtensions(new KernelConfig.Extensions(repository));
        kernel = Kernel.start(kernelConfig);
        kubernetes = kernel.embeddedCluster().newClient();
        install();
    }

    private void readNameAndVersion() throws IOException {
        try (ZipFile zip = new ZipFile(packageFile.toFile())) {
            var entry = zip.getEntry("extension.yaml");
            if (entry == null) {
                throw new IllegalStateException(packageFile + " has no extension.yaml");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> m = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                    .readValue(zip.getInputStream(entry), Map.class);
            extensionName = String.valueOf(m.get("name"));
            extensionVersion = String.valueOf(m.get("version"));
        }
    }

    private void install() throws InterruptedException {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("extension", Map.of("name", extensionName, "version", extensionVersion));
        spec.put("enabled", true);
        if (config != null) {
            spec.put("config", config);
        }
        GenericKubernetesResource plan = new GenericKubernetesResource();
        plan.setApiVersion("kubesphere.io/v1alpha1");
        plan.setKind("InstallPlan");
        plan.setMetadata(new ObjectMetaBuilder().withName(extensionName).build());
        plan.setAdditionalProperty("spec", spec);
        kubernetes.genericKubernetesResources(INSTALL_PLANS).resource(plan).create();
        long end = System.nanoTime() + installDeadline.toNanos();
        String state = null;
        String message = null;
        while (System.nanoTime() < end) {
            GenericKubernetesResource p = kubernetes.genericKubernetesResources(INSTALL_PLANS).withName(extensionName).get();
            if (p != null && p.getAdditionalProperties().get("status") instanceof Map<?, ?> s) {
                state = (String) s.get("state");
                message = lastMessage(s);
                if ("Installed".equals(state)) {
                    return;
                }
                if (state != null && state.endsWith("Failed")) {
                    break;
                }
            }
            Thread.sleep(50); // polling the plan's status; the deadline bounds it
        }
        throw new IllegalStateException("extension " + extensionName + " " + extensionVersion + " did not install: state="
                + state + " message=" + message);
    }

    private static String lastMessage(Map<?, ?> status) {
        if (status.get("conditions") instanceof List<?> l && !l.isEmpty() && l.get(l.size() - 1) instanceof Map<?, ?> c) {
            return String.valueOf(c.get("message"));
        }
        return null;
    }

    /**
     * An HTTP client logged in as a user holding {@code globalRole} (KubeSphere's built-in global
     * roles: {@code platform-admin}, {@code platform-regular}, …); the user is created once.
     * {@code platform-admin} uses the bootstrap admin.
     */
    public synchronized TesseraHttp http(String globalRole) throws Exception {
        TesseraHttp existing = clients.get(globalRole);
        if (existing != null) {
            return existing;
        }
        TesseraHttp anonymous = new TesseraHttp(kernel.baseUri(), null);
        String token;
        if (globalRole.equals("platform-admin")) {
            token = anonymous.login(ADMIN, ADMIN_PASSWORD);
        } else {
            TesseraHttp admin = http("platform-admin");
            String user = "tk-" + globalRole.replaceAll("[^a-z0-9-]", "-");
            Map<String, Object> body = Map.of("apiVersion", "iam.kubesphere.io/v1beta1", "kind", "User",
                    "metadata", Map.of("name", user, "annotations", Map.of("iam.kubesphere.io/globalrole", globalRole)),
                    "spec", Map.of("email", user + "@example.com", "password", USER_PASSWORD));
            HttpResponse<String> r = admin.send("POST", "/kapis/iam.kubesphere.io/v1beta1/users", JSON.writeValueAsString(body));
            // 409: created before a restart(); the user is still there
            if (r.statusCode() != 200 && r.statusCode() != 201 && r.statusCode() != 409) {
                throw new IllegalStateException("cannot create test user " + user + ": " + r.statusCode() + " " + r.body());
            }
            token = anonymous.loginWhenReady(user, USER_PASSWORD, Duration.ofSeconds(20));
        }
        TesseraHttp client = new TesseraHttp(kernel.baseUri(), token);
        clients.put(globalRole, client);
        return client;
    }

    /**
     * Stops the kernel and starts a new one on the same data directory, as an operator restarting
     * the process would: whatever the extensions kept in Kubernetes objects is still there, their
     * memory is not. The installed extensions come back from their InstallPlans; logged-in clients
     * are dropped (the new kernel listens on another port). (Added for the durable delivery log.)
     */
    public synchronized void restart() throws Exception {
        kubernetes.close();
        kernel.close();
        clients.clear();
        kernel = Kernel.start(kernelConfig);
        kubernetes = kernel.embeddedCluster().newClient();
    }

    /** A client with the platform's own credentials on the embedded cluster (closed with the kernel). */
    public KubernetesClient kubernetes() {
        return kubernetes;
    }

    public Kernel kernel() {
        return kernel;
    }

    public URI baseUri() {
        return kernel.baseUri();
    }

    public String extensionName() {
        return extensionName;
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (kubernetes != null) {
            kubernetes.close();
        }
        if (kernel != null) {
            kernel.close();
        }
        if (dataDir != null) {
            try (Stream<Path> s = Files.walk(dataDir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
