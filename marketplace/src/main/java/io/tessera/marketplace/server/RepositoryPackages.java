package io.tessera.marketplace.server;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tessera.kernel.extensions.ExtensionManifest;
import io.tessera.kernel.extensions.ExtensionPackage;
import io.tessera.kernel.extensions.PackageSource;
import io.tessera.kernel.extensions.PackageTrust;
import io.tessera.kernel.health.BuildInfo;
import io.tessera.kernel.spi.KernelContext;
import io.tessera.marketplace.index.IndexEntry;
import io.tessera.marketplace.index.RepositoryIndex;
import io.tessera.marketplace.resolve.Resolver;
import io.tessera.marketplace.trust.Signatures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The kernel's {@link PackageSource} when the marketplace is installed. A package is fetched from
 * the Repository its ExtensionVersion names ({@code kubesphere.io/repository-ref}) into
 * {@code <dataDir>/marketplace/repositories/<repository>/}, beside a copy of that repository's
 * index, and accepted only when its SHA-256 is the ExtensionVersion's {@code spec.digest}; the
 * kernel then runs the signature check ({@code SignatureTrust}, which finds that index). Package
 * bytes never go into the cluster: every replica fetches and verifies its own copy, and {@link
 * #prune prunes} it of packages nothing refers to any more.
 */
public final class RepositoryPackages implements PackageSource {

    private static final Logger LOG = LoggerFactory.getLogger(RepositoryPackages.class);
    /** The kernel's instance fetches, the marketplace's prunes: one lock per cache directory. */
    private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();

    private final KubernetesClient client;
    private final Path cache;
    private final Duration defaultInterval;
    private final String kernelVersion;
    private final Object lock;

    RepositoryPackages(KubernetesClient client, Path cache, Duration defaultInterval, String kernelVersion) {
        this.client = client;
        this.cache = cache;
        this.lock = LOCKS.computeIfAbsent(cache.toAbsolutePath().normalize(), k -> new Object());
        this.defaultInterval = defaultInterval;
        this.kernelVersion = kernelVersion;
    }

    /** Registered in META-INF/services/io.tessera.kernel.extensions.PackageSource$Factory. */
    public static final class Factory implements PackageSource.Factory {
        @Override
        public PackageSource create(KernelContext context) {
            return new RepositoryPackages(context.kubernetes(), cacheDir(context.config().dataDir()),
                    context.config().extensions().repositorySyncInterval(), BuildInfo.load().version());
        }
    }

    static Path cacheDir(Path dataDir) {
        return dataDir.resolve("marketplace").resolve("repositories");
    }

    @Override
    public ExtensionPackage fetch(String name, String version) throws PackageTrust.Refused, IOException {
        synchronized (lock) {
            return fetchLocked(name, version);
        }
    }

    private ExtensionPackage fetchLocked(String name, String version) throws PackageTrust.Refused, IOException {
        String id = name + "-" + version;
        GenericKubernetesResource ev = client.genericKubernetesResources(CatalogTypes.VERSIONS).withName(id).get();
        if (ev == null) {
            return null;
        }
        String repoName = CatalogTypes.label(ev, CatalogTypes.REPOSITORY_REF);
        String digest = (String) CatalogTypes.map(ev, "spec").get("digest");
        if (repoName == null || digest == null) {
            return null; // not materialised by a Repository
        }
        Path dir = cache.resolve(repoName);
        Files.createDirectories(dir);
        Path idxFile = dir.resolve(RepositoryIndex.FILE);
        if (Files.isRegularFile(idxFile)) {
            IndexEntry cached = RepositoryIndex.read(idxFile).find(name, version).orElse(null);
            if (cached != null && digest.equalsIgnoreCase(cached.sha256())) {
                Path f = dir.resolve(cached.file());
                if (Files.isRegularFile(f) && digest.equalsIgnoreCase(Signatures.sha256(f))) {
                    return open(f, id);
                }
            }
        }
        GenericKubernetesResource repo = client.genericKubernetesResources(CatalogTypes.REPOSITORIES).withName(repoName).get();
        if (repo == null) {
            throw new IOException("its repository " + repoName + " does not exist");
        }
        RepositorySource source = RepositorySource.of(RepositorySpec.of(repo, defaultInterval));
        RepositoryIndex idx = source.index();
        IndexEntry e = idx.find(name, version).orElseThrow(() -> new IOException("repository " + repoName
                + " no longer lists " + id + "; sync it"));
        if (!digest.equalsIgnoreCase(e.sha256())) {
            throw new PackageTrust.Refused("package " + id + " refused: repository " + repoName + " now lists sha256 " + e.sha256()
                    + " but the catalog has " + digest + "; sync the repository to review the change");
        }
        Path target = dir.resolve(e.file()).normalize();
        if (!target.startsWith(dir)) {
            throw new PackageTrust.Refused("package " + id + " refused: its file " + e.file() + " is outside the repository");
        }
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(dir, ".fetch-", ".tmp");
        try {
            source.download(e, tmp);
            String actual = Signatures.sha256(tmp);
            if (!actual.equalsIgnoreCase(digest)) {
                throw new PackageTrust.Refused("package " + id + " refused: checksum mismatch (catalog sha256 " + digest + ", "
                        + e.file() + " in repository " + repoName + " has " + actual + "): the package was modified");
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        // the signature check reads the index beside the package
        idx.write(idxFile);
        return open(target, id);
    }

    /**
     * Deletes the cached packages that no ExtensionVersion of their repository (same digest) and no
     * InstallPlan ({@code spec.extension} or the {@code status.version} it runs) refers to, and a
     * repository's folder once it holds no package. Packages being fetched are left alone.
     */
    void prune() {
        if (!Files.isDirectory(cache)) {
            return;
        }
        Set<String> catalog = new HashSet<>(); // repository/name-version@digest
        for (GenericKubernetesResource v : client.genericKubernetesResources(CatalogTypes.VERSIONS).list().getItems()) {
            Object digest = CatalogTypes.map(v, "spec").get("digest");
            String repo = CatalogTypes.label(v, CatalogTypes.REPOSITORY_REF);
            if (digest != null && repo != null) {
                catalog.add(repo + "/" + v.getMetadata().getName() + "@" + String.valueOf(digest).toLowerCase(Locale.ROOT));
            }
        }
        Set<String> planned = new HashSet<>(); // name-version
        for (GenericKubernetesResource p : client.genericKubernetesResources(CatalogTypes.PLANS).list().getItems()) {
            String name = p.getMetadata().getName();
            if (CatalogTypes.map(p, "spec").get("extension") instanceof Map<?, ?> e) {
                name = e.get("name") == null ? name : String.valueOf(e.get("name"));
                planned.add(name + "-" + e.get("version"));
            }
            Object running = CatalogTypes.map(p, "status").get("version");
            if (running != null) {
                planned.add(name + "-" + running);
            }
        }
        synchronized (lock) {
            try (Stream<Path> repos = Files.list(cache)) {
                for (Path dir : repos.filter(Files::isDirectory).toList()) {
                    pruneRepository(dir, catalog, planned);
                }
            } catch (IOException e) {
                LOG.warn("event=marketplace.cache.prune.failed dir={} error=\"{}\"", cache, e.toString());
            }
        }
    }

    private static void pruneRepository(Path dir, Set<String> catalog, Set<String> planned) throws IOException {
        String repo = dir.getFileName().toString();
        Path idxFile = dir.resolve(RepositoryIndex.FILE);
        Set<Path> keep = new HashSet<>();
        if (Files.isRegularFile(idxFile)) {
            for (IndexEntry e : RepositoryIndex.read(idxFile).entries()) {
                String digest = e.sha256() == null ? "" : e.sha256().toLowerCase(Locale.ROOT);
                Path f = dir.resolve(e.file()).normalize();
                if ((catalog.contains(repo + "/" + e.id() + "@" + digest) || planned.contains(e.id())) && Files.isRegularFile(f)) {
                    keep.add(f);
                }
            }
        }
        List<Path> removed = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String fileName = f.getFileName().toString();
                // the index is removed with the last package; .fetch- files are downloads under way in another kernel
                if (!keep.contains(f) && !f.equals(idxFile) && !fileName.startsWith(".fetch-")) {
                    Files.deleteIfExists(f);
                    removed.add(dir.relativize(f));
                }
            }
        }
        if (keep.isEmpty()) {
            Files.deleteIfExists(idxFile);
            try (Stream<Path> left = Files.walk(dir)) {
                left.sorted(Comparator.reverseOrder()).filter(Files::isDirectory).forEach(d -> d.toFile().delete());
            }
        }
        if (!removed.isEmpty()) {
            LOG.info("event=marketplace.cache.pruned repository={} packages={}", repo, removed);
        }
    }

    private static ExtensionPackage open(Path f, String id) throws PackageTrust.Refused, IOException {
        try {
            return ExtensionPackage.open(f);
        } catch (ExtensionManifest.InvalidManifestException x) {
            throw new PackageTrust.Refused("package " + id + " refused: invalid extension.yaml: " + String.join("; ", x.errors()));
        }
    }

    @Override
    public List<Map.Entry<String, String>> closure(ExtensionManifest manifest, Map<String, String> fixed) throws Unresolvable {
        List<IndexEntry> catalog = new ArrayList<>();
        for (GenericKubernetesResource v : client.genericKubernetesResources(CatalogTypes.VERSIONS).list().getItems()) {
            IndexEntry e = CatalogTypes.entryOf(v);
            if (e != null && !(e.name().equals(manifest.name()) && e.version().equals(manifest.version()))) {
                catalog.add(e);
            }
        }
        catalog.add(entryOf(manifest));
        try {
            List<Resolver.Step> steps = new Resolver(catalog, fixed, kernelVersion).resolve(manifest.name(), manifest.version());
            List<Map.Entry<String, String>> out = new ArrayList<>();
            for (Resolver.Step s : steps) {
                if (!s.entry().name().equals(manifest.name())) {
                    out.add(new AbstractMap.SimpleImmutableEntry<>(s.entry().name(), s.entry().version()));
                }
            }
            return out;
        } catch (Resolver.ResolutionException e) {
            throw new Unresolvable("cannot install " + manifest.name() + " " + manifest.version() + ": " + e.getMessage());
        }
    }

    /** The package itself (it may have been added to this replica without a repository). */
    private static IndexEntry entryOf(ExtensionManifest m) {
        Map<String, String> deps = new LinkedHashMap<>();
        if (m.raw().get("dependencies") instanceof Map<?, ?> d) {
            d.forEach((k, v) -> deps.put(String.valueOf(k), String.valueOf(v)));
        }
        Object kernel = m.raw().get("kernelVersion");
        return new IndexEntry(m.name(), m.version(), null, 0, null, null, null, m.category(), null, null, null, null,
                kernel == null ? null : Objects.toString(kernel), deps, null, null, null);
    }
}
