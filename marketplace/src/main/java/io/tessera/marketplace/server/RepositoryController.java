package io.tessera.marketplace.server;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.tessera.kernel.concurrent.DaemonThreads;
import io.tessera.marketplace.index.IndexEntry;
import io.tessera.marketplace.index.RepositoryIndex;
import io.tessera.marketplace.kernel.SignatureTrust;
import io.tessera.marketplace.trust.PackageRefusedException;
import io.tessera.marketplace.trust.TrustStore;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.semver4j.Semver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Syncs Repository objects into the catalog (KubeSphere reference §6.1): reads the repository's
 * index, checks every entry's signature against the trusted keys, and creates or updates an
 * {@code Extension} per name (owned by the Repository), an {@code ExtensionVersion}
 * {@code {name}-{version}} per version (owned by its Extension) and the {@code Category} objects
 * with their {@code kubesphere.io/count}. Versions that left the index are deleted; an Extension
 * owned by another repository is skipped. A sync that cannot read the index sets
 * {@code Synced=False} and leaves the catalog as it was; entries that fail the signature check are
 * named in the condition and keep whatever catalog objects they had. Syncs run every
 * {@code spec.updateStrategy.registryPoll.interval} and whenever the annotation
 * {@value CatalogTypes#SYNC_REQUESTED_AT} or the spec changes.
 *
 * <p>Every replica watches the Repositories; only the one that {@link #lead leads} (the
 * marketplace's Lease) syncs, so replicas never write the same catalog twice. Every replica runs
 * {@code afterSync} when it sees a sync's status (e.g. to prune its own package cache).
 */
final class RepositoryController implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RepositoryController.class);
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?");
    private static final long RETRY_SECONDS = 5;

    private final KubernetesClient client;
    private final SignatureTrust trust;
    private final Duration defaultInterval;
    private final Semver kernel;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("marketplace-repositories"));
    private final Map<String, ScheduledFuture<?>> scheduled = new ConcurrentHashMap<>();
    private final Set<String> attempted = ConcurrentHashMap.newKeySet();
    private final Runnable afterSync;
    private volatile boolean leading;
    private SharedIndexInformer<GenericKubernetesResource> informer;

    RepositoryController(KubernetesClient client, SignatureTrust trust, Duration defaultInterval, String kernelVersion, Runnable afterSync) {
        this.client = client;
        this.trust = trust;
        this.defaultInterval = defaultInterval;
        this.kernel = Semver.coerce(kernelVersion.replace("-SNAPSHOT", ""));
        this.afterSync = afterSync;
    }

    void start() {
        informer = client.genericKubernetesResources(CatalogTypes.REPOSITORIES).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource obj) {
                if (leading) {
                    schedule(obj.getMetadata().getName(), 0);
                }
            }

            @Override
            public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
                if (!Objects.equals(lastSyncTime(oldObj), lastSyncTime(newObj))) {
                    try {
                        worker.execute(() -> runAfterSync(newObj.getMetadata().getName()));
                    } catch (RejectedExecutionException closing) {
                        // the controller is closing: no cache to keep tidy any more
                    }
                }
                if (leading && (!Objects.equals(oldObj.getAdditionalProperties().get("spec"), newObj.getAdditionalProperties().get("spec"))
                        || !Objects.equals(requestedAt(oldObj), requestedAt(newObj)))) {
                    schedule(newObj.getMetadata().getName(), 0);
                }
            }

            @Override
            public void onDelete(GenericKubernetesResource obj, boolean unknown) {
                if (!leading) {
                    return;
                }
                String name = obj.getMetadata().getName();
                ScheduledFuture<?> f = scheduled.remove(name);
                if (f != null) {
                    f.cancel(false);
                }
                worker.execute(() -> removeCatalogOf(name));
            }
        });
    }

    /**
     * This replica becomes the one that syncs: every Repository is synced now (the previous leader's
     * schedule is not known here), then on its interval.
     */
    synchronized void lead() {
        leading = true;
        for (GenericKubernetesResource r : informer.getStore().list()) {
            schedule(r.getMetadata().getName(), 0);
        }
    }

    /** Another replica syncs from now on: drop this one's schedule (a sync under way finishes). */
    synchronized void follow() {
        leading = false;
        scheduled.values().forEach(f -> f.cancel(false));
        scheduled.clear();
    }

    boolean leading() {
        return leading;
    }

    /**
     * True once a sync of {@code name} has run (successful or not), here or on the replica that
     * leads: its result is in the Repository's status.
     */
    boolean attempted(String name) {
        if (attempted.contains(name)) {
            return true;
        }
        GenericKubernetesResource r = informer == null ? null : informer.getStore().getByKey(name);
        return r != null && lastSyncTime(r) != null;
    }

    private static Object lastSyncTime(GenericKubernetesResource r) {
        return CatalogTypes.map(r, "status").get("lastSyncTime");
    }

    private void runAfterSync(String name) {
        try {
            afterSync.run();
        } catch (RuntimeException e) {
            LOG.warn("event=marketplace.repository.after-sync.failed repository={} error=\"{}\"", name, e.toString());
        }
    }

    private synchronized void schedule(String name, long delaySeconds) {
        ScheduledFuture<?> previous = scheduled.get(name);
        if (previous != null) {
            previous.cancel(false);
        }
        scheduled.put(name, worker.schedule(() -> run(name), delaySeconds, TimeUnit.SECONDS));
    }

    private void run(String name) {
        if (!leading) {
            return;
        }
        GenericKubernetesResource repo = client.genericKubernetesResources(CatalogTypes.REPOSITORIES).withName(name).get();
        if (repo == null) {
            return;
        }
        RepositorySpec spec = RepositorySpec.of(repo, defaultInterval);
        try {
            sync(repo, spec);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                failed(name, repo, e);
                return;
            }
            // another replica wrote the same object in between: each object is complete, sync again shortly
            LOG.info("event=marketplace.repository.sync.conflict repository={} retrySeconds={}", name, RETRY_SECONDS);
            scheduleNext(name, Duration.ofSeconds(RETRY_SECONDS));
            return;
        } catch (RuntimeException e) {
            failed(name, repo, e);
            return;
        }
        attempted.add(name);
        scheduleNext(name, spec.interval());
    }

    /** The API server failed us mid-way: the objects written so far are each complete; retry soon. */
    private void failed(String name, GenericKubernetesResource repo, RuntimeException e) {
        LOG.warn("event=marketplace.repository.sync.error repository={} error=\"{}\"", name, e.toString());
        attempted.add(name);
        try {
            writeStatus(name, Instant.now(), requestedAt(repo), "False", "SyncFailed", "writing the catalog failed: " + e.getMessage(), null);
        } catch (RuntimeException statusFailed) {
            LOG.warn("event=marketplace.repository.status.failed repository={} error=\"{}\"", name, statusFailed.toString());
        }
        scheduleNext(name, Duration.ofSeconds(RETRY_SECONDS));
    }

    private synchronized void scheduleNext(String name, Duration after) {
        if (leading && !worker.isShutdown()) {
            scheduled.put(name, worker.schedule(() -> run(name), Math.max(1, after.toMillis()), TimeUnit.MILLISECONDS));
        }
    }

    private static Instant requestedAt(GenericKubernetesResource r) {
        String v = r.getMetadata().getAnnotations() == null ? null : r.getMetadata().getAnnotations().get(CatalogTypes.SYNC_REQUESTED_AT);
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** One sync: read and check the index, then write the catalog; a failure before writing changes nothing. */
    void sync(GenericKubernetesResource repo, RepositorySpec spec) {
        String name = repo.getMetadata().getName();
        Instant started = Instant.now();
        Instant requested = requestedAt(repo);
        RepositoryIndex idx;
        try {
            idx = RepositorySource.of(spec).index();
        } catch (IOException e) {
            LOG.warn("event=marketplace.repository.sync.failed repository={} url={} error=\"{}\"", name, spec.url(), e.getMessage());
            writeStatus(name, started, requested, "False", "IndexUnavailable", e.getMessage(), null);
            return;
        }
        TrustStore keys = trust.trustStore();
        List<IndexEntry> accepted = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        Set<String> refusedIds = new HashSet<>();
        for (IndexEntry e : idx.entries()) {
            try {
                if (!NAME.matcher(e.name()).matches()) {
                    throw new PackageRefusedException(e.id(), "name must be [a-z0-9-], at most 32 characters");
                }
                if (Semver.parse(e.version()) == null) {
                    throw new PackageRefusedException(e.id(), "version " + e.version() + " is not semver");
                }
                keys.verifySignature(e.name(), e.version(), e.sha256(), e.keyId(), e.signature());
                accepted.add(e);
            } catch (PackageRefusedException x) {
                refused.add(x.getMessage());
                refusedIds.add(e.id());
                LOG.warn("event=extensions.package.refused repository={} package={} error=\"{}\"", name, e.id(), x.getMessage());
            }
        }
        // newest first per name; depth keeps the newest N (0: all)
        Map<String, List<IndexEntry>> byName = new TreeMap<>();
        for (IndexEntry e : accepted) {
            byName.computeIfAbsent(e.name(), k -> new ArrayList<>()).add(e);
        }
        byName.replaceAll((k, l) -> {
            List<IndexEntry> sorted = l.stream().sorted(Comparator.comparing((IndexEntry e) -> Semver.parse(e.version())).reversed()).toList();
            return spec.depth() > 0 && sorted.size() > spec.depth() ? sorted.subList(0, spec.depth()) : sorted;
        });
        Set<String> refusedNames = new HashSet<>();
        refusedIds.forEach(id -> idx.entries().stream().filter(e -> e.id().equals(id)).forEach(e -> refusedNames.add(e.name())));
        List<String> skipped = materialise(repo, idx, byName, refusedIds, refusedNames);
        List<String> problems = new ArrayList<>(refused);
        problems.addAll(skipped);
        long count = client.genericKubernetesResources(CatalogTypes.EXTENSIONS).withLabel(CatalogTypes.REPOSITORY_REF, name).list()
                .getItems().size();
        if (refused.isEmpty() && skipped.isEmpty()) {
            writeStatus(name, started, requested, "True", "Synced", accepted.size() + " package version(s) of " + byName.size()
                    + " extension(s)", count);
        } else {
            writeStatus(name, started, requested, "False", refused.isEmpty() ? "ExtensionsSkipped" : "PackagesRefused",
                    problems.size() + " problem(s): " + String.join("; ", problems) + (accepted.isEmpty() ? ""
                            : "; the other " + accepted.size() + " package version(s) are in the catalog"), count);
        }
        LOG.info("event=marketplace.repository.synced repository={} extensions={} versions={} refused={} skipped={}", name,
                byName.size(), accepted.size(), refused.size(), skipped.size());
    }

    /** Writes the catalog objects of one repository; returns the extensions skipped (owned elsewhere). */
    private List<String> materialise(GenericKubernetesResource repo, RepositoryIndex idx, Map<String, List<IndexEntry>> byName,
            Set<String> refusedIds, Set<String> refusedNames) {
        String repoName = repo.getMetadata().getName();
        List<String> skipped = new ArrayList<>();
        Set<String> keptVersions = new HashSet<>(refusedIds);
        Set<String> keptExtensions = new HashSet<>(refusedNames);
        Map<String, Map<String, Object>> categories = new TreeMap<>();
        for (RepositoryIndex.Category c : idx.categories()) {
            categories.put(c.name(), c.displayName());
        }
        for (Map.Entry<String, List<IndexEntry>> x : byName.entrySet()) {
            String ext = x.getKey();
            List<IndexEntry> versions = x.getValue();
            GenericKubernetesResource existing = client.genericKubernetesResources(CatalogTypes.EXTENSIONS).withName(ext).get();
            String owner = existing == null ? null : CatalogTypes.label(existing, CatalogTypes.REPOSITORY_REF);
            if (existing != null && !repoName.equals(owner)) {
                skipped.add("extension " + ext + " is provided by repository " + owner + "; skipped");
                continue;
            }
            keptExtensions.add(ext);
            IndexEntry newest = versions.get(0);
            String category = newest.category() == null ? "others" : newest.category();
            categories.putIfAbsent(category, null);
            Map<String, Object> spec = new LinkedHashMap<>();
            put(spec, "displayName", newest.displayName());
            put(spec, "description", newest.description());
            put(spec, "icon", newest.icon());
            put(spec, "keywords", newest.keywords());
            put(spec, "category", category);
            Map<String, String> labels = Map.of(CatalogTypes.REPOSITORY_REF, repoName, CatalogTypes.CATEGORY, category);
            GenericKubernetesResource extension = upsert(CatalogTypes.EXTENSIONS, ext, labels, owner(repo), spec);
            String recommended = versions.stream().filter(this::kernelFits).map(IndexEntry::version).findFirst().orElse(null);
            List<Map<String, Object>> listed = new ArrayList<>();
            for (IndexEntry v : versions) {
                GenericKubernetesResource ev = upsert(CatalogTypes.VERSIONS, v.id(), Map.of(CatalogTypes.EXTENSION_REF, ext,
                        CatalogTypes.REPOSITORY_REF, repoName, CatalogTypes.CATEGORY, v.category() == null ? "others" : v.category()),
                        owner(extension), versionSpec(repoName, v));
                keptVersions.add(v.id());
                listed.add(Map.of("version", v.version(), "creationTimestamp", ev.getMetadata().getCreationTimestamp()));
            }
            Map<String, Object> status = new LinkedHashMap<>();
            status.put("recommendedVersion", recommended);
            status.put("versions", listed);
            mergeStatus(CatalogTypes.EXTENSIONS, ext, status);
        }
        // versions and extensions that left the index (refused ones keep what they had)
        for (GenericKubernetesResource v : client.genericKubernetesResources(CatalogTypes.VERSIONS)
                .withLabel(CatalogTypes.REPOSITORY_REF, repoName).list().getItems()) {
            if (!keptVersions.contains(v.getMetadata().getName())) {
                delete(CatalogTypes.VERSIONS, v.getMetadata().getName());
            }
        }
        for (GenericKubernetesResource e : client.genericKubernetesResources(CatalogTypes.EXTENSIONS)
                .withLabel(CatalogTypes.REPOSITORY_REF, repoName).list().getItems()) {
            if (!keptExtensions.contains(e.getMetadata().getName())) {
                delete(CatalogTypes.EXTENSIONS, e.getMetadata().getName());
            }
        }
        for (Map.Entry<String, Map<String, Object>> c : categories.entrySet()) {
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("displayName", c.getValue() == null || c.getValue().isEmpty() ? Map.of("en", c.getKey()) : c.getValue());
            upsertCategory(c.getKey(), spec);
        }
        recount();
        return skipped;
    }

    private boolean kernelFits(IndexEntry e) {
        return e.kernelVersion() == null || e.kernelVersion().isBlank() || kernel.satisfies(e.kernelVersion());
    }

    private static Map<String, Object> versionSpec(String repoName, IndexEntry v) {
        Map<String, Object> spec = new LinkedHashMap<>();
        put(spec, "displayName", v.displayName());
        put(spec, "description", v.description());
        put(spec, "icon", v.icon());
        spec.put("version", v.version());
        put(spec, "keywords", v.keywords());
        spec.put("repository", repoName);
        spec.put("category", v.category() == null ? "others" : v.category());
        put(spec, "kernelVersion", v.kernelVersion());
        put(spec, "ksVersion", v.kernelVersion());
        spec.put("digest", v.sha256());
        spec.put("size", v.size());
        spec.put("dependencies", v.dependenciesOrEmpty());
        spec.put("externalDependencies", new TreeMap<>(v.dependenciesOrEmpty()).entrySet().stream()
                .map(d -> Map.of("name", d.getKey(), "type", "extension", "version", d.getValue(), "required", true)).toList());
        spec.put("permissions", v.permissions() == null ? List.of() : v.permissions());
        put(spec, "readme", v.readme());
        put(spec, "changelog", v.changelog());
        spec.put("installationMode", "HostOnly");
        return spec;
    }

    private static void put(Map<String, Object> m, String k, Object v) {
        if (v != null) {
            m.put(k, v);
        }
    }

    private static OwnerReference owner(GenericKubernetesResource r) {
        return new OwnerReferenceBuilder().withApiVersion(r.getApiVersion()).withKind(r.getKind())
                .withName(r.getMetadata().getName()).withUid(r.getMetadata().getUid()).withBlockOwnerDeletion(false).build();
    }

    /** Creates or updates an object's labels, owner and spec (keeping spec.created and the status); unchanged objects are not written. */
    private GenericKubernetesResource upsert(ResourceDefinitionContext rdc, String name, Map<String, String> labels, OwnerReference owner,
            Map<String, Object> spec) {
        var ops = client.genericKubernetesResources(rdc);
        GenericKubernetesResource existing = ops.withName(name).get();
        if (existing == null) {
            spec.put("created", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
            GenericKubernetesResource r = new GenericKubernetesResource();
            r.setApiVersion(CatalogTypes.API_VERSION);
            r.setKind(rdc.getKind());
            ObjectMeta meta = new ObjectMeta();
            meta.setName(name);
            meta.setLabels(new LinkedHashMap<>(labels));
            meta.setOwnerReferences(List.of(owner));
            r.setMetadata(meta);
            r.setAdditionalProperty("spec", spec);
            return ops.resource(r).create();
        }
        Object created = CatalogTypes.map(existing, "spec").get("created");
        spec.put("created", created != null ? created : Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        Map<String, String> newLabels = new LinkedHashMap<>(existing.getMetadata().getLabels() == null ? Map.of()
                : existing.getMetadata().getLabels());
        newLabels.putAll(labels);
        boolean sameOwner = existing.getMetadata().getOwnerReferences() != null && existing.getMetadata().getOwnerReferences().size() == 1
                && Objects.equals(existing.getMetadata().getOwnerReferences().get(0).getUid(), owner.getUid());
        if (spec.equals(CatalogTypes.map(existing, "spec")) && newLabels.equals(existing.getMetadata().getLabels()) && sameOwner) {
            return existing;
        }
        existing.getMetadata().setLabels(newLabels);
        existing.getMetadata().setOwnerReferences(List.of(owner));
        existing.setAdditionalProperty("spec", spec);
        return ops.resource(existing).update();
    }

    private void upsertCategory(String name, Map<String, Object> spec) {
        var ops = client.genericKubernetesResources(CatalogTypes.CATEGORIES);
        GenericKubernetesResource existing = ops.withName(name).get();
        if (existing == null) {
            GenericKubernetesResource r = new GenericKubernetesResource();
            r.setApiVersion(CatalogTypes.API_VERSION);
            r.setKind("Category");
            ObjectMeta meta = new ObjectMeta();
            meta.setName(name);
            meta.setAnnotations(new LinkedHashMap<>(Map.of(CatalogTypes.COUNT, "0")));
            r.setMetadata(meta);
            r.setAdditionalProperty("spec", spec);
            ops.resource(r).create();
        } else if (!spec.equals(CatalogTypes.map(existing, "spec"))) {
            existing.setAdditionalProperty("spec", spec);
            ops.resource(existing).update();
        }
    }

    /** {@code kubesphere.io/count} on every Category: the Extensions labelled with it. */
    private void recount() {
        Map<String, Integer> counts = new TreeMap<>();
        for (GenericKubernetesResource e : client.genericKubernetesResources(CatalogTypes.EXTENSIONS).list().getItems()) {
            String c = CatalogTypes.label(e, CatalogTypes.CATEGORY);
            if (c != null) {
                counts.merge(c, 1, Integer::sum);
            }
        }
        var ops = client.genericKubernetesResources(CatalogTypes.CATEGORIES);
        for (GenericKubernetesResource c : ops.list().getItems()) {
            String want = String.valueOf(counts.getOrDefault(c.getMetadata().getName(), 0));
            Map<String, String> ann = c.getMetadata().getAnnotations() == null ? new LinkedHashMap<>()
                    : new LinkedHashMap<>(c.getMetadata().getAnnotations());
            if (!want.equals(ann.get(CatalogTypes.COUNT))) {
                ann.put(CatalogTypes.COUNT, want);
                c.getMetadata().setAnnotations(ann);
                try {
                    ops.resource(c).update();
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 409) {
                        throw e;
                    }
                    // another replica recounted in between; the next sync recounts again
                }
            }
        }
    }

    /** Merges fields into an object's status (keeping what the runtime wrote there, e.g. installedVersion). */
    private void mergeStatus(ResourceDefinitionContext rdc, String name, Map<String, Object> fields) {
        updateStatus(rdc, name, status -> {
            status.putAll(fields);
            status.values().removeIf(Objects::isNull);
            return status;
        });
    }

    /**
     * Reads the object, hands a copy of its status to {@code change}, and writes the result back
     * unless it is the same; a conflict (another writer in between) is retried on a fresh read, five
     * times at most. A missing object is left alone.
     */
    private void updateStatus(ResourceDefinitionContext rdc, String name, UnaryOperator<Map<String, Object>> change) {
        for (int attempt = 0; attempt < 5; attempt++) {
            var ops = client.genericKubernetesResources(rdc);
            GenericKubernetesResource fresh = ops.withName(name).get();
            if (fresh == null) {
                return;
            }
            Map<String, Object> before = CatalogTypes.map(fresh, "status");
            Map<String, Object> status = change.apply(new LinkedHashMap<>(before));
            if (status.equals(before)) {
                return;
            }
            fresh.setAdditionalProperty("status", status);
            try {
                ops.resource(fresh).updateStatus();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
        }
    }

    private void writeStatus(String name, Instant started, Instant requested, String synced, String reason, String message, Long extensionCount) {
        // when this sync began reading (RFC 3339 with milliseconds), so a sync that began before a
        // request never looks like its answer; the contract promises lastSyncTime >= the requested time
        Instant t = started.truncatedTo(ChronoUnit.MILLIS);
        if (requested != null && t.isBefore(requested)) {
            t = requested;
        }
        String time = t.toString();
        updateStatus(CatalogTypes.REPOSITORIES, name, status -> {
            status.put("lastSyncTime", time);
            if (extensionCount != null) {
                status.put("extensionCount", extensionCount);
            }
            String transition = time;
            if (status.get("conditions") instanceof List<?> l) {
                for (Object o : l) {
                    if (o instanceof Map<?, ?> c && "Synced".equals(c.get("type")) && synced.equals(c.get("status"))
                            && c.get("lastTransitionTime") instanceof String lt) {
                        transition = lt;
                    }
                }
            }
            Map<String, Object> condition = new LinkedHashMap<>();
            condition.put("type", "Synced");
            condition.put("status", synced);
            condition.put("reason", reason);
            condition.put("message", message == null ? "" : message);
            condition.put("lastTransitionTime", transition);
            status.put("conditions", List.of(condition));
            return status;
        });
    }

    /** A deleted Repository takes its Extensions and ExtensionVersions along (owner references do the same on a real cluster). */
    private void removeCatalogOf(String repoName) {
        try {
            for (ResourceDefinitionContext rdc : List.of(CatalogTypes.VERSIONS, CatalogTypes.EXTENSIONS)) {
                for (GenericKubernetesResource r : client.genericKubernetesResources(rdc).withLabel(CatalogTypes.REPOSITORY_REF, repoName)
                        .list().getItems()) {
                    delete(rdc, r.getMetadata().getName());
                }
            }
            recount();
            LOG.info("event=marketplace.repository.removed repository={}", repoName);
        } catch (KubernetesClientException e) {
            LOG.warn("event=marketplace.repository.remove.failed repository={} error=\"{}\"", repoName, e.getMessage());
        }
    }

    private void delete(ResourceDefinitionContext rdc, String name) {
        try {
            client.genericKubernetesResources(rdc).withName(name).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
        worker.shutdownNow();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
