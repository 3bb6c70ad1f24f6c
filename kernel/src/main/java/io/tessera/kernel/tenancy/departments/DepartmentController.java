package io.tessera.kernel.tenancy.departments;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.tessera.kernel.iam.api.IamTypes;
import io.tessera.kernel.tenancy.Reconciler;
import io.tessera.kernel.tenancy.api.TenancyTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Departments as KubeSphere keeps them (reference §4.4): each user's {@code spec.groups} is the set
 * of groups whose GroupBindings list them (Basic-auth requests then carry those groups), and a
 * deleted Group takes its GroupBindings and the role bindings granted to it (label
 * {@code iam.kubesphere.io/group-ref}) with it. Writes only on change; runs on the leading replica.
 */
public final class DepartmentController implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DepartmentController.class);

    private final KubernetesClient client;
    private final Departments departments;
    private final Reconciler users;
    private final Reconciler groups;
    private SharedIndexInformer<GenericKubernetesResource> groupInformer;

    public DepartmentController(KubernetesClient client, Departments departments) {
        this.client = client;
        this.departments = departments;
        this.users = new Reconciler("department-users", this::syncUser);
        this.groups = new Reconciler("departments", this::syncGroup);
    }

    public void start() {
        departments.informer().addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource b) {
                Departments.users(b).forEach(users::enqueue);
            }

            @Override
            public void onUpdate(GenericKubernetesResource o, GenericKubernetesResource b) {
                Departments.users(o).forEach(users::enqueue);
                Departments.users(b).forEach(users::enqueue);
            }

            @Override
            public void onDelete(GenericKubernetesResource b, boolean unknown) {
                Departments.users(b).forEach(users::enqueue);
            }
        });
        users.resyncFrom(this::usersToResync);
        groups.resyncFrom(this::deletedGroups);
        groupInformer = client.genericKubernetesResources(TenancyTypes.GROUPS).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource g) {
            }

            @Override
            public void onUpdate(GenericKubernetesResource o, GenericKubernetesResource g) {
            }

            @Override
            public void onDelete(GenericKubernetesResource g, boolean unknown) {
                groups.enqueue(g.getMetadata().getName());
            }
        });
    }

    /** Its work queues, run only while this replica leads (TenancyModule's LeaderGate). */
    public List<Reconciler> reconcilers() {
        return List.of(users, groups);
    }

    /**
     * On taking over: every user some GroupBinding lists, and every user whose {@code spec.groups}
     * is not empty (a binding removed while no replica led must still clear it; one list call).
     */
    private java.util.Collection<String> usersToResync() {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (GenericKubernetesResource b : departments.informer().getStore().list()) {
            out.addAll(Departments.users(b));
        }
        for (GenericKubernetesResource u : client.genericKubernetesResources(IamTypes.USERS).list().getItems()) {
            if (IamTypes.read(u, "spec").get("groups") instanceof List<?> g && !g.isEmpty()) {
                out.add(u.getMetadata().getName());
            }
        }
        return out;
    }

    /** On taking over: groups whose GroupBindings remain while the Group is gone. */
    private java.util.Collection<String> deletedGroups() {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (GenericKubernetesResource b : departments.informer().getStore().list()) {
            String group = IamTypes.str(b, "groupRef", "name");
            if (!group.isEmpty() && groupInformer.getStore().getByKey(group) == null) {
                out.add(group);
            }
        }
        return out;
    }

    void syncUser(String name) {
        GenericKubernetesResource user = client.genericKubernetesResources(IamTypes.USERS).withName(name).get();
        if (user == null) {
            return;
        }
        List<String> want = new ArrayList<>(departments.groupsOf(name));
        Object have = IamTypes.read(user, "spec").get("groups");
        if (Objects.equals(have == null ? List.of() : have, want)) {
            return;
        }
        try {
            client.genericKubernetesResources(IamTypes.USERS).withName(name).edit(u -> {
                IamTypes.section(u, "spec").put("groups", want);
                return u;
            });
            LOG.info("event=user-departments-synced user={} groups={}", name, want);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    void syncGroup(String group) {
        if (groupInformer.getStore().getByKey(group) != null) {
            return; // re-created meanwhile
        }
        for (GenericKubernetesResource b : departments.informer().getStore().list()) {
            if (group.equals(IamTypes.str(b, "groupRef", "name"))) {
                client.genericKubernetesResources(TenancyTypes.GROUP_BINDINGS).withName(b.getMetadata().getName()).delete();
            }
        }
        client.genericKubernetesResources(IamTypes.WORKSPACE_ROLE_BINDINGS).withLabel(TenancyTypes.LABEL_GROUP_REF, group).delete();
        for (GenericKubernetesResource rb : client.genericKubernetesResources(IamTypes.ROLE_BINDINGS).inAnyNamespace()
                .withLabel(TenancyTypes.LABEL_GROUP_REF, group).list().getItems()) {
            client.genericKubernetesResources(IamTypes.ROLE_BINDINGS).inNamespace(rb.getMetadata().getNamespace())
                    .withName(rb.getMetadata().getName()).delete();
        }
        LOG.info("event=department-deleted group={}", group);
    }

    @Override
    public void close() {
        users.close();
        groups.close();
        if (groupInformer != null) {
            groupInformer.close();
        }
    }
}
