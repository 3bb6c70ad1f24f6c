package io.tessera.marketplace.index;

import io.tessera.kernel.extensions.ExtensionManifest;
import io.tessera.kernel.extensions.ExtensionPackage;
import io.tessera.marketplace.trust.Signatures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * {@code tessera repo index DIR}: reads every {@code *.tsx.zip} under a directory (validating its
 * extension.yaml as the runtime does) and writes index.json. Signatures of entries whose bytes did
 * not change are kept, so re-indexing does not unsign a repository.
 */
public final class IndexBuilder {

    private IndexBuilder() {
    }

    public static RepositoryIndex build(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + " is not a directory");
        }
        Map<String, IndexEntry> previous = new LinkedHashMap<>();
        Path existing = dir.resolve(RepositoryIndex.FILE);
        if (Files.exists(existing)) {
            for (IndexEntry e : RepositoryIndex.read(existing).entries()) {
                previous.put(e.id(), e);
            }
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(ExtensionPackage.SUFFIX)).sorted().toList();
        }
        List<IndexEntry> entries = new ArrayList<>();
        Map<String, RepositoryIndex.Category> categories = new TreeMap<>();
        List<String> errors = new ArrayList<>();
        for (Path f : files) {
            ExtensionPackage pkg;
            try {
                pkg = ExtensionPackage.open(f);
            } catch (ExtensionManifest.InvalidManifestException e) {
                errors.add(dir.relativize(f) + ": " + String.join("; ", e.errors()));
                continue;
            } catch (IOException e) {
                errors.add(dir.relativize(f) + ": " + e.getMessage());
                continue;
            }
            IndexEntry entry = entry(dir, f, pkg.manifest());
            IndexEntry before = previous.get(entry.id());
            if (before != null && entry.sha256().equals(before.sha256()) && before.signature() != null) {
                entry = entry.signed(before.keyId(), before.signature());
            }
            for (IndexEntry e : entries) {
                if (e.id().equals(entry.id())) {
                    errors.add(entry.id() + " is in both " + e.file() + " and " + entry.file());
                }
            }
            entries.add(entry);
            categories.putIfAbsent(entry.category(), new RepositoryIndex.Category(entry.category(), null));
        }
        if (!errors.isEmpty()) {
            throw new IOException("cannot index " + dir + ": " + String.join("; ", errors));
        }
        return new RepositoryIndex(RepositoryIndex.API_VERSION, RepositoryIndex.KIND, Instant.now().toString(),
                List.copyOf(categories.values()), entries);
    }

    @SuppressWarnings("unchecked")
    static IndexEntry entry(Path dir, Path f, ExtensionManifest m) throws IOException {
        Map<String, Object> raw = m.raw();
        Map<String, String> deps = new TreeMap<>();
        if (raw.get("dependencies") instanceof Map<?, ?> d) {
            d.forEach((k, v) -> deps.put(String.valueOf(k), String.valueOf(v)));
        }
        List<Map<String, Object>> permissions = m.permissions().stream()
                .map(p -> Map.<String, Object>of("group", p.group(), "resources", p.resources(), "verbs", p.verbs())).toList();
        List<String> keywords = raw.get("keywords") instanceof List<?> k ? k.stream().map(String::valueOf).toList() : null;
        return new IndexEntry(m.name(), m.version(), dir.relativize(f).toString().replace('\\', '/'), Files.size(f),
                Signatures.sha256(f), m.displayName(), m.description(), m.category(), keywords,
                raw.get("icon") == null ? null : String.valueOf(raw.get("icon")),
                text(f, "README.md"), text(f, "CHANGELOG.md"),
                raw.get("kernelVersion") == null ? null : String.valueOf(raw.get("kernelVersion")),
                deps.isEmpty() ? null : deps, permissions, null, null);
    }

    private static String text(Path f, String entry) throws IOException {
        try (ZipFile zip = new ZipFile(f.toFile())) {
            ZipEntry e = zip.getEntry(entry);
            if (e == null) {
                return null;
            }
            try (InputStream in = zip.getInputStream(e)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
    }
}
