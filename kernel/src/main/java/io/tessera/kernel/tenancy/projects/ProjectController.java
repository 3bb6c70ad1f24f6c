package io.tessera.kernel.tenancy.projects;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.tessera.kernel.iam.api.IamTypes;
import io.tessera.kernel.tenancy.BuiltinRoleCopies;
import io.tessera.kernel.tenancy.Reconciler;
import io.tessera.kernel.tenancy.api.TenancyTypes;
import io.tessera.kernel.tenancy.members.MemberBindings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Namespaces labelled {@code kubesphere.io/workspace} with an existing WorkspaceTemplate are projects (reference §4.1): they get
 * {@code kubesphere.io/managed=true}, the Roles {@code admin|operator|viewer} copied from the
 * namespace-scoped BuiltinRoles, and their creator (annotation {@code kubesphere.io/creator}) bound
 * as {@code admin}. A namespace's own deletion removes its Roles and RoleBindings with it (they
 * live inside it), so no finalizer is needed on namespaces. Idempotent; every replica may run it.
 */
public final class ProjectController implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProjectController.class);
    /** Projects reconciled at once: each touches only its own namespace. */
    private static final int WORKERS = 8;

    private final KubernetesClient client;
    private final BuiltinRoleCopies roles;
    private final MemberBindings bindings;
    /** Index of the namespace informer: the value of the namespace's {@code kubesphere.io/workspace} label. */
    public static final String BY_WORKSPACE = "workspace";

    private final Reconciler queue;
    private final SharedIndexInformer<GenericKubernetesResource> templates;
    private SharedIndexInformer<Namespace> namespaces;

    public ProjectController(KubernetesClient client, SharedIndexInformer<GenericKubernetesResource> templates, BuiltinRoleCopies roles) {
        this.client = client;
        this.templates = templates;
        this.roles = roles;
        this.bindings = new MemberBindings(client);
        this.queue = new Reconciler("projects", WORKERS, this::reconcile);
    }

    public void start() {
        // indexed by workspace label before it starts, so "the projects of ws" is a lookup, not a scan of every namespace
        namespaces = client.namespaces().runnableInformer(0);
        namespaces.addIndexers(Map.of(BY_WORKSPACE, ns -> {
            Map<String, String> l = ns.getMetadata().getLabels();
            String ws = l == null ? null : l.get(TenancyTypes.LABEL_WORKSPACE);
            return ws == null || ws.isEmpty() ? List.of() : List.of(ws);
        }));
        namespaces.addEventHandler(queue.handler());
        namespaces.run();
        queue.resyncFrom(() -> namespaces.getStore().listKeys());
        // a project may be labelled before its workspace reaches this replica's cache
        templates.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource t) {
                for (Namespace ns : projectsOf(namespaces, t.getMetadata().getName())) {
                    queue.enqueue(ns.getMetadata().getName());
                }
            }

            @Override
            public void onUpdate(GenericKubernetesResource o, GenericKubernetesResource t) {
            }

            @Override
            public void onDelete(GenericKubernetesResource t, boolean unknown) {
            }
        });
    }

    /** Its work queue, run only while this replica leads (TenancyModule's LeaderGate). */
    public Reconciler reconciler() {
        return queue;
    }

    /** The namespaces labelled {@code kubesphere.io/workspace=ws}, from an informer made by {@link #start}. */
    public static List<Namespace> projectsOf(SharedIndexInformer<Namespace> namespaces, String ws) {
        return namespaces.getIndexer().byIndex(BY_WORKSPACE, ws);
    }

    /** The namespace informer (tenancy's lists read projects from it), indexed by {@value #BY_WORKSPACE}. */
    public SharedIndexInformer<Namespace> namespaces() {
        return namespaces;
    }

    public boolean synced() {
        return namespaces != null && namespaces.hasSynced();
    }

    void reconcile(String name) {
        Namespace ns = namespaces.getStore().getByKey(name);
        if (ns == null || ns.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        Map<String, String> labels = ns.getMetadata().getLabels() == null ? Map.of() : ns.getMetadata().getLabels();
        String ws = labels.getOrDefault(TenancyTypes.LABEL_WORKSPACE, "");
        GenericKubernetesResource t = ws.isEmpty() ? null : templates.getStore().getByKey(ws);
        if (t == null || t.getMetadata().getDeletionTimestamp() != null) {
            return; // not (or no longer) a project of an existing workspace
        }
        if (!"true".equals(labels.get(TenancyTypes.LABEL_MANAGED))) {
            client.namespaces().withName(name).edit(x -> {
                Map<String, String> l = new HashMap<>(x.getMetadata().getLabels());
                l.put(TenancyTypes.LABEL_MANAGED, "true");
                x.getMetadata().setLabels(l);
                return x;
            });
            return; // the update event brings us back with the label the role selectors need
        }
        roles.ensure("namespace", ws, name, labels);
        Map<String, String> ann = ns.getMetadata().getAnnotations() == null ? Map.of() : ns.getMetadata().getAnnotations();
        String creator = ann.getOrDefault(TenancyTypes.ANN_CREATOR, "");
        if (!creator.isEmpty() && !creator.startsWith("system:")
                && bindings.of(MemberBindings.Scope.NAMESPACE, name, creator).isEmpty()
                && client.genericKubernetesResources(IamTypes.USERS).withName(creator).get() != null
                && !"true".equals(ann.get("tessera.io/creator-bound"))) {
            bindings.bind(MemberBindings.Scope.NAMESPACE, name, creator, "admin");
            // bound once: removing the creator from the project later must not bring them back
            client.namespaces().withName(name).edit(x -> {
                Map<String, String> a = new HashMap<>(x.getMetadata().getAnnotations());
                a.put("tessera.io/creator-bound", "true");
                x.getMetadata().setAnnotations(a);
                return x;
            });
            LOG.info("event=project-creator-bound namespace={} workspace={} user={}", name, ws, creator);
        }
    }

    @Override
    public void close() {
        queue.close();
        if (namespaces != null) {
            namespaces.close();
        }
    }
}
