package io.tessera.kernel.tenancy.workspaces;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.tessera.kernel.iam.api.IamTypes;
import io.tessera.kernel.iam.authz.RbacIndex;
import io.tessera.kernel.tenancy.BuiltinRoleCopies;
import io.tessera.kernel.tenancy.Reconciler;
import io.tessera.kernel.tenancy.api.TenancyTypes;
import io.tessera.kernel.tenancy.members.MemberBindings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WorkspaceTemplate → everything a workspace consists of (reference §4.1): the finalizer
 * {@code kubesphere.io/cascading-deletion}, the Workspace copy on the host cluster when the
 * placement names it (explicit list) or selects it (selector; {@code {}} = all), the
 * {@code {ws}-{role}} WorkspaceRoles from the workspace-scoped BuiltinRoles, and the manager's
 * binding to {@code {ws}-admin}. Deleting a template (annotation
 * {@code kubesphere.io/deletion-propagation}: {@code Orphan}/empty keeps the projects without
 * their workspace label, {@code Background}/{@code Foreground} deletes them) removes the Workspace,
 * its roles, bindings, quotas and departments before the finalizer goes.
 *
 * <p>Every write is conditional on what is missing and tolerates 409/404, so the controller is
 * safe when every replica runs it (no leader election: see docs/tenancy.md).
 */
public final class WorkspaceController implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkspaceController.class);
    /** Workspaces reconciled at once: each touches only its own objects. */
    private static final int WORKERS = 4;

    private final KubernetesClient client;
    private final String hostCluster;
    private final BuiltinRoleCopies roles;
    private final RbacIndex index;
    private final MemberBindings bindings;
    private final Reconciler queue;
    private SharedIndexInformer<GenericKubernetesResource> templates;
    private SharedIndexInformer<GenericKubernetesResource> workspaces;

    public WorkspaceController(KubernetesClient client, String hostCluster, BuiltinRoleCopies roles, RbacIndex index) {
        this.client = client;
        this.hostCluster = hostCluster;
        this.roles = roles;
        this.index = index;
        this.bindings = new MemberBindings(client);
        this.queue = new Reconciler("workspaces", WORKERS, this::reconcile);
    }

    public void start() {
        // fields set before the informers run: a handler may fire (and a reconcile read them) as soon as they do
        templates = client.genericKubernetesResources(TenancyTypes.WORKSPACE_TEMPLATES).runnableInformer(0);
        // a Workspace deleted or changed by hand is put back from its template
        workspaces = client.genericKubernetesResources(TenancyTypes.WORKSPACES).runnableInformer(0);
        templates.addEventHandler(queue.handler());
        workspaces.addEventHandler(queue.handler());
        queue.resyncFrom(() -> templates.getStore().listKeys());
        templates.run();
        workspaces.run();
    }

    /** Its work queue, run only while this replica leads (TenancyModule's LeaderGate). */
    public Reconciler reconciler() {
        return queue;
    }

    public SharedIndexInformer<GenericKubernetesResource> templates() {
        return templates;
    }

    public boolean synced() {
        return templates != null && templates.hasSynced() && workspaces.hasSynced();
    }

    public boolean idle() {
        return queue.idle();
    }

    void reconcile(String name) {
        GenericKubernetesResource t = templates.getStore().getByKey(name);
        if (t == null) {
            return;
        }
        if (t.getMetadata().getDeletionTimestamp() != null) {
            finalizeDeletion(t);
            return;
        }
        List<String> finalizers = t.getMetadata().getFinalizers() == null ? List.of() : t.getMetadata().getFinalizers();
        if (!finalizers.contains(TenancyTypes.FINALIZER)) {
            client.genericKubernetesResources(TenancyTypes.WORKSPACE_TEMPLATES).withName(name).edit(x -> {
                List<String> f = x.getMetadata().getFinalizers() == null ? new ArrayList<>() : new ArrayList<>(x.getMetadata().getFinalizers());
                if (!f.contains(TenancyTypes.FINALIZER)) {
                    f.add(TenancyTypes.FINALIZER);
                }
                x.getMetadata().setFinalizers(f);
                return x;
            });
            return; // the update event brings us back
        }
        Map<String, String> labels = t.getMetadata().getLabels() == null ? Map.of() : t.getMetadata().getLabels();
        roles.ensure("workspace", name, "", labels);
        String manager = IamTypes.str(t, "spec", "template", "spec", "manager");
        if (!manager.isEmpty() && !managerBound(name, manager)
                && client.genericKubernetesResources(IamTypes.USERS).withName(manager).get() != null) {
            bindings.bind(MemberBindings.Scope.WORKSPACE, name, manager, name + "-admin");
        }
        syncWorkspace(t);
    }

    /** Whether the RBAC index already shows the manager bound to {@code {ws}-admin} (then there is nothing to write). */
    private boolean managerBound(String ws, String manager) {
        return index.workspaceBindings(ws, "u:" + manager).stream()
                .anyMatch(b -> "WorkspaceRole".equals(b.roleKind()) && (ws + "-admin").equals(b.roleName()));
    }

    private void syncWorkspace(GenericKubernetesResource t) {
        String name = t.getMetadata().getName();
        var op = client.genericKubernetesResources(TenancyTypes.WORKSPACES);
        GenericKubernetesResource current = workspaces.getStore().getByKey(name);
        if (!placedOnHost(t)) {
            if (current != null) {
                op.withName(name).delete();
                LOG.info("event=workspace-unplaced workspace={} cluster={}", name, hostCluster);
            }
            return;
        }
        GenericKubernetesResource desired = new GenericKubernetesResource();
        desired.setApiVersion(TenancyTypes.TENANT_GROUP + "/" + TenancyTypes.TENANT_VERSION);
        desired.setKind("Workspace");
        Map<String, Object> tmplMeta = nested(t, "spec", "template", "metadata");
        @SuppressWarnings("unchecked")
        Map<String, String> labels = new HashMap<>((Map<String, String>) tmplMeta.getOrDefault("labels", Map.of()));
        labels.put("kubesphere.io/workspace-template", name);
        @SuppressWarnings("unchecked")
        Map<String, String> annotations = new HashMap<>((Map<String, String>) tmplMeta.getOrDefault("annotations", Map.of()));
        desired.setMetadata(new ObjectMetaBuilder().withName(name).withLabels(labels).withAnnotations(annotations).build());
        Map<String, Object> spec = new LinkedHashMap<>(nested(t, "spec", "template", "spec"));
        desired.getAdditionalProperties().put("spec", spec);
        if (current == null) {
            try {
                op.resource(desired).create();
                LOG.info("event=workspace-created workspace={} cluster={}", name, hostCluster);
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
        } else if (!Objects.equals(IamTypes.read(current, "spec"), spec) || !Objects.equals(current.getMetadata().getLabels(), labels)) {
            op.withName(name).edit(x -> {
                x.getMetadata().setLabels(labels);
                x.getMetadata().setAnnotations(annotations);
                x.getAdditionalProperties().put("spec", spec);
                return x;
            });
        }
    }

    /** Explicit cluster list wins over the selector; no placement means no cluster. */
    @SuppressWarnings("unchecked")
    private boolean placedOnHost(GenericKubernetesResource t) {
        Map<String, Object> placement = nested(t, "spec", "placement");
        Object clusters = placement.get("clusters");
        if (clusters instanceof List<?> l && !l.isEmpty()) {
            for (Object c : l) {
                if (c instanceof Map<?, ?> m && hostCluster.equals(String.valueOf(m.get("name")))) {
                    return true;
                }
            }
            return false;
        }
        Object selector = placement.get("clusterSelector");
        if (selector instanceof Map<?, ?> sel) {
            GenericKubernetesResource host = client.genericKubernetesResources(TenancyTypes.CLUSTERS).withName(hostCluster).get();
            Map<String, String> hostLabels = host == null || host.getMetadata().getLabels() == null ? Map.of()
                    : host.getMetadata().getLabels();
            Map<String, String> match = (Map<String, String>) ((Map<String, Object>) sel).getOrDefault("matchLabels", Map.of());
            return match.entrySet().stream().allMatch(e -> e.getValue().equals(hostLabels.get(e.getKey())));
        }
        return false;
    }

    private void finalizeDeletion(GenericKubernetesResource t) {
        String ws = t.getMetadata().getName();
        String policy = IamTypes.annotation(t, TenancyTypes.ANN_DELETION_PROPAGATION);
        boolean cascade = "Background".equals(policy) || "Foreground".equals(policy);
        for (Namespace ns : client.namespaces().withLabel(TenancyTypes.LABEL_WORKSPACE, ws).list().getItems()) {
            String n = ns.getMetadata().getName();
            if (cascade) {
                client.namespaces().withName(n).delete();
                LOG.info("event=project-deleted workspace={} namespace={} policy={}", ws, n, policy);
            } else {
                client.namespaces().withName(n).edit(x -> {
                    Map<String, String> l = new HashMap<>(x.getMetadata().getLabels());
                    l.remove(TenancyTypes.LABEL_WORKSPACE);
                    x.getMetadata().setLabels(l);
                    return x;
                });
                // an orphaned project keeps its workloads but not the workspace's access grants
                client.genericKubernetesResources(IamTypes.ROLE_BINDINGS).inNamespace(n).delete();
                client.genericKubernetesResources(IamTypes.ROLES).inNamespace(n).delete();
                LOG.info("event=project-orphaned workspace={} namespace={}", ws, n);
            }
        }
        client.genericKubernetesResources(IamTypes.WORKSPACE_ROLE_BINDINGS).withLabel(TenancyTypes.LABEL_WORKSPACE, ws).delete();
        client.genericKubernetesResources(IamTypes.WORKSPACE_ROLES).withLabel(TenancyTypes.LABEL_WORKSPACE, ws).delete();
        client.genericKubernetesResources(TenancyTypes.WORKSPACE_QUOTAS).withLabel(TenancyTypes.LABEL_WORKSPACE, ws).delete();
        for (GenericKubernetesResource g : client.genericKubernetesResources(TenancyTypes.GROUPS)
                .withLabel(TenancyTypes.LABEL_WORKSPACE, ws).list().getItems()) {
            client.genericKubernetesResources(TenancyTypes.GROUP_BINDINGS).withLabel(TenancyTypes.LABEL_GROUP_REF,
                    g.getMetadata().getName()).delete();
            client.genericKubernetesResources(TenancyTypes.GROUPS).withName(g.getMetadata().getName()).delete();
        }
        client.genericKubernetesResources(TenancyTypes.WORKSPACES).withName(ws).delete();
        try {
            client.genericKubernetesResources(TenancyTypes.WORKSPACE_TEMPLATES).withName(ws).edit(x -> {
                List<String> f = new ArrayList<>(x.getMetadata().getFinalizers());
                f.remove(TenancyTypes.FINALIZER);
                x.getMetadata().setFinalizers(f);
                return x;
            });
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
        LOG.info("event=workspace-deleted workspace={} policy={}", ws, policy.isEmpty() ? "Orphan" : policy);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> nested(GenericKubernetesResource r, String... path) {
        Object v = r.getAdditionalProperties();
        for (String p : path) {
            if (!(v instanceof Map<?, ?> m)) {
                return Map.of();
            }
            v = m.get(p);
        }
        return v instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @Override
    public void close() {
        queue.close();
        if (templates != null) {
            templates.close();
            workspaces.close();
        }
    }
}
