package io.tessera.kernel.tenancy.quotas;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.tessera.kernel.tenancy.Reconciler;
import io.tessera.kernel.tenancy.api.TenancyTypes;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Keeps a workspace quota's {@code status} current: {@code total.hard} = its hard limits,
 * {@code total.used} = the sum of its projects' quota limits, {@code namespaces[]} per project.
 * Triggered by changes of workspace quotas and of project quotas; writes only on change, so every
 * replica may run it.
 */
public final class QuotaStatusController implements AutoCloseable {

    private final KubernetesClient client;
    private final QuotaAdmission admission;
    private final SharedIndexInformer<GenericKubernetesResource> workspaceQuotas;
    private final Reconciler queue;

    public QuotaStatusController(KubernetesClient client, QuotaAdmission admission,
                                 SharedIndexInformer<GenericKubernetesResource> workspaceQuotas,
                                 SharedIndexInformer<ResourceQuota> projectQuotas) {
        this.client = client;
        this.admission = admission;
        this.workspaceQuotas = workspaceQuotas;
        this.queue = new Reconciler("quota-status", this::reconcile);
        workspaceQuotas.addEventHandler(queue.handler());
        queue.resyncFrom(() -> workspaceQuotas.getStore().listKeys());
        projectQuotas.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ResourceQuota q) {
                touch(q);
            }

            @Override
            public void onUpdate(ResourceQuota o, ResourceQuota q) {
                touch(q);
            }

            @Override
            public void onDelete(ResourceQuota q, boolean unknown) {
                touch(q);
            }
        });
    }

    /** Its work queue, run only while this replica leads (TenancyModule's LeaderGate). */
    public Reconciler reconciler() {
        return queue;
    }

    private void touch(ResourceQuota q) {
        String ws = admission.workspaceOf(q.getMetadata().getNamespace());
        for (GenericKubernetesResource wq : workspaceQuotas.getStore().list()) {
            Map<String, String> l = wq.getMetadata().getLabels();
            if (!ws.isEmpty() && l != null && ws.equals(l.get(TenancyTypes.LABEL_WORKSPACE))) {
                queue.enqueue(wq.getMetadata().getName());
            }
        }
    }

    void reconcile(String name) {
        GenericKubernetesResource wq = workspaceQuotas.getStore().getByKey(name);
        if (wq == null) {
            return;
        }
        String ws = wq.getMetadata().getLabels() == null ? "" : wq.getMetadata().getLabels().getOrDefault(TenancyTypes.LABEL_WORKSPACE, "");
        Map<String, BigDecimal> hard = QuotaAdmission.hard(wq);
        Map<String, BigDecimal> allocated = admission.allocated(ws, "");
        Map<String, Object> used = new LinkedHashMap<>();
        Map<String, Object> hardOut = new LinkedHashMap<>();
        for (var e : hard.entrySet()) {
            hardOut.put(e.getKey(), QuotaAdmission.format(e.getKey(), e.getValue()));
            used.put(e.getKey(), QuotaAdmission.format(e.getKey(), allocated.getOrDefault(e.getKey(), BigDecimal.ZERO)));
        }
        List<Map<String, Object>> perProject = new ArrayList<>();
        admission.allocatedByProject(ws).forEach((ns, m) -> {
            Map<String, Object> u = new LinkedHashMap<>();
            m.forEach((k, v) -> {
                if (hard.containsKey(k)) {
                    u.put(k, QuotaAdmission.format(k, v));
                }
            });
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("namespace", ns);
            entry.put("used", u);
            perProject.add(entry);
        });
        Map<String, Object> total = new LinkedHashMap<>();
        total.put("hard", hardOut);
        total.put("used", used);
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("total", total);
        status.put("namespaces", perProject);
        if (Objects.equals(wq.getAdditionalProperties().get("status"), status)) {
            return;
        }
        try {
            client.genericKubernetesResources(TenancyTypes.WORKSPACE_QUOTAS).withName(name).edit(x -> {
                x.getAdditionalProperties().put("status", status);
                return x;
            });
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    @Override
    public void close() {
        queue.close();
    }
}
