package io.tessera.marketplace.install;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.tessera.marketplace.index.IndexEntry;
import io.tessera.marketplace.resolve.Resolver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Installs an extension with its dependency closure through InstallPlans: the catalog is the
 * cluster's ExtensionVersion objects (whatever repositories loaded them), the installed set the
 * InstallPlans, the order the {@link Resolver}'s (dependencies first). Each step waits for its
 * plan's end state, so a failure stops the install at that step with the plan's own reason.
 * Uninstalling an extension that installed ones depend on is refused before anything is deleted,
 * naming them, unless forced (then the plan carries kubesphere.io/force-delete as the runtime
 * expects).
 */
public final class Installer {

    public static final ResourceDefinitionContext PLANS = rdc("InstallPlan", "installplans");
    public static final ResourceDefinitionContext VERSIONS = rdc("ExtensionVersion", "extensionversions");
    static final String FORCE_DELETE = "kubesphere.io/force-delete";

    /** An install or uninstall that did not reach its end state; the message says which and why. */
    public static final class InstallException extends Exception {
        public InstallException(String message) {
            super(message);
        }
    }

    private final KubernetesClient client;
    private final String kernelVersion;
    private final Duration stepDeadline;

    public Installer(KubernetesClient client, String kernelVersion, Duration stepDeadline) {
        this.client = client;
        this.kernelVersion = kernelVersion;
        this.stepDeadline = stepDeadline;
    }

    private static ResourceDefinitionContext rdc(String kind, String plural) {
        return new ResourceDefinitionContext.Builder().withGroup("kubesphere.io").withVersion("v1alpha1").withKind(kind)
                .withPlural(plural).withNamespaced(false).build();
    }

    /** Every ExtensionVersion as an index entry (name, version, dependencies, kernel range). */
    @SuppressWarnings("unchecked")
    public List<IndexEntry> catalog() {
        List<IndexEntry> out = new ArrayList<>();
        for (GenericKubernetesResource v : client.genericKubernetesResources(VERSIONS).list().getItems()) {
            Map<String, Object> spec = v.getAdditionalProperties().get("spec") instanceof Map<?, ?> s ? (Map<String, Object>) s : Map.of();
            String name = v.getMetadata().getLabels() == null ? null : v.getMetadata().getLabels().get("kubesphere.io/extension-ref");
            Object version = spec.get("version");
            if (name == null || version == null) {
                continue;
            }
            Map<String, String> deps = new LinkedHashMap<>();
            if (spec.get("externalDependencies") instanceof List<?> l) {
                for (Object o : l) {
                    if (o instanceof Map<?, ?> d && "extension".equals(d.get("type"))) {
                        deps.put(String.valueOf(d.get("name")), String.valueOf(d.get("version")));
                    }
                }
            }
            out.add(new IndexEntry(name, String.valueOf(version), null, 0, null, null, null, (String) spec.get("category"), null, null,
                    null, null, spec.get("ksVersion") == null ? null : String.valueOf(spec.get("ksVersion")), deps, null, null, null));
        }
        return out;
    }

    /** Extension name → version of every plan whose state is Installed. */
    @SuppressWarnings("unchecked")
    public Map<String, String> installed() {
        Map<String, String> out = new HashMap<>();
        for (GenericKubernetesResource p : client.genericKubernetesResources(PLANS).list().getItems()) {
            if (p.getAdditionalProperties().get("status") instanceof Map<?, ?> s && "Installed".equals(s.get("state"))
                    && s.get("version") != null) {
                out.put(p.getMetadata().getName(), String.valueOf(s.get("version")));
            }
        }
        return out;
    }

    public List<Resolver.Step> resolve(String name, String version) throws Resolver.ResolutionException {
        return new Resolver(catalog(), installed(), kernelVersion).resolve(name, version);
    }

    /** Installs (or upgrades to) {@code name} {@code version} (null: newest that fits) with its closure. */
    public List<Resolver.Step> install(String name, String version, Consumer<String> progress)
            throws Resolver.ResolutionException, InstallException, InterruptedException {
        List<Resolver.Step> steps = resolve(name, version);
        progress.accept("plan: " + steps.stream().map(s -> s.entry().id() + (s.alreadyInstalled() ? " (installed)" : "")).toList());
        for (Resolver.Step step : steps) {
            if (step.alreadyInstalled()) {
                continue;
            }
            apply(step.entry());
            progress.accept(step.entry().id() + ": plan applied, waiting");
            Map<?, ?> status = await(step.entry().name(), step.entry().version());
            progress.accept(step.entry().id() + ": " + status.get("state"));
            if (!"Installed".equals(status.get("state"))) {
                throw new InstallException(step.entry().id() + " " + status.get("state") + ": " + lastMessage(status)
                        + (step.entry().name().equals(name) ? "" : " (a dependency of " + name + ")"));
            }
        }
        return steps;
    }

    private void apply(IndexEntry e) {
        var op = client.genericKubernetesResources(PLANS).withName(e.name());
        GenericKubernetesResource existing = op.get();
        if (existing == null) {
            GenericKubernetesResource plan = new GenericKubernetesResource();
            plan.setApiVersion("kubesphere.io/v1alpha1");
            plan.setKind("InstallPlan");
            plan.setMetadata(new ObjectMetaBuilder().withName(e.name()).build());
            plan.setAdditionalProperty("spec", new LinkedHashMap<>(Map.of("extension", Map.of("name", e.name(), "version", e.version()),
                    "enabled", true)));
            client.genericKubernetesResources(PLANS).resource(plan).create();
        } else {
            op.edit(p -> {
                @SuppressWarnings("unchecked")
                Map<String, Object> spec = new LinkedHashMap<>((Map<String, Object>) p.getAdditionalProperties().get("spec"));
                spec.put("extension", Map.of("name", e.name(), "version", e.version()));
                spec.put("enabled", true);
                p.setAdditionalProperty("spec", spec);
                return p;
            });
        }
    }

    private Map<?, ?> await(String name, String version) throws InterruptedException, InstallException {
        long end = System.nanoTime() + stepDeadline.toNanos();
        Map<?, ?> last = Map.of();
        while (System.nanoTime() < end) {
            GenericKubernetesResource p = client.genericKubernetesResources(PLANS).withName(name).get();
            if (p != null && p.getAdditionalProperties().get("status") instanceof Map<?, ?> s) {
                last = s;
                Object state = s.get("state");
                if (version.equals(s.get("version")) && ("Installed".equals(state) || String.valueOf(state).endsWith("Failed"))) {
                    return s;
                }
            }
            Thread.sleep(100); // polling the plan's status; the deadline bounds it
        }
        throw new InstallException(name + " " + version + " did not reach an end state within " + stepDeadline + "; last state "
                + last.get("state") + ": " + lastMessage(last));
    }

    /** Uninstalls {@code name}; refused naming the installed extensions that need it unless forced. */
    public void uninstall(String name, boolean force, Consumer<String> progress) throws InstallException, InterruptedException {
        var op = client.genericKubernetesResources(PLANS).withName(name);
        if (op.get() == null) {
            throw new InstallException("extension " + name + " is not installed");
        }
        Map<String, IndexEntry> installedEntries = new HashMap<>();
        Map<String, String> installed = installed();
        for (IndexEntry e : catalog()) {
            if (e.version().equals(installed.get(e.name()))) {
                installedEntries.put(e.name(), e);
            }
        }
        List<String> dependents = Resolver.dependents(name, installedEntries);
        if (!dependents.isEmpty() && !force) {
            throw new InstallException("extension " + name + " is required by " + String.join(", ", dependents)
                    + "; uninstall them first or force");
        }
        if (force) {
            op.edit(p -> {
                Map<String, String> a = p.getMetadata().getAnnotations() == null ? new HashMap<>() : new HashMap<>(p.getMetadata().getAnnotations());
                a.put(FORCE_DELETE, "true");
                p.getMetadata().setAnnotations(a);
                return p;
            });
        }
        op.delete();
        progress.accept(name + ": uninstalling");
        long end = System.nanoTime() + stepDeadline.toNanos();
        while (System.nanoTime() < end) {
            GenericKubernetesResource p = op.get();
            if (p == null) {
                progress.accept(name + ": uninstalled");
                return;
            }
            if (p.getAdditionalProperties().get("status") instanceof Map<?, ?> s && "UninstallFailed".equals(s.get("state"))) {
                throw new InstallException(name + " UninstallFailed: " + lastMessage(s));
            }
            Thread.sleep(100); // polling until the finalizer is removed; the deadline bounds it
        }
        throw new InstallException(name + " was not uninstalled within " + stepDeadline);
    }

    static String lastMessage(Map<?, ?> status) {
        if (status.get("conditions") instanceof List<?> l && !l.isEmpty() && l.get(l.size() - 1) instanceof Map<?, ?> c) {
            return String.valueOf(c.get("message"));
        }
        return "no condition";
    }
}
