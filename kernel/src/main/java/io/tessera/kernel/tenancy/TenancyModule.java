package io.tessera.kernel.tenancy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.tessera.kernel.iam.authz.RbacAuthorizer;
import io.tessera.kernel.iam.api.IamTypes;
import io.tessera.kernel.kube.LeaderGate;
import io.tessera.kernel.spi.KernelContext;
import io.tessera.kernel.spi.KernelModule;
import io.tessera.kernel.tenancy.api.TenancyTypes;
import io.tessera.kernel.served.ServedResource;
import io.tessera.kernel.tenancy.clusters.HostCluster;
import io.tessera.kernel.tenancy.list.ResourcesResource;
import io.tessera.kernel.tenancy.departments.DepartmentController;
import io.tessera.kernel.tenancy.departments.Departments;
import io.tessera.kernel.tenancy.isolation.NetworkIsolationController;
import io.tessera.kernel.tenancy.members.MembersResource;
import io.tessera.kernel.tenancy.projects.ProjectController;
import io.tessera.kernel.tenancy.quotas.QuotaAdmission;
import io.tessera.kernel.tenancy.quotas.QuotaResource;
import io.tessera.kernel.tenancy.quotas.QuotaStatusController;
import io.tessera.kernel.tenancy.quotas.QuotaWebhookRegistration;
import io.tessera.kernel.tenancy.quotas.QuotaWebhookResource;
import io.tessera.kernel.tenancy.workspaces.TenantResource;
import io.tessera.kernel.tenancy.workspaces.WorkspaceController;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Multi-tenancy (issue 5): workspaces, projects, members, departments, quotas, network isolation.
 * Stateless like IAM: the Kubernetes objects are the state, informers the read path (every
 * replica); the controllers reconcile on the one replica that holds the Lease {@value #LEASE_NAME}.
 */
public final class TenancyModule implements KernelModule {

    private static final Logger LOG = LoggerFactory.getLogger(TenancyModule.class);

    /** The Lease in kubesphere-system whose holder runs the tenancy controllers. */
    public static final String LEASE_NAME = "tessera-tenancy-controllers";

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private volatile QuotaAdmission quotaAdmission;
    private volatile LeaderGate leaderGate;

    @Override
    public String name() {
        return "tenancy";
    }

    @Override
    public List<String> dependsOn() {
        return List.of("iam");
    }

    @Override
    public List<String> crdResources() {
        return TenancyTypes.CRDS;
    }

    @Override
    public void start(KernelContext context) {
        KubernetesClient client = context.kubernetes();
        String host = context.config().hostClusterName();
        RbacAuthorizer authorizer = context.lookup(RbacAuthorizer.class)
                .orElseThrow(() -> new IllegalStateException("tenancy needs IAM's RbacAuthorizer; the iam module did not provide it"));

        HostCluster cluster = keep(new HostCluster().start(client, host));
        Departments departments = keep(new Departments().start(client));
        List<Reconciler> reconcilers = new ArrayList<>();
        DepartmentController departmentController = keep(new DepartmentController(client, departments));
        departmentController.start();
        reconcilers.addAll(departmentController.reconcilers());
        Visibility visibility = new Visibility(authorizer, departments);

        BuiltinRoleCopies roleCopies = keep(new BuiltinRoleCopies(client, authorizer.index()).start());
        WorkspaceController workspaces = keep(new WorkspaceController(client, host, roleCopies, authorizer.index()));
        workspaces.start();
        reconcilers.add(workspaces.reconciler());
        ProjectController projects = keep(new ProjectController(client, workspaces.templates(), roleCopies));
        projects.start();
        reconcilers.add(projects.reconciler());

        NetworkIsolationController isolation = keep(new NetworkIsolationController(client, projects.namespaces(), workspaces.templates()));
        isolation.start();
        reconcilers.add(isolation.reconciler());

        SharedIndexInformer<GenericKubernetesResource> workspaceQuotas =
                keep(client.genericKubernetesResources(TenancyTypes.WORKSPACE_QUOTAS).inform());
        SharedIndexInformer<ResourceQuota> projectQuotas = keep(client.resourceQuotas().inAnyNamespace().inform());
        quotaAdmission = new QuotaAdmission(client, projects.namespaces(), workspaceQuotas, projectQuotas);
        reconcilers.add(keep(new QuotaStatusController(client, quotaAdmission, workspaceQuotas, projectQuotas)).reconciler());

        // informers (the read path) run on every replica; the controllers' writes on the leader only
        leaderGate = keep(new LeaderGate(client, IamTypes.SYSTEM_NAMESPACE, LEASE_NAME, LeaderGate.identity("tenancy"),
                context.config().leaderElection()));
        leaderGate.run(() -> reconcilers.forEach(Reconciler::activate), () -> reconcilers.forEach(Reconciler::deactivate));
        context.provide(io.tessera.kernel.spi.KubernetesWriteAdmission.class,
                new io.tessera.kernel.tenancy.quotas.ProxyQuotaAdmission(quotaAdmission));

        context.mountKapis(TenancyTypes.TENANT_GROUP, TenancyTypes.TENANT_VERSION,
                new TenantResource(client, visibility, workspaces.templates(), projects.namespaces(), cluster.informer()),
                new QuotaResource(client, visibility, quotaAdmission, workspaceQuotas, workspaces.templates()),
                new QuotaWebhookResource(quotaAdmission));
        QuotaWebhookRegistration.registerIfConfigured(client, context.config().quotaWebhook());
        context.mountKapis("iam.kubesphere.io", "v1beta1", new MembersResource(client));
        context.mountKapis("resources.kubesphere.io", "v1alpha3", new ResourcesResource(client));
        // the other tenancy kinds through the generic served-resource API (reference §5.2)
        context.mountKapis("quota.kubesphere.io", "v1alpha2",
                new ServedResource(client, "quota.kubesphere.io", "v1alpha2", Map.of("resourcequotas", TenancyTypes.WORKSPACE_QUOTAS)));
        context.mountKapis("cluster.kubesphere.io", "v1alpha1",
                new ServedResource(client, "cluster.kubesphere.io", "v1alpha1", Map.of("clusters", TenancyTypes.CLUSTERS)));
        context.addReadinessCheck("tenancy", () -> workspaces.synced() && projects.synced() && departments.synced() && roleCopies.synced()
                && workspaceQuotas.hasSynced() && projectQuotas.hasSynced());
        LOG.info("event=tenancy-started hostCluster={}", host);
    }

    /** Whether this replica runs the tenancy controllers now (holds the Lease {@value #LEASE_NAME}). */
    public boolean leading() {
        LeaderGate gate = leaderGate;
        return gate != null && gate.leading();
    }

    /**
     * The quota check for other ways in (the Kubernetes proxy, the admission webhook); null
     * before {@link #start}.
     */
    public QuotaAdmission quotaAdmission() {
        return quotaAdmission;
    }

    private <T extends AutoCloseable> T keep(T c) {
        closeables.add(c);
        return c;
    }

    private <T> SharedIndexInformer<T> keep(SharedIndexInformer<T> informer) {
        closeables.add(informer::close);
        return informer;
    }

    @Override
    public void stop() {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                LOG.warn("event=tenancy-stop-failed error={}", e.toString());
            }
        }
        closeables.clear();
        leaderGate = null;
    }

}
