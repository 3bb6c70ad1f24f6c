package io.tessera.kernel.extensions;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.tessera.kernel.concurrent.DaemonThreads;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives this replica's {@link ExtensionRuntime} from InstallPlans: every replica runs it (each
 * has its own Felix), so a plan created through any replica is served by all of them. One
 * worker thread handles plans one at a time; events for the same plan collapse.
 */
final class InstallPlanController implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InstallPlanController.class);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final long RETRY_SECONDS = 5;

    private final KubernetesClient client;
    private final RepositoryLoader repository;
    private final ExtensionRuntime runtime;
    private final ReplicaRegistry replicas;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("extensions-installplans"));
    private final Map<String, Boolean> queued = new ConcurrentHashMap<>();
    /** plan name → the desired state whose last attempt failed; not retried until the spec changes. */
    private final Map<String, String> failed = new ConcurrentHashMap<>();
    private SharedIndexInformer<GenericKubernetesResource> informer;

    InstallPlanController(KubernetesClient client, RepositoryLoader repository, ExtensionRuntime runtime,
            ReplicaRegistry replicas) {
        this.replicas = replicas;
        this.client = client;
        this.repository = repository;
        this.runtime = runtime;
    }

    void start() {
        informer = client.genericKubernetesResources(ExtensionTypes.INSTALL_PLANS).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource obj) {
                enqueue(obj.getMetadata().getName(), 0);
            }

            @Override
            public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
                if (!Objects.equals(oldObj.getAdditionalProperties().get("spec"), newObj.getAdditionalProperties().get("spec"))
                        || !Objects.equals(oldObj.getMetadata().getAnnotations(), newObj.getMetadata().getAnnotations())
                        || !Objects.equals(oldObj.getMetadata().getDeletionTimestamp(), newObj.getMetadata().getDeletionTimestamp())) {
                    enqueue(newObj.getMetadata().getName(), 0);
                }
                // a plan's state decides whether plans depending on it may install or others uninstall
                if (!Objects.equals(state(oldObj), state(newObj))) {
                    enqueueAll();
                }
            }

            @Override
            public void onDelete(GenericKubernetesResource obj, boolean unknown) {
                enqueueAll();
                enqueue(obj.getMetadata().getName(), 0);
            }
        });
    }

    /** Another replica's served set changed: re-evaluate every plan. */
    void enqueueAll() {
        if (informer != null) {
            for (String key : informer.getStore().listKeys()) {
                enqueue(key, 0);
            }
        }
    }

    /**
     * Immediate events for the same plan collapse while one is waiting; delayed retries are
     * scheduled on their own so they never hold back an immediate event (reconcile is idempotent).
     */
    private void enqueue(String name, long delaySeconds) {
        if (delaySeconds == 0 && queued.putIfAbsent(name, Boolean.TRUE) != null) {
            return;
        }
        worker.schedule(() -> {
            if (delaySeconds == 0) {
                queued.remove(name);
            }
            try {
                reconcile(name);
            } catch (RuntimeException e) {
                LOG.warn("event=installplan.reconcile.failed plan={} retrySeconds={} error=\"{}\"", name, RETRY_SECONDS,
                        e.toString());
                enqueue(name, RETRY_SECONDS);
            }
        }, delaySeconds, TimeUnit.SECONDS);
    }

    @SuppressWarnings("unchecked")
    private void reconcile(String planName) {
        GenericKubernetesResource plan = informer.getStore().getByKey(planName);
        if (plan == null) {
            clearFailed(planName);
            if (runtime.stop(planName)) {
                LOG.info("event=installplan.uninstalled plan={}", planName);
            }
            return;
        }
        if (plan.getMetadata().getDeletionTimestamp() != null) {
            uninstall(plan);
            return;
        }
        ensureFinalizer(plan);
        Map<String, Object> spec = plan.getAdditionalProperties().get("spec") instanceof Map<?, ?> s
                ? (Map<String, Object>) s : Map.of();
        Map<String, Object> ext = spec.get("extension") instanceof Map<?, ?> e ? (Map<String, Object>) e : Map.of();
        String name = ext.get("name") instanceof String n ? n : null;
        String version = ext.get("version") instanceof String v ? v : null;
        boolean enabled = !Boolean.FALSE.equals(spec.get("enabled"));
        String configYaml = spec.get("config") instanceof String c ? c : "";
        String hash = Integer.toHexString(configYaml.strip().hashCode());
        if (name == null || version == null) {
            writeStatus(planName, "InstallFailed", enabled, version, hash, "Installed", "False", "InstallFailed",
                    "spec.extension.name and spec.extension.version are required");
            return;
        }
        if (!name.equals(planName)) {
            writeStatus(planName, "InstallFailed", enabled, version, hash, "Installed", "False", "InstallFailed",
                    "metadata.name must equal spec.extension.name (" + name + ")");
            return;
        }
        String desired = version + "|" + hash + "|" + enabled;
        var current = runtime.running(name);
        if (!enabled) {
            runtime.stop(name);
            clearFailed(planName);
            writeStatus(planName, "Installed", false, version, hash, "Installed", "True", "Disabled", "extension is disabled");
            return;
        }
        var elsewhere = replicas.failedElsewhere(name, version);
        if (elsewhere.isPresent()) {
            rollBack(plan, name, version, hash, configYaml, desired, elsewhere.get());
            return;
        }
        if (current.isPresent() && current.get().version().equals(version)) {
            if (!current.get().configHash().equals(hash)) {
                try {
                    runtime.updateConfig(name, config(current.get().pkg().manifest(), configYaml), hash);
                } catch (IllegalArgumentException e) {
                    writeStatus(planName, "UpgradeFailed", true, version, hash, "Upgraded", "False", "UpgradeFailed", e.getMessage());
                    return;
                }
            }
            clearFailed(planName);
            Map<String, Object> st = plan.getAdditionalProperties().get("status") instanceof Map<?, ?> x
                    ? (Map<String, Object>) x : Map.of();
            served(planName, name, version, hash, "Upgrading".equals(st.get("state")));
            return;
        }
        if (desired.equals(failed.get(planName))) {
            return;
        }
        boolean upgrade = current.isPresent();
        ExtensionPackage pkg;
        try {
            pkg = repository.fetch(name, version);
            if (pkg != null) {
                // checked again on every replica that loads the bundle, not only when the catalog was built
                repository.verify(pkg);
            }
        } catch (PackageTrust.Refused e) {
            markFailed(planName, version, desired, e.getMessage());
            LOG.warn("event=extensions.package.refused plan={} package={}-{} error=\"{}\"", planName, name, version, e.getMessage());
            writeStatus(planName, upgrade ? "UpgradeFailed" : "InstallFailed", true, version, hash,
                    upgrade ? "Upgraded" : "Installed", "False", "PackageRefused", e.getMessage());
            return;
        } catch (java.io.IOException e) {
            writeStatus(planName, "Preparing", true, version, hash, "Initialized", "False", "PackageUnavailable",
                    "cannot fetch " + name + " " + version + " from its repository: " + e.getMessage() + "; retrying");
            enqueue(planName, RETRY_SECONDS);
            return;
        }
        if (pkg == null) {
            writeStatus(planName, "Preparing", true, version, hash, "Initialized", "False", "ExtensionVersionNotFound",
                    "no package for " + name + " " + version + " in the repository; waiting");
            enqueue(planName, RETRY_SECONDS);
            return;
        }
        if (repository.hasSources()) {
            if (!dependenciesInstalled(planName, pkg.manifest(), hash, desired, upgrade)) {
                return; // re-evaluated when another plan's state changes
            }
        } else {
            String missing = Dependencies.unmet(pkg.manifest(), this::installedVersion);
            if (missing != null) {
                writeStatus(planName, upgrade ? "UpgradeFailed" : "InstallFailed", true, version, hash,
                        upgrade ? "Upgraded" : "Installed", "False", "DependencyNotInstalled", missing);
                return; // re-evaluated when another plan's state changes
            }
        }
        writeStatus(planName, upgrade ? "Upgrading" : "Installing", true, version, hash, "Initialized", "True",
                "Initialized", "starting " + name + " " + version);
        try {
            runtime.start(pkg, config(pkg.manifest(), configYaml), hash);
            clearFailed(planName);
            served(planName, name, version, hash, upgrade);
        } catch (ExtensionRuntime.StartFailedException | IllegalArgumentException e) {
            markFailed(planName, version, desired, e.getMessage());
            String previous = current.map(r -> "; version " + r.version() + " keeps serving").orElse("")
                    + " (kernel replica " + replicas.id() + ")";
            writeStatus(planName, upgrade ? "UpgradeFailed" : "InstallFailed", true, version, hash,
                    upgrade ? "Upgraded" : "Installed", "False", upgrade ? "UpgradeFailed" : "InstallFailed",
                    e.getMessage() + previous);
        }
    }

    /**
     * Resolves the plan's dependency closure and creates an InstallPlan for each dependency that
     * has none, so dependencies install first; true once all of them are Installed. A conflict
     * fails the plan naming both sides; a failed dependency fails it naming the dependency.
     */
    @SuppressWarnings("unchecked")
    private boolean dependenciesInstalled(String planName, ExtensionManifest manifest, String hash, String desired, boolean upgrade) {
        String name = manifest.name();
        String version = manifest.version();
        Map<String, String> fixed = new java.util.TreeMap<>();
        for (GenericKubernetesResource other : informer.getStore().list()) {
            if (!other.getMetadata().getName().equals(planName) && other.getMetadata().getDeletionTimestamp() == null
                    && other.getAdditionalProperties().get("spec") instanceof Map<?, ?> s
                    && s.get("extension") instanceof Map<?, ?> e && e.get("version") instanceof String v) {
                fixed.put(other.getMetadata().getName(), v);
            }
        }
        String failedState = upgrade ? "UpgradeFailed" : "InstallFailed";
        String failedCondition = upgrade ? "Upgraded" : "Installed";
        List<Map.Entry<String, String>> closure;
        try {
            closure = repository.closure(manifest, fixed);
        } catch (PackageSource.Unresolvable e) {
            failed.put(planName, desired);
            writeStatus(planName, failedState, true, version, hash, failedCondition, "False", "DependencyConflict", e.getMessage());
            return false;
        }
        List<String> waiting = new ArrayList<>();
        for (Map.Entry<String, String> dep : closure) {
            if (dep.getValue().equals(installedVersion(dep.getKey()))) {
                continue;
            }
            GenericKubernetesResource depPlan = informer.getStore().getByKey(dep.getKey());
            if (depPlan == null) {
                createDependencyPlan(dep.getKey(), dep.getValue(), name);
            } else if (state(depPlan) instanceof String st && st.endsWith("Failed")) {
                Map<String, Object> st2 = (Map<String, Object>) depPlan.getAdditionalProperties().get("status");
                String why = st2.get("conditions") instanceof List<?> l && !l.isEmpty() && l.get(l.size() - 1) instanceof Map<?, ?> c
                        ? ": " + c.get("message") : "";
                writeStatus(planName, failedState, true, version, hash, failedCondition, "False", "DependencyFailed",
                        "dependency " + dep.getKey() + " " + dep.getValue() + " is " + st + why);
                return false;
            }
            waiting.add(dep.getKey() + " " + dep.getValue());
        }
        if (!waiting.isEmpty()) {
            writeStatus(planName, "Preparing", true, version, hash, "Initialized", "False", "WaitingForDependencies",
                    "installing dependencies first: " + String.join(", ", waiting));
            return false;
        }
        return true;
    }

    private void createDependencyPlan(String name, String version, String requiredBy) {
        GenericKubernetesResource plan = new GenericKubernetesResource();
        plan.setApiVersion(ExtensionTypes.CORE_GROUP + "/" + ExtensionTypes.VERSION);
        plan.setKind("InstallPlan");
        plan.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name)
                .withAnnotations(Map.of("kubesphere.io/required-by", requiredBy)).build());
        plan.setAdditionalProperty("spec", Map.of("enabled", true, "extension", Map.of("name", name, "version", version)));
        try {
            client.genericKubernetesResources(ExtensionTypes.INSTALL_PLANS).resource(plan).create();
            LOG.info("event=installplan.dependency.created plan={} version={} requiredBy={}", name, version, requiredBy);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            // another replica created it first
        }
    }

    /** This replica could not start {@code version}: not retried until the spec changes, and every replica rolls back. */
    private void markFailed(String planName, String version, String desired, String message) {
        failed.put(planName, desired);
        replicas.reportFailure(planName, version, message);
    }

    private void clearFailed(String planName) {
        failed.remove(planName);
        replicas.clearFailure(planName);
    }

    /**
     * Another live replica could not start {@code version}: this replica goes back to what that
     * replica still runs (the previous version, or nothing after a failed first install), so all
     * replicas serve the same version, and the plan says why.
     */
    private void rollBack(GenericKubernetesResource plan, String name, String version, String hash, String configYaml,
            String desired, ReplicaRegistry.Failure failure) {
        String planName = plan.getMetadata().getName();
        failed.put(planName, desired);
        var current = runtime.running(name);
        boolean upgrade = failure.serves() != null;
        String outcome;
        if (failure.serves() == null) {
            runtime.stop(name);
            outcome = "no replica runs it";
        } else if (current.isPresent() && current.get().version().equals(failure.serves())) {
            outcome = "every replica runs " + failure.serves();
        } else {
            try {
                // from whichever repository serves it, and trust-checked again like any package this replica loads
                ExtensionPackage previous = repository.fetch(name, failure.serves());
                if (previous != null) {
                    repository.verify(previous);
                }
                if (previous == null) {
                    throw new ExtensionRuntime.StartFailedException("no package for " + name + " " + failure.serves(), null);
                }
                runtime.start(previous, config(previous.manifest(), configYaml), hash);
                outcome = "every replica runs " + failure.serves() + " again";
                LOG.info("event=installplan.rolledback plan={} failed={} replica={} version={}", planName, version,
                        failure.replica(), failure.serves());
            } catch (ExtensionRuntime.StartFailedException | IllegalArgumentException | PackageTrust.Refused | java.io.IOException e) {
                outcome = "rolling back this replica (" + replicas.id() + ") to " + failure.serves() + " failed too: " + e.getMessage();
            }
        }
        writeStatus(planName, upgrade ? "UpgradeFailed" : "InstallFailed", true, version, hash, upgrade ? "Upgraded" : "Installed",
                "False", upgrade ? "UpgradeFailed" : "InstallFailed", "extension " + name + " " + version
                        + " failed on kernel replica " + failure.replica() + ": " + failure.message() + "; " + outcome);
    }

    static final String FINALIZER = "kubesphere.io/installplan-protection";
    static final String PURGE = "tessera.io/purge";

    private static Object state(GenericKubernetesResource plan) {
        return plan.getAdditionalProperties().get("status") instanceof Map<?, ?> s ? s.get("state") : null;
    }

    /** The version an Installed plan runs, or null. */
    @SuppressWarnings("unchecked")
    private String installedVersion(String extension) {
        GenericKubernetesResource p = informer.getStore().getByKey(extension);
        if (p == null || p.getMetadata().getDeletionTimestamp() != null || !"Installed".equals(state(p))) {
            return null;
        }
        Map<String, Object> st = (Map<String, Object>) p.getAdditionalProperties().get("status");
        return Boolean.FALSE.equals(st.get("enabled")) ? null : (String) st.get("version");
    }

    private void ensureFinalizer(GenericKubernetesResource plan) {
        if (plan.getMetadata().getFinalizers() != null && plan.getMetadata().getFinalizers().contains(FINALIZER)) {
            return;
        }
        try {
            editPlan(plan.getMetadata().getName(), p -> {
                        List<String> f = new ArrayList<>(p.getMetadata().getFinalizers() == null ? List.of() : p.getMetadata().getFinalizers());
                        if (!f.contains(FINALIZER)) {
                            f.add(FINALIZER);
                        }
                        p.getMetadata().setFinalizers(f);
                        return p;
                    });
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    /**
     * Deleting a plan: refused (UninstallFailed, naming the dependents) while another installed
     * extension depends on this one, unless annotated {@code kubesphere.io/force-delete}; else
     * this replica stops the extension (with {@code tessera.io/purge: "true"} its CRDs go too)
     * and the finalizer is removed, upon which every other replica stops it as well.
     */
    @SuppressWarnings("unchecked")
    private void uninstall(GenericKubernetesResource plan) {
        String planName = plan.getMetadata().getName();
        Map<String, String> annotations = plan.getMetadata().getAnnotations() == null ? Map.of() : plan.getMetadata().getAnnotations();
        boolean force = annotations.containsKey(ExtensionTypes.FORCE_DELETE);
        Map<String, Object> st = plan.getAdditionalProperties().get("status") instanceof Map<?, ?> x ? (Map<String, Object>) x : Map.of();
        String version = (String) st.get("version");
        String hash = st.get("configHash") instanceof String h ? h : "";
        if (!force) {
            List<String> dependents = new ArrayList<>();
            for (GenericKubernetesResource other : informer.getStore().list()) {
                String otherName = other.getMetadata().getName();
                if (otherName.equals(planName) || other.getMetadata().getDeletionTimestamp() != null) {
                    continue;
                }
                var running = runtime.running(otherName);
                if (running.isPresent() && running.get().pkg().manifest().raw().get("dependencies") instanceof Map<?, ?> deps
                        && deps.containsKey(planName)) {
                    dependents.add(otherName);
                }
            }
            if (!dependents.isEmpty()) {
                writeStatus(planName, "UninstallFailed", !Boolean.FALSE.equals(st.get("enabled")), version, hash, "Uninstalled",
                        "False", "UninstallFailed", "extension " + planName + " is required by " + String.join(", ", dependents)
                        + "; uninstall them first or annotate the plan with " + ExtensionTypes.FORCE_DELETE);
                return; // re-evaluated when a dependent's plan goes away
            }
        }
        writeStatus(planName, "Uninstalling", false, version, hash, "Uninstalled", "False", "Uninstalling",
                "uninstalling " + planName);
        var running = runtime.running(planName);
        if ("true".equals(annotations.get(PURGE)) && running.isPresent()) {
            runtime.purgeCrds(running.get().pkg());
        }
        runtime.stop(planName);
        clearFailed(planName);
        try {
            editPlan(planName, p -> {
                if (p.getMetadata().getFinalizers() != null) {
                    p.getMetadata().setFinalizers(p.getMetadata().getFinalizers().stream().filter(f -> !f.equals(FINALIZER)).toList());
                }
                return p;
            });
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
            // another replica removed the finalizer first and the plan is gone: nothing left to do
        }
        LOG.info("event=installplan.uninstalled plan={} force={}", planName, force);
    }

    /** Edits a plan's metadata, retrying when a status write of another worker got in between (409). */
    private void editPlan(String name, java.util.function.UnaryOperator<GenericKubernetesResource> change) {
        for (int attempt = 0; ; attempt++) {
            try {
                client.genericKubernetesResources(ExtensionTypes.INSTALL_PLANS).withName(name).edit(change);
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= 4) {
                    throw e;
                }
            }
        }
    }

    /** "Installed" only once every live kernel replica serves the version; until then Installing/Upgrading. */
    private void served(String planName, String name, String version, String hash, boolean upgrade) {
        int[] count = replicas.serving(name, version, true);
        if (count[0] < count[1]) {
            writeStatus(planName, upgrade ? "Upgrading" : "Installing", true, version, hash, "Initialized", "True",
                    "Initialized", "served by " + count[0] + " of " + count[1] + " kernel replicas");
            return;
        }
        writeStatus(planName, "Installed", true, version, hash, upgrade ? "Upgraded" : "Installed", "True",
                upgrade ? "UpgradeSuccessful" : "InstallSuccessful",
                "extension " + name + " " + version + " is served by " + count[1] + " kernel replica(s)");
    }

    /** spec.config YAML deep-merged over the package's configuration defaults. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> config(ExtensionManifest m, String yaml) {
        Map<String, Object> out = new LinkedHashMap<>(m.configDefaults());
        if (yaml != null && !yaml.isBlank()) {
            Object parsed;
            try {
                parsed = YAML.readValue(yaml, Object.class);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("spec.config is not valid YAML: "
                        + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
            }
            if (parsed != null && !(parsed instanceof Map)) {
                throw new IllegalArgumentException("spec.config must be a YAML mapping");
            }
            if (parsed != null) {
                merge(out, (Map<String, Object>) parsed);
            }
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    @SuppressWarnings("unchecked")
    private static void merge(Map<String, Object> into, Map<String, Object> over) {
        over.forEach((k, v) -> {
            if (v instanceof Map<?, ?> vm && into.get(k) instanceof Map<?, ?> im) {
                Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) im);
                merge(copy, (Map<String, Object>) vm);
                into.put(k, copy);
            } else {
                into.put(k, v);
            }
        });
    }

    @SuppressWarnings("unchecked")
    private void writeStatus(String planName, String state, boolean enabled, String version, String hash,
            String conditionType, String conditionStatus, String reason, String message) {
        for (int attempt = 0; attempt < 5; attempt++) {
            var ops = client.genericKubernetesResources(ExtensionTypes.INSTALL_PLANS);
            GenericKubernetesResource fresh = ops.withName(planName).get();
            if (fresh == null) {
                return;
            }
            Map<String, Object> old = fresh.getAdditionalProperties().get("status") instanceof Map<?, ?> s
                    ? (Map<String, Object>) s : Map.of();
            String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
            Map<String, Object> status = new LinkedHashMap<>(old);
            status.put("state", state);
            status.put("enabled", enabled);
            if (version != null) {
                status.put("version", version);
            }
            status.put("configHash", hash);
            status.put("releaseName", planName);
            status.put("targetNamespace", runtime.running(planName).map(r -> r.pkg().manifest().namespace())
                    .orElse("extension-" + planName));
            List<Map<String, Object>> conditions = new ArrayList<>();
            if (old.get("conditions") instanceof List<?> l) {
                for (Object c : l) {
                    if (c instanceof Map<?, ?> cm && !conditionType.equals(cm.get("type"))) {
                        conditions.add((Map<String, Object>) cm);
                    }
                }
            }
            Map<String, Object> condition = new LinkedHashMap<>();
            condition.put("type", conditionType);
            condition.put("status", conditionStatus);
            condition.put("reason", reason);
            condition.put("message", message);
            condition.put("lastTransitionTime", now);
            conditions.add(condition);
            status.put("conditions", conditions);
            List<Map<String, Object>> history = new ArrayList<>();
            if (old.get("stateHistory") instanceof List<?> h) {
                h.forEach(x -> history.add((Map<String, Object>) x));
            }
            if (!state.equals(old.get("state"))) {
                history.add(Map.of("state", state, "lastTransitionTime", now));
                while (history.size() > 10) {
                    history.remove(0);
                }
            }
            status.put("stateHistory", history);
            if (sameIgnoringTimes(old, status)) {
                return;
            }
            fresh.setAdditionalProperty("status", status);
            try {
                ops.resource(fresh).updateStatus();
                LOG.info("event=installplan.status plan={} state={} reason={} message=\"{}\"", planName, state, reason, message);
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static boolean sameIgnoringTimes(Map<String, Object> a, Map<String, Object> b) {
        return Objects.equals(strip(a), strip(b));
    }

    @SuppressWarnings("unchecked")
    private static Object strip(Object o) {
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> {
                if (!"lastTransitionTime".equals(k)) {
                    out.put((String) k, strip(v));
                }
            });
            return out;
        }
        if (o instanceof List<?> l) {
            return l.stream().map(InstallPlanController::strip).toList();
        }
        return o;
    }

    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
        worker.shutdownNow();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
