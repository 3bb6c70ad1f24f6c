package io.tessera.kernel.extensions;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.tessera.extension.api.Extension;
import io.tessera.kernel.audit.AuditBus;
import io.tessera.kernel.concurrent.DaemonThreads;
import io.tessera.kernel.kube.CrdInstaller;
import io.tessera.kernel.osgi.FelixHost;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.osgi.framework.Bundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This replica's running extensions, one version each, in the kernel's Felix. A start puts the
 * new version beside the old one and only then stops the old one, so routes move over atomically
 * (the whiteboard prefers the newest registration) and a failed start leaves the old version
 * serving.
 */
final class ExtensionRuntime implements AutoCloseable {

    static final String ENTRY_HEADER = "Tessera-Extension";
    private static final Logger LOG = LoggerFactory.getLogger(ExtensionRuntime.class);

    /** One running extension version. */
    record Running(ExtensionPackage pkg, Bundle bundle, Extension extension, RuntimeContext context, String configHash) {
        String version() {
            return pkg.manifest().version();
        }
    }

    /** A start failed; the message is what the InstallPlan condition shows. */
    static final class StartFailedException extends Exception {
        StartFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final FelixHost osgi;
    private final KubernetesClient client;
    private final AuditBus audit;
    private final Path workDir;
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private final Runnable changed;
    private final ExecutorService preparer = Executors.newCachedThreadPool(DaemonThreads.named("extensions-prepare"));

    private final String replicaId;

    ExtensionRuntime(FelixHost osgi, KubernetesClient client, AuditBus audit, Path workDir, Runnable changed,
            String replicaId) {
        this.replicaId = replicaId;
        this.osgi = osgi;
        this.client = client;
        this.audit = audit;
        this.workDir = workDir;
        this.changed = changed;
    }

    Optional<Running> running(String name) {
        return Optional.ofNullable(running.get(name));
    }

    Map<String, Running> all() {
        return Map.copyOf(running);
    }

    /**
     * Starts {@code pkg} with {@code config}; on success the previous version (if any) is stopped
     * afterwards. On failure nothing of the new version remains and the old one keeps serving.
     */
    synchronized Running start(ExtensionPackage pkg, Map<String, Object> config, String configHash)
            throws StartFailedException {
        ExtensionManifest m = pkg.manifest();
        long begin = System.nanoTime();
        // CRDs (created and served), role templates and the Felix side (extract, install, resolve)
        // do not depend on each other: prepare all at once, the extension starts when all are done
        CompletableFuture<Void> crds = CompletableFuture.runAsync(() -> {
            try {
                applyCrds(pkg);
            } catch (StartFailedException e) {
                throw new CompletionException(e);
            }
        }, preparer);
        CompletableFuture<List<String>> roleTemplates = CompletableFuture.supplyAsync(() -> {
            try {
                return applyRoleTemplates(pkg);
            } catch (StartFailedException e) {
                throw new CompletionException(e);
            }
        }, preparer);
        // allOf completes only once both are done, also when one fails first
        CompletableFuture<List<String>> clusterSide = CompletableFuture.allOf(crds, roleTemplates).thenApply(v -> roleTemplates.join());
        List<String> templates;
        Bundle bundle = null;
        Path jar = null;
        try {
            List<Path> jars;
            try {
                jars = pkg.extractBundles(workDir);
            } catch (java.io.IOException e) {
                throw new StartFailedException("cannot read the bundles of " + pkg.file().getFileName() + ": " + e.getMessage(), e);
            }
            if (jars.size() != 1) {
                jars.forEach(ExtensionRuntime::deleteQuietly);
                throw new StartFailedException("extension " + m.name() + " must ship exactly one bundle, found " + jars.size(), null);
            }
            jar = jars.get(0);
            try {
                bundle = osgi.install(jar);
            } catch (Exception e) {
                throw new StartFailedException("bundle of " + m.name() + " " + m.version() + " does not resolve: " + e.getMessage(), e);
            }
            templates = await(clusterSide);
        } catch (StartFailedException e) {
            try {
                await(clusterSide); // nothing of this attempt may be written after it reported failure
            } catch (StartFailedException alsoFailed) {
                // the first failure is the one reported
            }
            if (bundle != null) {
                uninstallQuietly(bundle, jar);
            } else if (jar != null) {
                deleteQuietly(jar);
            }
            if (!running.containsKey(m.name())) {
                deleteRoleTemplates(m.name(), List.of());
            }
            throw e;
        }
        RuntimeContext context = null;
        Extension extension = null;
        try {
            String entry = bundle.getHeaders().get(ENTRY_HEADER);
            if (entry == null) {
                throw new StartFailedException("bundle " + bundle.getSymbolicName() + " has no " + ENTRY_HEADER + " header", null);
            }
            Object instance = bundle.loadClass(entry.trim()).getConstructor().newInstance();
            if (!(instance instanceof Extension e)) {
                throw new StartFailedException(entry + " does not implement " + Extension.class.getName(), null);
            }
            extension = e;
            context = new RuntimeContext(m, bundle.getBundleContext(), client, new ScopedKubeClient(client, m, audit), config,
                    replicaId);
            extension.start(context);
            // a version that is unhealthy from the start does not take over (an upgrade rolls back)
            if (context.hasHealthChecks()) {
                String failing = context.probe().stream().filter(r -> !r.healthy()).map(r -> r.name() + ": " + r.message())
                        .collect(java.util.stream.Collectors.joining("; "));
                if (!failing.isEmpty()) {
                    throw new StartFailedException("extension " + m.name() + " " + m.version() + " failed its health check: "
                            + failing, null);
                }
            }
        } catch (Throwable t) {
            // the extension's failure must not leave anything of it behind, nor reach the kernel
            if (context != null) {
                context.close();
            }
            uninstallQuietly(bundle, jar);
            if (!running.containsKey(m.name())) {
                deleteRoleTemplates(m.name(), List.of());
            }
            if (t instanceof StartFailedException s) {
                throw s;
            }
            Throwable cause = t instanceof java.lang.reflect.InvocationTargetException i && i.getCause() != null ? i.getCause() : t;
            String message = cause.getMessage() == null ? cause.getClass().getName() : cause.getMessage();
            LOG.warn("event=extension.start.failed name={} version={} error=\"{}\"", m.name(), m.version(), cause.toString());
            throw new StartFailedException("extension " + m.name() + " " + m.version() + " failed to start: " + message, cause);
        }
        Running now = new Running(pkg, bundle, extension, context, configHash);
        Running old = running.put(m.name(), now);
        if (old != null) {
            stop(old);
            // templates the new version no longer ships go away with the old version
            deleteRoleTemplates(m.name(), templates);
        }
        LOG.info("event=extension.started name={} version={} previous={} ms={}", m.name(), m.version(),
                old == null ? "" : old.version(), (System.nanoTime() - begin) / 1_000_000);
        context.startHealthChecks();
        changed.run();
        return now;
    }

    private static List<String> await(CompletableFuture<List<String>> f) throws StartFailedException {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof StartFailedException s) {
                throw s;
            }
            throw new StartFailedException("preparing the cluster failed: " + e.getCause(), e.getCause());
        }
    }

    synchronized void updateConfig(String name, Map<String, Object> config, String configHash) {
        Running r = running.get(name);
        if (r != null) {
            r.context().updateConfig(config);
            running.put(name, new Running(r.pkg(), r.bundle(), r.extension(), r.context(), configHash));
        }
    }

    synchronized boolean stop(String name) {
        Running r = running.remove(name);
        if (r == null) {
            return false;
        }
        stop(r);
        deleteRoleTemplates(name, List.of());
        changed.run();
        return true;
    }

    private void stop(Running r) {
        String name = r.pkg().manifest().name();
        try {
            r.extension().stop();
        } catch (Throwable t) {
            LOG.warn("event=extension.stop.failed name={} version={} error=\"{}\"", name, r.version(), t.toString());
        }
        r.context().close();
        uninstallQuietly(r.bundle(), null);
        LOG.info("event=extension.stopped name={} version={}", name, r.version());
    }

    private void applyCrds(ExtensionPackage pkg) throws StartFailedException {
        try {
            List<byte[]> docs = pkg.crds();
            if (docs.isEmpty()) {
                return;
            }
            Path tmp = Files.createTempDirectory(workDir, "crds");
            try {
                CrdInstaller installer = new CrdInstaller(client);
                for (int i = 0; i < docs.size(); i++) {
                    Path f = tmp.resolve("crd-" + i + ".yaml");
                    Files.write(f, docs.get(i));
                    try (var loader = new java.net.URLClassLoader(new java.net.URL[] {tmp.toUri().toURL()}, null)) {
                        installer.apply(installer.read(loader, f.getFileName().toString()));
                    }
                }
            } finally {
                try (var files = Files.list(tmp)) {
                    files.forEach(ExtensionRuntime::deleteQuietly);
                }
                deleteQuietly(tmp);
            }
        } catch (Exception e) {
            throw new StartFailedException("cannot apply the CRDs of " + pkg.manifest().name() + ": " + e.getMessage(), e);
        }
    }

    static final io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext ROLE_TEMPLATES =
            new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder().withGroup("iam.kubesphere.io")
                    .withVersion("v1beta1").withKind("RoleTemplate").withPlural("roletemplates").withNamespaced(false).build();

    /** Creates or replaces the package's RoleTemplates, labelled with the extension; returns their names. */
    private List<String> applyRoleTemplates(ExtensionPackage pkg) throws StartFailedException {
        String name = pkg.manifest().name();
        List<String> names = new java.util.ArrayList<>();
        try {
            for (byte[] doc : pkg.roleTemplates()) {
                for (var item : client.load(new ByteArrayInputStream(doc)).items()) {
                    if (!(item instanceof io.fabric8.kubernetes.api.model.GenericKubernetesResource r)
                            || !"RoleTemplate".equals(r.getKind())) {
                        throw new StartFailedException("roletemplates/ of " + name + " holds a " + item.getKind()
                                + ", only RoleTemplates belong there", null);
                    }
                    var labels = new java.util.LinkedHashMap<String, String>();
                    if (r.getMetadata().getLabels() != null) {
                        labels.putAll(r.getMetadata().getLabels());
                    }
                    labels.put(ExtensionTypes.EXTENSION_REF, name);
                    labels.put("iam.kubesphere.io/role-template", "true");
                    r.getMetadata().setLabels(labels);
                    ExtensionsModule.applyRoleTemplate(client, r);
                    names.add(r.getMetadata().getName());
                }
            }
        } catch (StartFailedException e) {
            throw e;
        } catch (Exception e) {
            throw new StartFailedException("cannot apply the role templates of " + name + ": " + e.getMessage(), e);
        }
        return names;
    }

    /** Deletes the extension's RoleTemplates except {@code keep}. */
    private void deleteRoleTemplates(String name, List<String> keep) {
        try {
            var ops = client.genericKubernetesResources(ROLE_TEMPLATES);
            for (var r : ops.withLabel(ExtensionTypes.EXTENSION_REF, name).list().getItems()) {
                if (!keep.contains(r.getMetadata().getName())) {
                    ops.withName(r.getMetadata().getName()).delete();
                }
            }
        } catch (Exception e) {
            LOG.warn("event=extension.roletemplates.delete.failed name={} error=\"{}\"", name, e.toString());
        }
    }

    /** Deletes the CRDs a package ships (and with them every object of those kinds). */
    void purgeCrds(ExtensionPackage pkg) {
        try {
            for (byte[] doc : pkg.crds()) {
                for (var item : client.load(new ByteArrayInputStream(doc)).items()) {
                    client.apiextensions().v1().customResourceDefinitions().withName(item.getMetadata().getName()).delete();
                    LOG.info("event=extension.crd.purged name={} crd={}", pkg.manifest().name(), item.getMetadata().getName());
                }
            }
        } catch (Exception e) {
            LOG.warn("event=extension.crd.purge.failed name={} error=\"{}\"", pkg.manifest().name(), e.toString());
        }
    }

    private void uninstallQuietly(Bundle bundle, Path jar) {
        String location = bundle.getLocation();
        try {
            osgi.uninstall(bundle);
        } catch (Exception e) {
            LOG.warn("event=extension.bundle.uninstall.failed bundle={} error=\"{}\"", bundle.getSymbolicName(), e.toString());
        }
        if (jar != null) {
            deleteQuietly(jar);
        } else if (location.startsWith("file:")) {
            deleteQuietly(Path.of(java.net.URI.create(location)));
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (java.io.IOException ignored) {
            // a leftover temp file in the data dir is harmless; the dir is cleaned at start
        }
    }

    @Override
    public synchronized void close() {
        preparer.shutdownNow();
        for (String name : List.copyOf(running.keySet())) {
            Running r = running.remove(name);
            if (r != null) {
                stop(r);
            }
        }
    }
}
