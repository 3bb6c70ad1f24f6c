package io.tessera.extension.api.kube;

import java.util.List;
import java.util.Map;

/**
 * The extension's view of the cluster: generic objects (maps in the Kubernetes JSON shape) of the
 * resources its manifest declares. Every call checks the declared resource × verb first and
 * throws {@link PermissionDeniedException} before touching the cluster when it is not declared.
 */
public interface ScopedClient {

    /**
     * @param group API group, {@code ""} for the core group
     * @param version API version, e.g. {@code "v1"}
     * @param plural resource, e.g. {@code "configmaps"}
     */
    Resources resources(String group, String version, String plural);

    /** Operations on one resource type; {@code namespace} null means cluster-scoped or all namespaces for lists. */
    interface Resources {
        List<Map<String, Object>> list(String namespace);

        /** The object, or null when it does not exist. */
        Map<String, Object> get(String namespace, String name);

        Map<String, Object> create(String namespace, Map<String, Object> object);

        Map<String, Object> update(String namespace, Map<String, Object> object);

        /** Replaces the status subresource (verb {@code update} on {@code {plural}/status}). */
        Map<String, Object> updateStatus(String namespace, Map<String, Object> object);

        /** @return whether something was deleted */
        boolean delete(String namespace, String name);
    }
}
