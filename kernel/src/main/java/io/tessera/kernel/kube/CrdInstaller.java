package io.tessera.kernel.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies CustomResourceDefinitions from classpath YAML, idempotently (create, or update what
 * exists), refusing any version without a structural schema. A CRD stays a generic object all the
 * way: the kernel only reads a few of its fields, and fabric8's typed CRD model (its schema
 * classes nest deeply) cost a boot more to read and write than the rest of the CRDs' handling.
 */
public final class CrdInstaller {

    private static final Logger LOG = LoggerFactory.getLogger(CrdInstaller.class);
    private static final java.time.Duration SERVED_TIMEOUT = java.time.Duration.ofSeconds(30);
    /** First re-check soon (most API servers serve within tens of ms), then back off to 200 ms. */
    private static final java.time.Duration SERVED_POLL_FIRST = java.time.Duration.ofMillis(10);
    private static final java.time.Duration SERVED_POLL = java.time.Duration.ofMillis(200);

    private static final String CRD_KIND = "CustomResourceDefinition";
    private static final String CRD_API_VERSION = "apiextensions.k8s.io/v1";
    private static final ResourceDefinitionContext CRDS = new ResourceDefinitionContext.Builder()
            .withGroup("apiextensions.k8s.io").withVersion("v1").withPlural("customresourcedefinitions").withKind(CRD_KIND)
            .withNamespaced(false).build();

    private final KubernetesClient client;

    public CrdInstaller(KubernetesClient client) {
        this.client = client;
    }

    /** Reads every CRD in {@code resource} (one or more YAML documents) from {@code loader}. */
    public List<GenericKubernetesResource> read(ClassLoader loader, String resource) throws IOException {
        return parse(client.getKubernetesSerialization(), loader, resource);
    }

    /**
     * Like {@link #read}, without a client: the kernel reads its modules' CRDs while the
     * Kubernetes connection is still opening, with the serialization the client then gets.
     */
    public static List<GenericKubernetesResource> parse(KubernetesSerialization serialization, ClassLoader loader, String resource)
            throws IOException {
        String path = resource.startsWith("/") ? resource.substring(1) : resource;
        List<Object> documents;
        try {
            documents = YamlDocuments.read(loader, path);
        } catch (FileNotFoundException e) {
            throw new IOException("CRD resource " + resource + " not found", e);
        } catch (IOException e) {
            throw new IOException(resource + " is not valid YAML for Kubernetes objects: " + e.getMessage(), e);
        }
        List<GenericKubernetesResource> crds = new ArrayList<>();
        for (Object document : documents) {
            Object kind = document instanceof Map<?, ?> map ? map.get("kind") : null;
            Object apiVersion = document instanceof Map<?, ?> map ? map.get("apiVersion") : null;
            if (!CRD_KIND.equals(kind) || !CRD_API_VERSION.equals(apiVersion)) {
                throw new IOException(resource + " holds a " + (kind == null ? "document without a kind" : kind + " " + apiVersion)
                        + ", not only CustomResourceDefinitions (" + CRD_API_VERSION + ")");
            }
            GenericKubernetesResource crd;
            try {
                crd = serialization.convertValue(document, GenericKubernetesResource.class);
            } catch (RuntimeException e) {
                throw new IOException(resource + " is not valid YAML for Kubernetes objects: " + e.getMessage(), e);
            }
            validate(resource, crd);
            crds.add(crd);
        }
        return crds;
    }

    /**
     * Creates or updates each CRD, then waits until the API server serves its resources: a real
     * API server needs a moment after a CRD is created before its resources answer, and a module
     * that starts an informer on them right away would otherwise see 404s.
     */
    public void apply(List<GenericKubernetesResource> crds) {
        List<GenericKubernetesResource> pending = new ArrayList<>();
        for (GenericKubernetesResource crd : crds) {
            crd.getMetadata().setResourceVersion(null);
            GenericKubernetesResource applied = client.genericKubernetesResources(CRDS).resource(crd)
                    .createOr(NonDeletingOperation::update);
            LOG.info("event=crd.applied name={}", crd.getMetadata().getName());
            if (!established(applied)) {
                pending.add(crd);
            }
        }
        for (GenericKubernetesResource crd : pending) {
            awaitServed(crd);
        }
    }

    /**
     * Whether the API server reports the CRD's resources as served ({@code Established}, what
     * {@code kubectl wait --for=condition=Established} waits for). A new CRD usually is not yet in
     * the answer to its create, and is then polled; one updated, or created on an API server that
     * establishes at once, needs no further request.
     */
    static boolean established(GenericKubernetesResource crd) {
        if (crd == null) {
            return false;
        }
        return list(field(crd.getAdditionalProperties().get("status"), "conditions")).stream()
                .anyMatch(c -> "Established".equals(field(c, "type")) && "True".equals(field(c, "status")));
    }

    private void awaitServed(GenericKubernetesResource crd) {
        Object spec = crd.getAdditionalProperties().get("spec");
        Object served = list(field(spec, "versions")).stream().filter(v -> Boolean.TRUE.equals(field(v, "served")))
                .findFirst().orElse(null);
        if (served == null) {
            return;
        }
        Object names = field(spec, "names");
        ResourceDefinitionContext context = new ResourceDefinitionContext.Builder()
                .withGroup((String) field(spec, "group"))
                .withVersion((String) field(served, "name"))
                .withPlural((String) field(names, "plural"))
                .withKind((String) field(names, "kind"))
                .withNamespaced("Namespaced".equals(field(spec, "scope")))
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

    static void validate(String resource, GenericKubernetesResource crd) throws IOException {
        String name = crd.getMetadata() == null ? null : crd.getMetadata().getName();
        List<?> versions = list(field(crd.getAdditionalProperties().get("spec"), "versions"));
        if (name == null || versions.isEmpty()) {
            throw new IOException("CRD " + name + " in " + resource + " has no name or no versions");
        }
        for (Object version : versions) {
            if (!"object".equals(field(field(field(version, "schema"), "openAPIV3Schema"), "type"))) {
                throw new IOException("CRD " + name + " version " + field(version, "name") + " in " + resource
                        + " has no structural schema (openAPIV3Schema with type: object)");
            }
        }
    }

    /** {@code object}'s field {@code name} when it is a map, else null. */
    private static Object field(Object object, String name) {
        return object instanceof Map<?, ?> map ? map.get(name) : null;
    }

    private static List<?> list(Object value) {
        return value instanceof List<?> list ? list : List.of();
    }
}
