package io.tessera.marketplace.server;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.tessera.kernel.concurrent.DaemonThreads;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each stored Extension's status in step with its InstallPlan (same name), as KubeSphere's
 * extension controller does (reference §6.1): {@code state}, {@code enabled},
 * {@code plannedInstallVersion}, {@code installedVersion} and {@code conditions} come from the
 * plan and are removed when it is gone; what the sync writes ({@code recommendedVersion},
 * {@code versions}) is kept. Writes only while this replica {@link #lead leads}.
 */
final class ExtensionStatusMirror implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExtensionStatusMirror.class);
    private static final List<String> FROM_PLAN = List.of("state", "enabled", "plannedInstallVersion", "installedVersion", "conditions");
    /** States in which the plan's {@code status.version} runs (KubeSphere: installedVersion). */
    private static final Set<String> RUNNING = Set.of("Installed", "Upgrading", "UpgradeFailed");

    private final KubernetesClient client;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(DaemonThreads.named("marketplace-extension-status"));
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final List<SharedIndexInformer<GenericKubernetesResource>> informers = new ArrayList<>();
    private volatile boolean leading;

    ExtensionStatusMirror(KubernetesClient client) {
        this.client = client;
    }

    /** An Extension's status with the fields its InstallPlan ({@code null}: none) decides replaced. */
    static Map<String, Object> mirrored(Map<String, Object> extensionStatus, GenericKubernetesResource plan) {
        Map<String, Object> status = new LinkedHashMap<>(extensionStatus);
        FROM_PLAN.forEach(status::remove);
        if (plan == null) {
            return status;
        }
        Map<String, Object> ps = CatalogTypes.map(plan, "status");
        Map<String, Object> spec = CatalogTypes.map(plan, "spec");
        Object state = ps.get("state");
        if (state != null) {
            status.put("state", state);
        }
        if (ps.get("enabled") != null) {
            status.put("enabled", ps.get("enabled"));
        }
        if (spec.get("extension") instanceof Map<?, ?> e && e.get("version") != null) {
            status.put("plannedInstallVersion", e.get("version"));
        }
        if (state instanceof String st && RUNNING.contains(st) && ps.get("version") != null) {
            status.put("installedVersion", ps.get("version"));
        }
        if (ps.get("conditions") instanceof List<?> c && !c.isEmpty()) {
            status.put("conditions", c);
        }
        return status;
    }

    void start() {
        ResourceEventHandler<GenericKubernetesResource> onChange = new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource obj) {
                queue(obj.getMetadata().getName());
            }

            @Override
            public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
                queue(newObj.getMetadata().getName());
            }

            @Override
            public void onDelete(GenericKubernetesResource obj, boolean unknown) {
                queue(obj.getMetadata().getName());
            }
        };
        informers.add(client.genericKubernetesResources(CatalogTypes.PLANS).inform(onChange));
        // an Extension (re)created by a sync after its plan: mirror it too
        informers.add(client.genericKubernetesResources(CatalogTypes.EXTENSIONS).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource obj) {
                queue(obj.getMetadata().getName());
            }

            @Override
            public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
            }

            @Override
            public void onDelete(GenericKubernetesResource obj, boolean unknown) {
            }
        }));
    }

    /** This replica writes from now on: every Extension is brought in step (the plans may have moved while no one led). */
    void lead() {
        leading = true;
        informers.get(1).getStore().list().forEach(e -> queue(e.getMetadata().getName()));
    }

    void follow() {
        leading = false;
    }

    private void queue(String name) {
        if (leading && queued.add(name)) {
            worker.execute(() -> {
                queued.remove(name);
                mirror(name);
            });
        }
    }

    private void mirror(String name) {
        if (!leading) {
            return;
        }
        try {
            for (int attempt = 0; attempt < 5; attempt++) {
                var ops = client.genericKubernetesResources(CatalogTypes.EXTENSIONS);
                GenericKubernetesResource ext = ops.withName(name).get();
                if (ext == null) {
                    return; // a plan for a package added without a repository: no catalog entry to mirror into
                }
                Map<String, Object> before = CatalogTypes.map(ext, "status");
                Map<String, Object> after = mirrored(before, client.genericKubernetesResources(CatalogTypes.PLANS).withName(name).get());
                if (after.equals(before)) {
                    return;
                }
                ext.setAdditionalProperty("status", after);
                try {
                    ops.resource(ext).updateStatus();
                    return;
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 409) {
                        throw e;
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("event=marketplace.extension-status.failed extension={} error=\"{}\"", name, e.toString());
        }
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
        worker.shutdownNow();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
