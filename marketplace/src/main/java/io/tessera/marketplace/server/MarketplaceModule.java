package io.tessera.marketplace.server;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.tessera.kernel.health.BuildInfo;
import io.tessera.kernel.iam.api.IamTypes;
import io.tessera.kernel.kube.LeaderGate;
import io.tessera.kernel.spi.KernelContext;
import io.tessera.kernel.spi.KernelModule;
import io.tessera.marketplace.kernel.SignatureTrust;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The marketplace on the server: the Repository CRD and its controller (which materialises the
 * catalog), the Repository {@code builtin} for the distribution's repository folder (the kernel is
 * ready only once it has been synced), and the catalog API under {@code /kapis/package.kubesphere.io/v1alpha1}.
 * The replica that holds the Lease {@value #LEASE_NAME} syncs and mirrors InstallPlans into their
 * Extension's status; every replica serves the catalog
 * and prunes its own package cache after each sync.
 */
public final class MarketplaceModule implements KernelModule {

    public static final String API_GROUP = "package.kubesphere.io";
    /** The Lease in kubesphere-system whose holder syncs the Repositories. */
    public static final String LEASE_NAME = "tessera-marketplace";
    private static final Logger LOG = LoggerFactory.getLogger(MarketplaceModule.class);

    private RepositoryController controller;
    private ExtensionStatusMirror mirror;
    private LeaderGate leaderGate;

    @Override
    public String name() {
        return "marketplace";
    }

    @Override
    public List<String> dependsOn() {
        return List.of("iam", "extensions");
    }

    @Override
    public List<String> crdResources() {
        return List.of("crds/marketplace/repositories.kubesphere.io.yaml");
    }

    @Override
    public void start(KernelContext context) throws Exception {
        KubernetesClient client = context.kubernetes();
        SignatureTrust trust = (SignatureTrust) new SignatureTrust.Factory().create(context);
        RepositoryPackages packages = (RepositoryPackages) new RepositoryPackages.Factory().create(context);
        String kernelVersion = BuildInfo.load().version();
        controller = new RepositoryController(client, trust, context.config().extensions().repositorySyncInterval(), kernelVersion,
                packages::prune);
        Path builtin = context.config().extensions().repositoryDir();
        if (builtin != null) {
            ensureBuiltin(client, builtin);
            RepositoryController c = controller;
            // the leader syncs; the other replicas are ready once its first sync shows in the status
            context.addReadinessCheck("marketplace-builtin-repository", () -> c.attempted(CatalogTypes.BUILTIN));
        }
        controller.start();
        ExtensionStatusMirror m = mirror = new ExtensionStatusMirror(client);
        m.start();
        RepositoryController c = controller;
        leaderGate = new LeaderGate(client, IamTypes.SYSTEM_NAMESPACE, LEASE_NAME, LeaderGate.identity("marketplace"),
                context.config().leaderElection()).run(() -> {
                    c.lead();
                    m.lead();
                }, () -> {
                    c.follow();
                    m.follow();
                });
        context.mountKapis(API_GROUP, "v1alpha1", new CatalogApi(client, packages, trust));
        LOG.info("event=marketplace.started builtin={}", builtin);
    }

    /** Creates the Repository {@code builtin} (or points it at this distribution's folder). */
    static void ensureBuiltin(KubernetesClient client, Path dir) {
        String url = dir.toAbsolutePath().normalize().toUri().toString();
        var ops = client.genericKubernetesResources(CatalogTypes.REPOSITORIES);
        GenericKubernetesResource existing = ops.withName(CatalogTypes.BUILTIN).get();
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("url", url);
        spec.put("description", "The extensions shipped with this Tessera distribution");
        if (existing == null) {
            GenericKubernetesResource r = new GenericKubernetesResource();
            r.setApiVersion(CatalogTypes.API_VERSION);
            r.setKind("Repository");
            ObjectMeta meta = new ObjectMeta();
            meta.setName(CatalogTypes.BUILTIN);
            r.setMetadata(meta);
            r.setAdditionalProperty("spec", spec);
            try {
                ops.resource(r).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                // another replica created it first
            }
        } else if (!url.equals(CatalogTypes.map(existing, "spec").get("url"))) {
            Map<String, Object> merged = new LinkedHashMap<>(CatalogTypes.map(existing, "spec"));
            merged.put("url", url);
            existing.setAdditionalProperty("spec", merged);
            ops.resource(existing).update();
        }
    }

    @Override
    public void stop() {
        if (leaderGate != null) {
            leaderGate.close();
        }
        if (mirror != null) {
            mirror.close();
        }
        if (controller != null) {
            controller.close();
        }
    }
}
