package io.tessera.kernel.tenancy.departments;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.tessera.kernel.tenancy.api.TenancyTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Departments (reference §4.4): GroupBindings {@code {groupRef:{name}, users:[…]}} read from an
 * informer with an index by user, so "which departments is X in" is one lookup.
 */
public final class Departments implements AutoCloseable {

    private static final String BY_USER = "byUser";
    private SharedIndexInformer<GenericKubernetesResource> bindings;

    public Departments start(KubernetesClient client) {
        bindings = client.genericKubernetesResources(TenancyTypes.GROUP_BINDINGS).runnableInformer(0);
        bindings.addIndexers(Map.of(BY_USER, Departments::users));
        bindings.start();
        return this;
    }

    public SharedIndexInformer<GenericKubernetesResource> informer() {
        return bindings;
    }

    public boolean synced() {
        return bindings != null && bindings.hasSynced();
    }

    public Set<String> groupsOf(String user) {
        Set<String> out = new TreeSet<>();
        if (bindings == null) {
            return out;
        }
        for (GenericKubernetesResource b : bindings.getIndexer().byIndex(BY_USER, user)) {
            Object ref = b.getAdditionalProperties().get("groupRef");
            if (ref instanceof Map<?, ?> m && m.get("name") != null) {
                out.add(String.valueOf(m.get("name")));
            }
        }
        return out;
    }

    /** Users of one department. */
    public List<String> membersOf(String group) {
        List<String> out = new ArrayList<>();
        for (GenericKubernetesResource b : bindings.getStore().list()) {
            Object ref = b.getAdditionalProperties().get("groupRef");
            if (ref instanceof Map<?, ?> m && group.equals(m.get("name"))) {
                out.addAll(users(b));
            }
        }
        return out;
    }

    static List<String> users(GenericKubernetesResource b) {
        Object u = b.getAdditionalProperties().get("users");
        List<String> out = new ArrayList<>();
        if (u instanceof List<?> l) {
            l.forEach(x -> out.add(String.valueOf(x)));
        }
        return out;
    }

    @Override
    public void close() {
        if (bindings != null) {
            bindings.close();
        }
    }
}
