package io.tessera.kernel.tenancy.api;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** The tenancy kinds (reference §4, §7.1) as fabric8 contexts, their labels, and the error shape. */
public final class TenancyTypes {

    public static final String TENANT_GROUP = "tenant.kubesphere.io";
    public static final String TENANT_VERSION = "v1beta1";

    public static final ResourceDefinitionContext WORKSPACE_TEMPLATES = cluster(TENANT_GROUP, TENANT_VERSION, "WorkspaceTemplate",
            "workspacetemplates");
    public static final ResourceDefinitionContext WORKSPACES = cluster(TENANT_GROUP, TENANT_VERSION, "Workspace", "workspaces");
    public static final ResourceDefinitionContext CLUSTERS = cluster("cluster.kubesphere.io", "v1alpha1", "Cluster", "clusters");
    public static final ResourceDefinitionContext WORKSPACE_QUOTAS = cluster("quota.kubesphere.io", "v1alpha2", "ResourceQuota",
            "resourcequotas");
    public static final ResourceDefinitionContext GROUPS = cluster("iam.kubesphere.io", "v1beta1", "Group", "groups");
    public static final ResourceDefinitionContext GROUP_BINDINGS = cluster("iam.kubesphere.io", "v1beta1", "GroupBinding",
            "groupbindings");

    public static final List<String> CRDS = List.of(
            "crds/tenancy/workspacetemplates.tenant.kubesphere.io.yaml",
            "crds/tenancy/workspaces.tenant.kubesphere.io.yaml",
            "crds/tenancy/clusters.cluster.kubesphere.io.yaml",
            "crds/tenancy/resourcequotas.quota.kubesphere.io.yaml",
            "crds/tenancy/groups.iam.kubesphere.io.yaml",
            "crds/tenancy/groupbindings.iam.kubesphere.io.yaml");

    public static final String LABEL_WORKSPACE = "kubesphere.io/workspace";
    public static final String LABEL_MANAGED = "kubesphere.io/managed";
    public static final String LABEL_HOST_CLUSTER = "cluster-role.kubesphere.io/host";
    public static final String LABEL_GROUP_REF = "iam.kubesphere.io/group-ref";
    public static final String ANN_CREATOR = "kubesphere.io/creator";
    public static final String ANN_DELETION_PROPAGATION = "kubesphere.io/deletion-propagation";
    public static final String ANN_NETWORK_ISOLATE = "kubesphere.io/network-isolate";
    public static final String FINALIZER = "kubesphere.io/cascading-deletion";

    private TenancyTypes() {
    }

    private static ResourceDefinitionContext cluster(String group, String version, String kind, String plural) {
        return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(kind).withPlural(plural)
                .withNamespaced(false).build();
    }

    /** A Kubernetes Status error response (every tenancy route answers errors this way). */
    public static Response status(int code, String reason, String message) {
        return Response.status(code).type(MediaType.APPLICATION_JSON).entity(new StatusBuilder().withApiVersion("v1").withKind("Status")
                .withStatus("Failure").withCode(code).withReason(reason).withMessage(message).build()).build();
    }

    public static Response notFound(String what, String name) {
        return status(404, "NotFound", what + " \"" + name + "\" not found");
    }

    public static Response badRequest(String message) {
        return status(400, "BadRequest", message);
    }

    public static Response forbidden(String message) {
        return status(403, "Forbidden", message);
    }

    /** The API server's own answer, passed on. */
    public static Response fromApi(KubernetesClientException e) {
        int code = e.getCode() > 0 ? e.getCode() : 500;
        String message = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : "request failed";
        String reason = e.getStatus() != null && e.getStatus().getReason() != null ? e.getStatus().getReason() : "InternalError";
        return status(code, reason, message);
    }

    public static String name(GenericKubernetesResource r) {
        return r.getMetadata().getName();
    }
}
