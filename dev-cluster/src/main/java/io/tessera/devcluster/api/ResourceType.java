package io.tessera.devcluster.api;

import java.util.List;

/**
 * One kind of object the cluster serves. Objects are stored per {@link #key()} (group + plural), whatever
 * version a client asks for: like a CRD with conversion strategy None, only {@code apiVersion} differs.
 */
public record ResourceType(
        String group,
        List<String> versions,
        String plural,
        String singular,
        String kind,
        boolean namespaced,
        boolean statusSubresource,
        boolean tracksGeneration,
        List<String> shortNames,
        boolean custom,
        com.fasterxml.jackson.databind.JsonNode schema) {

    /** Storage key: {@code plural} for the core group, {@code plural.group} otherwise (as kubectl spells it). */
    public String key() {
        return group.isEmpty() ? plural : plural + "." + group;
    }

    public String preferredVersion() {
        return versions.get(0);
    }

    public String apiVersion(String version) {
        return group.isEmpty() ? version : group + "/" + version;
    }

    public String listKind() {
        return kind + "List";
    }
}
