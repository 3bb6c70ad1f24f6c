package io.tessera.marketplace.index;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code index.json} at a repository's root (docs/marketplace.md): the categories and every
 * package version. A directory, an HTTP(S) URL and an exported archive all carry this one file.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RepositoryIndex(String apiVersion, String kind, String generated, List<Category> categories, List<IndexEntry> entries) {

    public static final String FILE = "index.json";
    public static final String API_VERSION = "marketplace.tessera.io/v1";
    public static final String KIND = "RepositoryIndex";

    static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Category(String name, Map<String, Object> displayName) {
    }

    public RepositoryIndex {
        categories = categories == null ? List.of() : List.copyOf(categories);
        entries = entries == null ? List.of() : List.copyOf(entries);
    }

    public static RepositoryIndex parse(InputStream in, String origin) throws IOException {
        RepositoryIndex idx;
        try {
            idx = JSON.readValue(in, RepositoryIndex.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(origin + " is not a repository index: " + e.getOriginalMessage(), e);
        }
        if (!API_VERSION.equals(idx.apiVersion()) || !KIND.equals(idx.kind())) {
            throw new IOException(origin + ": apiVersion/kind must be " + API_VERSION + "/" + KIND + ", got "
                    + idx.apiVersion() + "/" + idx.kind());
        }
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < idx.entries().size(); i++) {
            IndexEntry e = idx.entries().get(i);
            if (e.name() == null || e.version() == null || e.file() == null) {
                errors.add("entries[" + i + "] needs name, version and file");
            } else if (e.file().contains("..") || e.file().startsWith("/")) {
                errors.add("entries[" + i + "].file must be a relative path inside the repository: " + e.file());
            }
        }
        if (!errors.isEmpty()) {
            throw new IOException(origin + ": " + String.join("; ", errors));
        }
        return idx;
    }

    public static RepositoryIndex read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        }
    }

    /** Writes atomically (temp file + move): a reader never sees half an index. */
    public void write(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writeValue(tmp.toFile(), this);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public byte[] toBytes() throws IOException {
        return JSON.writeValueAsBytes(this);
    }

    public Optional<IndexEntry> find(String name, String version) {
        return entries.stream().filter(e -> e.name().equals(name) && e.version().equals(version)).findFirst();
    }

    public RepositoryIndex withEntries(List<IndexEntry> newEntries) {
        return new RepositoryIndex(apiVersion, kind, generated, categories, newEntries);
    }
}
