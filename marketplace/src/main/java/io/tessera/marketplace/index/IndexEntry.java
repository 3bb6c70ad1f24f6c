package io.tessera.marketplace.index;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * One package in a repository index: what the catalog shows (copied from extension.yaml), where
 * the bytes are ({@code file}, relative to the index), their SHA-256 and the signature over
 * name, version and SHA-256 by key {@code keyId}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IndexEntry(
        String name,
        String version,
        String file,
        long size,
        String sha256,
        Map<String, Object> displayName,
        Map<String, Object> description,
        String category,
        List<String> keywords,
        String icon,
        String readme,
        String changelog,
        String kernelVersion,
        Map<String, String> dependencies,
        List<Map<String, Object>> permissions,
        String keyId,
        String signature) {

    public String id() {
        return name + "-" + version;
    }

    public IndexEntry signed(String keyId, String signature) {
        return new IndexEntry(name, version, file, size, sha256, displayName, description, category, keywords, icon, readme,
                changelog, kernelVersion, dependencies, permissions, keyId, signature);
    }

    public Map<String, String> dependenciesOrEmpty() {
        return dependencies == null ? Map.of() : dependencies;
    }
}
