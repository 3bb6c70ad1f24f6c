package io.tessera.kernel.kube;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.slf4j.LoggerFactory;

/**
 * Applies CustomResourceDefinitions from classpath YAML, idempotently (create, or update what
 * exists), refusing any version without a structural schema.
 */
public final class CrdInstaller {

    private static final Logger LOG = LoggerFactory.getLogger(CrdInstaller.class);
    private static final java.time.Duration SERVED_TIMEOUT = java.time.Duration.ofSeconds(30);
    /** First re-check soon (most API servers serve within tens of ms), then back off to 200 ms. */
    private static final java.time.Duration SERVED_POLL_FIRST = java.time.Duration.ofMillis(10);
    private static final java.time.Duration SERVED_POLL = java.time.Duration.ofMillis(200);

    private static final String CRD_KIND = "CustomResourceDefinition";
    private static final String CRD_API_VERSION = "apiextensions.k8s.io/v1";

    private final KubernetesClient client;

    public CrdInstaller(KubernetesClient client) {
        this.client = client;
    }

    /** Reads every CRD in {@code resource} (one or more YAML documents) from {@code loader}. */
    public List<CustomResourceDefinition> read(ClassLoader loader, String resource) throws IOException {
        return parse(loader, resource);
    }

    /**
     * Like {@link #read}, without a client: the kernel reads its modules' CRDs while the
     * Kubernetes connection is still opening.
     */
    public static List<CustomResourceDefinition> parse(ClassLoader loader, String resource) throws IOException {
        String path = resource.startsWith("/") ? resource.substring(1) : resource;
        try (InputStream in = loader.getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException("CRD resource " + resource + " not found");
            }
            List<CustomResourceDefinition> crds = new ArrayList<>();
            // The YAML reader fabric8 uses (aliases resolved, empty documents skipped); each document is
            // checked for its kind and converted to the one class it may be. (Letting fabric8 tell the
            // class from apiVersion/kind makes it load every model class it has, about 470, on the
            // boot's main thread.)
            for (Object document : new Load(LoadSettings.builder().build()).loadAllFromInputStream(in)) {
                if (document == null) {
                    continue;
                }
                Object kind = document instanceof Map<?, ?> map ? map.get("kind") : null;
                Object apiVersion = document instanceof Map<?, ?> map ? map.get("apiVersion") : null;
                if (!CRD_KIND.equals(kind) || !CRD_API_VERSION.equals(apiVersion)) {
                    throw new IOException(resource + " holds a " + (kind == null ? "document without a kind" : kind + " " + apiVersion)
                            + ", not only CustomResourceDefinitions (" + CRD_API_VERSION + ")");
                }
                CustomResourceDefinition crd = Serialization.INSTANCE.convertValue(document, CustomResourceDefinition.class);
                validate(resource, crd);
                crds.add(crd);
            }
            return crds;
        } catch (RuntimeException e) {
            throw new IOException(resource + " is not valid YAML for Kubernetes objects: " + e.getMessage(), e);
        }
    }

    /** Created on first use: fabric8's serialization resolves every model class, which takes a moment. */
    private static final class Serialization {
        static final KubernetesSerialization INSTANCE = new KubernetesSerialization();
    }

    /**
     * Creates or updates each CRD, then waits until the API server serves its resources: a real
     * API server needs a moment after a CRD is created before its resources answer, and a module
     * that starts an informer on them right away would otherwise see 404s.
     */
    public void apply(List<CustomResourceDefinition> crds) {
        List<CustomResourceDefinition> pending = new ArrayList<>();
        for (CustomResourceDefinition crd : crds) {
            crd.getMetadata().setResourceVersion(null);
            CustomResourceDefinition applied = client.apiextensions().v1().customResourceDefinitions().resource(crd)
                    .createOr(NonDeletingOperation::update);
            LOG.info("event=crd.applied name={}", crd.getMetadata().getName());
            if (!established(applied)) {
                pending.add(crd);
            }
        }
        for (CustomResourceDefinition crd : pending) {
            awaitServed(crd);
        }
    }

    /**
     * Whether the API server reports the CRD's resources as served ({@code Established}, what
     * {@code kubectl wait --for=condition=Established} waits for). A new CRD usually is not yet in
     * the answer to its create, and is then polled; one updated, or created on an API server that
     * establishes at once, needs no further request.
     */
    static boolean established(CustomResourceDefinition crd) {
        return crd != null && crd.getStatus() != null && crd.getStatus().getConditions() != null
                && crd.getStatus().getConditions().stream()
                        .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private void awaitServed(CustomResourceDefinition crd) {
        CustomResourceDefinitionVersion version = crd.getSpec().getVersions().stream()
                .filter(v -> Boolean.TRUE.equals(v.getServed())).findFirst().orElse(null);
        if (version == null) {
            return;
        }
        ResourceDefinitionContext context = new ResourceDefinitionContext.Builder()
                .withGroup(crd.getSpec().getGroup())
                .withVersion(version.getName())
                .withPlural(crd.getSpec().getNames().getPlural())
                .withKind(crd.getSpec().getNames().getKind())
                .withNamespaced("Namespaced".equals(crd.getSpec().getScope()))
                .build();
        long deadline = System.nanoTime() + SERVED_TIMEOUT.toNanos();
        long pollMillis = SERVED_POLL_FIRST.toMillis();
        while (true) {
            try {
                var resources = client.genericKubernetesResources(context);
                ListOptions one = new ListOptionsBuilder().withLimit(1L).build();
                if (context.isNamespaceScoped()) {
                    resources.inAnyNamespace().list(one);
                } else {
                    resources.list(one);
                }
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404 || System.nanoTime() > deadline) {
                    throw new IllegalStateException("CRD " + crd.getMetadata().getName() + " is not served: " + e.getMessage(), e);
                }
            }
            try {
                Thread.sleep(pollMillis);
                pollMillis = Math.min(pollMillis * 2, SERVED_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for CRD " + crd.getMetadata().getName());
            }
        }
    }

    static void validate(String resource, CustomResourceDefinition crd) throws IOException {
        String name = crd.getMetadata() == null ? null : crd.getMetadata().getName();
        if (name == null || crd.getSpec() == null || crd.getSpec().getVersions() == null
                || crd.getSpec().getVersions().isEmpty()) {
            throw new IOException("CRD " + name + " in " + resource + " has no name or no versions");
        }
        for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
            var schema = version.getSchema() == null ? null : version.getSchema().getOpenAPIV3Schema();
            if (schema == null || !"object".equals(schema.getType())) {
                throw new IOException("CRD " + name + " version " + version.getName() + " in " + resource
                        + " has no structural schema (openAPIV3Schema with type: object)");
            }
        }
    }
}
