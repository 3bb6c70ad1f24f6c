package io.tessera.kernel.extensions;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in repository: every {@code *.tsx.zip} in a directory (the distribution's
 * {@code repository/}) becomes an {@code Extension} and an {@code ExtensionVersion}
 * ({@code {name}-{version}}, labelled {@code kubesphere.io/extension-ref}), as KubeSphere's
 * repository controller does for a Helm index. Invalid packages are logged and skipped.
 */
final class RepositoryLoader {

    private static final Logger LOG = LoggerFactory.getLogger(RepositoryLoader.class);
    static final String REPOSITORY = "builtin";

    private final KubernetesClient client;
    private final Map<String, ExtensionPackage> packages = new ConcurrentHashMap<>();

    private final List<PackageTrust> trust;
    private final List<PackageSource> sources;

    RepositoryLoader(KubernetesClient client) {
        this(client, List.of(), List.of());
    }

    RepositoryLoader(KubernetesClient client, List<PackageTrust> trust, List<PackageSource> sources) {
        this.client = client;
        this.trust = List.copyOf(trust);
        this.sources = List.copyOf(sources);
    }

    /** True when Repository objects (the marketplace) provide packages and resolve dependencies. */
    boolean hasSources() {
        return !sources.isEmpty();
    }

    /** Runs every {@link PackageTrust} check on {@code pkg}; the first refusal wins. */
    void verify(ExtensionPackage pkg) throws PackageTrust.Refused {
        for (PackageTrust t : trust) {
            t.check(pkg);
        }
    }

    /** The package for {@code name}-{@code version} in this replica's repository, or null. */
    ExtensionPackage find(String name, String version) {
        return packages.get(name + "-" + version);
    }

    /**
     * The package added to this replica, else the one a {@link PackageSource} fetches from the
     * repository its ExtensionVersion came from; null when none has it. Not yet trust-checked.
     */
    ExtensionPackage fetch(String name, String version) throws PackageTrust.Refused, IOException {
        ExtensionPackage local = find(name, version);
        if (local != null) {
            return local;
        }
        for (PackageSource s : sources) {
            ExtensionPackage pkg = s.fetch(name, version);
            if (pkg != null) {
                return pkg;
            }
        }
        return null;
    }

    /** The dependency closure from the first source (see {@link PackageSource#closure}). */
    List<Map.Entry<String, String>> closure(ExtensionManifest manifest, Map<String, String> fixed) throws PackageSource.Unresolvable {
        return sources.get(0).closure(manifest, fixed);
    }

    void load(Path dir) throws IOException {
        if (dir == null || !Files.isDirectory(dir)) {
            LOG.info("event=extensions.repository.absent dir={}", dir);
            return;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(ExtensionPackage.SUFFIX)).sorted().toList();
        }
        for (Path f : files) {
            try {
                ExtensionPackage pkg = ExtensionPackage.open(f);
                verify(pkg);
                add(pkg);
            } catch (IOException | ExtensionManifest.InvalidManifestException e) {
                LOG.warn("event=extensions.package.invalid file={} error=\"{}\"", f, e.getMessage());
            } catch (PackageTrust.Refused e) {
                // a refused package never reaches the catalog
                LOG.warn("event=extensions.package.refused file={} error=\"{}\"", f, e.getMessage());
            }
        }
        LOG.info("event=extensions.repository.loaded dir={} packages={}", dir, packages.size());
    }

    /** Adds a package (also for tests and the testkit) and publishes its catalog objects. */
    void add(ExtensionPackage pkg) {
        ExtensionManifest m = pkg.manifest();
        packages.put(m.name() + "-" + m.version(), pkg);
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("displayName", m.displayName());
        spec.put("description", m.description());
        copy(m.raw(), spec, "icon", "provider", "keywords", "home", "docs", "sources");
        spec.put("version", m.version());
        spec.put("category", m.category());
        spec.put("namespace", m.namespace());
        spec.put("repository", REPOSITORY);
        spec.put("installationMode", "HostOnly");
        if (m.raw().get("kernelVersion") != null) {
            spec.put("ksVersion", m.raw().get("kernelVersion"));
        }
        if (m.raw().get("dependencies") instanceof Map<?, ?> deps) {
            spec.put("externalDependencies", deps.entrySet().stream()
                    .map(e -> Map.of("name", e.getKey(), "type", "extension", "version", e.getValue(), "required", true))
                    .toList());
        }
        Map<String, String> labels = Map.of(ExtensionTypes.EXTENSION_REF, m.name(), "kubesphere.io/repository-ref",
                REPOSITORY, "kubesphere.io/category", m.category());
        upsert(ExtensionTypes.EXTENSION_VERSIONS, m.name() + "-" + m.version(), labels, spec);
        Map<String, Object> extSpec = new LinkedHashMap<>();
        extSpec.put("displayName", m.displayName());
        extSpec.put("description", m.description());
        copy(m.raw(), extSpec, "icon", "provider");
        upsertExtension(m.name(), extSpec, m.version());
    }

    private void upsertExtension(String name, Map<String, Object> spec, String version) {
        var op = client.genericKubernetesResources(ExtensionTypes.EXTENSIONS).withName(name);
        GenericKubernetesResource existing = op.get();
        // the Extension describes the newest version this repository has
        String newest = packages.values().stream().map(p -> p.manifest()).filter(x -> x.name().equals(name))
                .map(ExtensionManifest::version).max(RepositoryLoader::compareVersions).orElse(version);
        if (existing != null && !newest.equals(version)) {
            return;
        }
        upsert(ExtensionTypes.EXTENSIONS, name, Map.of("kubesphere.io/repository-ref", REPOSITORY), spec);
    }

    private void upsert(ResourceDefinitionContext rdc, String name, Map<String, String> labels, Map<String, Object> spec) {
        var op = client.genericKubernetesResources(rdc);
        GenericKubernetesResource existing = op.withName(name).get();
        GenericKubernetesResource r = new GenericKubernetesResource();
        r.setApiVersion(rdc.getGroup() + "/" + rdc.getVersion());
        r.setKind(rdc.getKind());
        r.setMetadata(new ObjectMetaBuilder().withName(name).withLabels(labels).build());
        r.setAdditionalProperty("spec", spec);
        if (existing == null) {
            spec.putIfAbsent("created", Instant.now().toString());
            op.resource(r).create();
        } else {
            Object created = existing.getAdditionalProperties().get("spec") instanceof Map<?, ?> s ? s.get("created") : null;
            if (created != null) {
                spec.put("created", created);
            }
            r.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
            if (existing.getAdditionalProperties().get("status") != null) {
                r.setAdditionalProperty("status", existing.getAdditionalProperties().get("status"));
            }
            op.resource(r).update();
        }
    }

    private static void copy(Map<String, Object> from, Map<String, Object> to, String... keys) {
        for (String k : keys) {
            if (from.get(k) != null) {
                to.put(k, from.get(k));
            }
        }
    }

    /** Semantic-version order on the numeric core (pre-releases sort before their release). */
    static int compareVersions(String a, String b) {
        String[] x = a.split("[-+]", 2)[0].split("\\.");
        String[] y = b.split("[-+]", 2)[0].split("\\.");
        for (int i = 0; i < 3; i++) {
            int c = Long.compare(Long.parseLong(x[i]), Long.parseLong(y[i]));
            if (c != 0) {
                return c;
            }
        }
        boolean preA = a.contains("-");
        boolean preB = b.contains("-");
        return preA == preB ? a.compareTo(b) : preA ? -1 : 1;
    }
}
