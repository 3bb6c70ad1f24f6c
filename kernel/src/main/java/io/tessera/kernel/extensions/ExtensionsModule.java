package io.tessera.kernel.extensions;

import io.tessera.kernel.spi.KernelContext;
import io.tessera.kernel.spi.KernelModule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The extension runtime as a kernel module: the catalog CRDs, the built-in repository loader,
 * the InstallPlan controller driving this replica's Felix, and the console endpoints.
 */
public final class ExtensionsModule implements KernelModule {

    public static final String CONSOLE_GROUP = "extensions.tessera.io";
    private static final Logger LOG = LoggerFactory.getLogger(ExtensionsModule.class);

    private ExtensionRuntime runtime;
    private InstallPlanController controller;
    private ConsoleEntries console;
    private RepositoryLoader repository;
    private ReplicaRegistry replicas;
    private Integrations integrations;

    @Override
    public String name() {
        return "extensions";
    }

    @Override
    public List<String> dependsOn() {
        return List.of("iam");
    }

    @Override
    public List<String> crdResources() {
        return List.of("crds/extensions/extensions.kubesphere.io.yaml");
    }

    @Override
    public void start(KernelContext context) throws Exception {
        Path work = context.config().dataDir().resolve("extensions");
        Files.createDirectories(work);
        ConsoleEntries[] holder = new ConsoleEntries[1];
        replicas = new ReplicaRegistry(context.kubernetes());
        ExtensionRuntime[] rt = new ExtensionRuntime[1];
        runtime = new ExtensionRuntime(context.osgi(), context.kubernetes(), context.auditBus(), work, () -> {
            holder[0].changed();
            java.util.Map<String, String> served = new java.util.TreeMap<>();
            rt[0].all().forEach((n, r) -> served.put(n, r.version()));
            replicas.report(served);
        }, replicas.id());
        rt[0] = runtime;
        console = new ConsoleEntries(runtime, context::authorizer);
        holder[0] = console;
        java.util.List<PackageTrust> trust = new java.util.ArrayList<>();
        for (PackageTrust.Factory f : java.util.ServiceLoader.load(PackageTrust.Factory.class)) {
            trust.add(f.create(context));
        }
        java.util.List<PackageSource> sources = new java.util.ArrayList<>();
        for (PackageSource.Factory f : java.util.ServiceLoader.load(PackageSource.Factory.class)) {
            sources.add(f.create(context));
        }
        repository = new RepositoryLoader(context.kubernetes(), trust, sources);
        if (sources.isEmpty()) {
            repository.load(context.config().extensions().repositoryDir());
        } // else the marketplace's Repository "builtin" serves that directory

        context.mountKapis(CONSOLE_GROUP, "v1alpha1", new ConsoleEntries.Api(console));
        context.mountPath("/dist", new ConsoleEntries.Dist(console));
        context.mountKapis("kubesphere.io", "v1alpha1", new ExtensionHealthResource(runtime, replicas.id()));
        integrations = new Integrations(context.kubernetes(), context.osgi().context(), console::changed);
        integrations.start();
        console.integrations(integrations);
        context.mountPath("/proxy", new Integrations.ReverseProxyResource(integrations));
        // console bundles are fetched by the browser before login, as KubeSphere's /dist
        context.addPublicPath("GET /dist/*");
        applyRoleTemplates(context.kubernetes());
        controller = new InstallPlanController(context.kubernetes(), repository, runtime, replicas);
        replicas.start(controller::enqueueAll);
        controller.start();
        LOG.info("event=extensions.started repository={}", context.config().extensions().repositoryDir());
    }

    /** Creates the extension manager's own RoleTemplates, or brings them back to the shipped definition. */
    private static void applyRoleTemplates(io.fabric8.kubernetes.client.KubernetesClient client) throws java.io.IOException {
        for (Object document : io.tessera.kernel.kube.YamlDocuments.read(ExtensionsModule.class.getClassLoader(),
                "extensions/roletemplates.yaml")) {
            applyRoleTemplate(client, client.getKubernetesSerialization().convertValue(document,
                    io.fabric8.kubernetes.api.model.GenericKubernetesResource.class));
        }
    }

    /**
     * Creates {@code template}, or updates it when the stored one differs from it. Every replica
     * does this at start (and when it starts an extension), at the same time when they start
     * together: a 409 means another replica has just written the same definition.
     */
    static void applyRoleTemplate(io.fabric8.kubernetes.client.KubernetesClient client,
            io.fabric8.kubernetes.api.model.GenericKubernetesResource template) {
        var ops = client.genericKubernetesResources(ExtensionRuntime.ROLE_TEMPLATES);
        var existing = ops.withName(template.getMetadata().getName()).get();
        try {
            if (existing == null) {
                ops.resource(template).create();
            } else if (!sameDefinition(existing, template)) {
                template.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
                ops.resource(template).update();
            }
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    /** Labels, annotations and spec as shipped (what the API server adds to metadata does not count). */
    static boolean sameDefinition(io.fabric8.kubernetes.api.model.GenericKubernetesResource stored,
            io.fabric8.kubernetes.api.model.GenericKubernetesResource shipped) {
        java.util.Map<String, String> labels = stored.getMetadata().getLabels() == null ? java.util.Map.of() : stored.getMetadata().getLabels();
        java.util.Map<String, String> annotations = stored.getMetadata().getAnnotations() == null
                ? java.util.Map.of() : stored.getMetadata().getAnnotations();
        return labels.entrySet().containsAll(shipped.getMetadata().getLabels() == null
                        ? java.util.Set.of() : shipped.getMetadata().getLabels().entrySet())
                && annotations.entrySet().containsAll(shipped.getMetadata().getAnnotations() == null
                        ? java.util.Set.of() : shipped.getMetadata().getAnnotations().entrySet())
                && java.util.Objects.equals(stored.getAdditionalProperties().get("spec"), shipped.getAdditionalProperties().get("spec"));
    }

    /** Adds a package to the built-in repository at run time (tests, the testkit). */
    public void addPackage(Path file) throws Exception {
        ExtensionPackage pkg = ExtensionPackage.open(file);
        repository.verify(pkg);
        repository.add(pkg);
    }

    @Override
    public void stop() {
        if (console != null) {
            console.close();
        }
        if (controller != null) {
            controller.close();
        }
        if (integrations != null) {
            integrations.close();
        }
        if (runtime != null) {
            runtime.close();
        }
        if (replicas != null) {
            replicas.close();
        }
    }
}
