package io.tessera.kernel.iam.authz;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.tessera.kernel.iam.api.IamTypes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Roles, bindings and the namespace → workspace map, kept from informers in shapes that make a
 * decision a handful of hash lookups: bindings are indexed by partition (workspace, namespace or
 * "" for global/cluster) and by subject key ({@code u:<user>} / {@code g:<group>}), so the cost
 * does not grow with the number of bindings.
 */
public final class RbacIndex implements AutoCloseable {

    /** A role binding reduced to what evaluation needs. */
    public record Binding(String id, String partition, String roleKind, String roleName, String roleNamespace,
                          List<String> subjectKeys, String description) {
    }

    /** Bindings of one kind. */
    static final class BindingTable {
        private final Map<String, Map<String, Map<String, Binding>>> byPartition = new ConcurrentHashMap<>();
        /** Subject key → binding id → binding, across partitions: "where is X bound" without visiting every partition. */
        private final Map<String, Map<String, Binding>> bySubjectEverywhere = new ConcurrentHashMap<>();
        private final Map<String, Binding> byId = new ConcurrentHashMap<>();

        void put(Binding b) {
            remove(b.id());
            byId.put(b.id(), b);
            var bySubject = byPartition.computeIfAbsent(b.partition(), k -> new ConcurrentHashMap<>());
            for (String key : b.subjectKeys()) {
                bySubject.computeIfAbsent(key, k -> new ConcurrentHashMap<>()).put(b.id(), b);
                bySubjectEverywhere.computeIfAbsent(key, k -> new ConcurrentHashMap<>()).put(b.id(), b);
            }
        }

        void remove(String id) {
            Binding old = byId.remove(id);
            if (old == null) {
                return;
            }
            var bySubject = byPartition.get(old.partition());
            if (bySubject == null) {
                return;
            }
            for (String key : old.subjectKeys()) {
                var m = bySubject.get(key);
                if (m != null) {
                    m.remove(id);
                }
                var everywhere = bySubjectEverywhere.get(key);
                if (everywhere != null) {
                    everywhere.remove(id);
                }
            }
        }

        Collection<Binding> lookup(String partition, String subjectKey) {
            var bySubject = byPartition.get(partition);
            if (bySubject == null) {
                return List.of();
            }
            var m = bySubject.get(subjectKey);
            return m == null ? List.of() : m.values();
        }

        /** Every binding of a subject, in every partition (for "is X a member manager anywhere"). */
        Collection<Binding> allOf(String subjectKey) {
            var m = bySubjectEverywhere.get(subjectKey);
            return m == null ? List.of() : m.values();
        }

        int size() {
            return byId.size();
        }
    }

    final BindingTable global = new BindingTable();
    final BindingTable cluster = new BindingTable();
    final BindingTable workspace = new BindingTable();
    final BindingTable namespaced = new BindingTable();
    /** "Kind/name" or "Role/ns/name" → rules. */
    private final Map<String, List<PolicyRule>> roles = new ConcurrentHashMap<>();
    /**
     * Every distinct rule list once, with the number of roles holding it: the thousands of
     * workspace and project roles are copies of a few built-in roles, so they share one list.
     */
    private final Map<List<PolicyRule>, SharedRules> sharedRules = new java.util.HashMap<>();
    private final Map<String, String> namespaceWorkspace = new ConcurrentHashMap<>();
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

    /** An empty index fed by hand (unit tests, benchmarks). */
    public RbacIndex() {
    }

    private static final class SharedRules {
        final List<PolicyRule> rules;
        int holders;

        SharedRules(List<PolicyRule> rules) {
            this.rules = rules;
        }
    }

    /**
     * Starts the informers; {@link #synced()} tells when the first lists have arrived. Their caches
     * keep only each object's key and resourceVersion (what the informer itself needs): the index
     * reads the objects from the events, so holding every role and binding twice would only cost heap.
     */
    public static RbacIndex start(KubernetesClient client) {
        RbacIndex index = new RbacIndex();
        index.watchRoles(client, IamTypes.GLOBAL_ROLES);
        index.watchRoles(client, IamTypes.WORKSPACE_ROLES);
        index.watchRoles(client, IamTypes.CLUSTER_ROLES);
        index.watchRoles(client, IamTypes.ROLES);
        index.watchBindings(client, IamTypes.GLOBAL_ROLE_BINDINGS, index.global);
        index.watchBindings(client, IamTypes.CLUSTER_ROLE_BINDINGS, index.cluster);
        index.watchBindings(client, IamTypes.WORKSPACE_ROLE_BINDINGS, index.workspace);
        index.watchBindings(client, IamTypes.ROLE_BINDINGS, index.namespaced);
        SharedIndexInformer<Namespace> namespaces = client.namespaces().runnableInformer(0);
        namespaces.itemStore(keysOnly(client, Namespace.class));
        namespaces.addEventHandler(handler(index::putNamespace, ns -> index.namespaceWorkspace.remove(ns.getMetadata().getName())));
        index.informers.add(namespaces);
        namespaces.run();
        return index;
    }

    public boolean synced() {
        return informers.stream().allMatch(SharedIndexInformer::hasSynced);
    }

    // the kind comes from the informer, not the object: a deletion noticed on a relist carries the cached (reduced) object
    private void watchRoles(KubernetesClient client, ResourceDefinitionContext ctx) {
        String kind = ctx.getKind();
        watch(client, ctx, handler(r -> putRole(kind, r), r -> roleRemoved(roleKey(kind, r.getMetadata().getNamespace(),
                r.getMetadata().getName()))));
    }

    private void watchBindings(KubernetesClient client, ResourceDefinitionContext ctx, BindingTable table) {
        String kind = ctx.getKind();
        watch(client, ctx, handler(b -> table.put(toBinding(kind, b)), b -> table.remove(bindingId(b))));
    }

    private void watch(KubernetesClient client, ResourceDefinitionContext ctx, ResourceEventHandler<GenericKubernetesResource> handler) {
        SharedIndexInformer<GenericKubernetesResource> informer = client.genericKubernetesResources(ctx).inAnyNamespace().runnableInformer(0);
        informer.itemStore(keysOnly(client, GenericKubernetesResource.class));
        informer.addEventHandler(handler);
        informers.add(informer);
        informer.run();
    }

    private static <T extends io.fabric8.kubernetes.api.model.HasMetadata> ReducedStateItemStore<T> keysOnly(KubernetesClient client,
                                                                                                               Class<T> type) {
        return new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE, type, client.getKubernetesSerialization());
    }

    private static <T> ResourceEventHandler<T> handler(Consumer<T> put, Consumer<T> remove) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                put.accept(obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                put.accept(newObj);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                remove.accept(obj);
            }
        };
    }

    public void putNamespace(Namespace ns) {
        Map<String, String> labels = ns.getMetadata().getLabels();
        String ws = labels == null ? null : labels.get(IamTypes.LABEL_WORKSPACE);
        if (ws == null || ws.isEmpty()) {
            namespaceWorkspace.remove(ns.getMetadata().getName());
        } else {
            namespaceWorkspace.put(ns.getMetadata().getName(), ws);
        }
    }

    public void putRole(GenericKubernetesResource role) {
        putRole(role.getKind(), role);
    }

    private void putRole(String kind, GenericKubernetesResource role) {
        List<PolicyRule> rules = new ArrayList<>();
        if (role.getAdditionalProperties().get("rules") instanceof List<?> l) {
            l.forEach(r -> rules.add(PolicyRule.from(r)));
        }
        String key = roleKey(kind, role.getMetadata().getNamespace(), role.getMetadata().getName());
        synchronized (sharedRules) {
            SharedRules shared = sharedRules.computeIfAbsent(List.copyOf(rules), SharedRules::new);
            shared.holders++;
            release(roles.put(key, shared.rules));
        }
    }

    public void removeRole(GenericKubernetesResource role) {
        roleRemoved(roleKey(role.getKind(), role.getMetadata().getNamespace(), role.getMetadata().getName()));
    }

    private void roleRemoved(String key) {
        synchronized (sharedRules) {
            release(roles.remove(key));
        }
    }

    /** One role stopped holding these rules; the last one takes the shared list with it. */
    private void release(List<PolicyRule> rules) {
        if (rules == null) {
            return;
        }
        SharedRules shared = sharedRules.get(rules);
        if (shared != null && --shared.holders == 0) {
            sharedRules.remove(rules);
        }
    }

    /** Whether the index holds this role (by its kind, e.g. {@code Role} with a namespace or {@code WorkspaceRole}). */
    public boolean hasRole(String kind, String namespace, String name) {
        return roles.containsKey(roleKey(kind, namespace, name));
    }

    /** Adds or replaces a binding of any of the four kinds (by its {@code kind}). */
    public void putBinding(GenericKubernetesResource b) {
        table(b.getKind()).put(toBinding(b.getKind(), b));
    }

    public void removeBinding(GenericKubernetesResource b) {
        table(b.getKind()).remove(bindingId(b));
    }

    private BindingTable table(String kind) {
        return switch (kind) {
            case "GlobalRoleBinding" -> global;
            case "ClusterRoleBinding" -> cluster;
            case "WorkspaceRoleBinding" -> workspace;
            case "RoleBinding" -> namespaced;
            default -> throw new IllegalArgumentException("not a binding kind: " + kind);
        };
    }

    List<PolicyRule> rules(String kind, String namespace, String name) {
        List<PolicyRule> r = roles.get(roleKey(kind, namespace, name));
        return r == null ? List.of() : r;
    }

    String workspaceOf(String namespace) {
        return namespace.isEmpty() ? "" : namespaceWorkspace.getOrDefault(namespace, "");
    }

    private static String roleKey(String kind, String namespace, String name) {
        return "Role".equals(kind) ? "Role/" + (namespace == null ? "" : namespace) + "/" + name : kind + "/" + name;
    }

    private static String bindingId(GenericKubernetesResource b) {
        String ns = b.getMetadata().getNamespace();
        return (ns == null ? "" : ns) + "/" + b.getMetadata().getName();
    }

    @SuppressWarnings("unchecked")
    static Binding toBinding(String kind, GenericKubernetesResource b) {
        String ns = b.getMetadata().getNamespace() == null ? "" : b.getMetadata().getNamespace();
        String partition = switch (kind) {
            case "WorkspaceRoleBinding" -> IamTypes.label(b, IamTypes.LABEL_WORKSPACE);
            case "RoleBinding" -> ns;
            default -> "";
        };
        Map<String, Object> roleRef = b.getAdditionalProperties().get("roleRef") instanceof Map<?, ?> m
                ? (Map<String, Object>) m : Map.of();
        List<String> keys = new ArrayList<>();
        if (b.getAdditionalProperties().get("subjects") instanceof List<?> subjects) {
            for (Object o : subjects) {
                if (o instanceof Map<?, ?> s) {
                    String key = subjectKey((Map<String, Object>) s, ns);
                    if (key != null) {
                        keys.add(key);
                    }
                }
            }
        }
        String roleKind = String.valueOf(roleRef.getOrDefault("kind", ""));
        return new Binding(bindingId(b), partition, roleKind, String.valueOf(roleRef.getOrDefault("name", "")), ns, List.copyOf(keys),
                kind + " " + (ns.isEmpty() ? "" : ns + "/") + b.getMetadata().getName() + " of " + roleKind + " "
                        + roleRef.getOrDefault("name", ""));
    }

    /** KubeSphere's subject matching (reference §2.3) expressed as a lookup key. */
    static String subjectKey(Map<String, Object> s, String bindingNamespace) {
        String kind = String.valueOf(s.getOrDefault("kind", ""));
        String name = String.valueOf(s.getOrDefault("name", ""));
        String apiGroup = String.valueOf(s.getOrDefault("apiGroup", ""));
        switch (kind) {
            case "User":
                return "u:" + name;
            case "Group":
                return "g:" + name;
            case "ServiceAccount": {
                Object subjectNs = s.get("namespace");
                String ns = subjectNs == null || String.valueOf(subjectNs).isEmpty() ? bindingNamespace : String.valueOf(subjectNs);
                if (ns.isEmpty()) {
                    return null;
                }
                if ("rbac.authorization.k8s.io".equals(apiGroup)) {
                    return "u:system:serviceaccount:" + ns + ":" + name;
                }
                if ("kubesphere.io".equals(apiGroup)) {
                    return "u:kubesphere:serviceaccount:" + ns + ":" + name;
                }
                return null;
            }
            default:
                return null;
        }
    }

    /** Workspaces where one of the subject keys holds a WorkspaceRoleBinding (tenancy visibility). */
    public Set<String> workspacesWithBindings(List<String> subjectKeys) {
        return partitionsOf(workspace, subjectKeys);
    }

    /** Namespaces where one of the subject keys holds a RoleBinding (tenancy visibility). */
    public Set<String> namespacesWithBindings(List<String> subjectKeys) {
        return partitionsOf(namespaced, subjectKeys);
    }

    /** The subject's WorkspaceRoleBindings in one workspace. */
    public Collection<Binding> workspaceBindings(String ws, String subjectKey) {
        return workspace.lookup(ws, subjectKey);
    }

    /** The subject's RoleBindings in one namespace. */
    public Collection<Binding> namespaceBindings(String ns, String subjectKey) {
        return namespaced.lookup(ns, subjectKey);
    }

    /** The subject's ClusterRoleBindings. */
    public Collection<Binding> clusterBindings(String subjectKey) {
        return cluster.lookup("", subjectKey);
    }

    private static Set<String> partitionsOf(BindingTable table, List<String> subjectKeys) {
        Set<String> out = new java.util.HashSet<>();
        for (String key : subjectKeys) {
            for (Binding b : table.allOf(key)) {
                out.add(b.partition());
            }
        }
        return out;
    }

    public int bindingCount() {
        return global.size() + cluster.size() + workspace.size() + namespaced.size();
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
    }
}
