package io.tessera.kernel.tenancy.members;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.tessera.kernel.iam.api.IamTypes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * KubeSphere's member binding semantics (reference §3.2, {@code am.CreateOrUpdate*RoleBinding}):
 * one binding per user per scope, named {@code {user}-{role}}, labelled
 * {@code iam.kubesphere.io/user-ref} and {@code iam.kubesphere.io/role-ref} (and
 * {@code kubesphere.io/workspace} at workspace scope). Binding a user to a role they already have
 * changes nothing; binding to another role replaces their bindings at that scope.
 */
public final class MemberBindings {

    /** Where a member binding lives. */
    public enum Scope {
        WORKSPACE(IamTypes.WORKSPACE_ROLE_BINDINGS, "WorkspaceRole"),
        NAMESPACE(IamTypes.ROLE_BINDINGS, "Role"),
        CLUSTER(IamTypes.CLUSTER_ROLE_BINDINGS, "ClusterRole");

        final ResourceDefinitionContext bindings;
        final String roleKind;

        Scope(ResourceDefinitionContext bindings, String roleKind) {
            this.bindings = bindings;
            this.roleKind = roleKind;
        }
    }

    private final KubernetesClient client;

    public MemberBindings(KubernetesClient client) {
        this.client = client;
    }

    /** The user's bindings at a scope (workspace: label-filtered; namespace: in that namespace). */
    public List<GenericKubernetesResource> of(Scope scope, String where, String user) {
        var op = client.genericKubernetesResources(scope.bindings);
        // a workspace's bindings carry its label: select on it too, not every workspace's binding of the user
        var listed = switch (scope) {
            case NAMESPACE -> op.inNamespace(where).withLabel(IamTypes.LABEL_USER_REF, user).list();
            case WORKSPACE -> op.withLabel(IamTypes.LABEL_USER_REF, user).withLabel(IamTypes.LABEL_WORKSPACE, where).list();
            case CLUSTER -> op.withLabel(IamTypes.LABEL_USER_REF, user).list();
        };
        List<GenericKubernetesResource> out = new ArrayList<>();
        for (GenericKubernetesResource b : listed.getItems()) {
            if (scope != Scope.WORKSPACE || where.equals(IamTypes.label(b, IamTypes.LABEL_WORKSPACE))) {
                out.add(b);
            }
        }
        return out;
    }

    /** Every binding at a scope (for member lists). */
    public List<GenericKubernetesResource> all(Scope scope, String where) {
        var op = client.genericKubernetesResources(scope.bindings);
        return switch (scope) {
            case NAMESPACE -> op.inNamespace(where).withLabel(IamTypes.LABEL_USER_REF).list().getItems();
            case WORKSPACE -> op.withLabel(IamTypes.LABEL_WORKSPACE, where).withLabel(IamTypes.LABEL_USER_REF).list().getItems();
            case CLUSTER -> op.withLabel(IamTypes.LABEL_USER_REF).list().getItems();
        };
    }

    /** Binds the user to the role at the scope, replacing other bindings of theirs there. */
    public void bind(Scope scope, String where, String user, String role) {
        List<GenericKubernetesResource> existing = of(scope, where, user);
        boolean has = existing.stream().anyMatch(b -> role.equals(IamTypes.str(b, "roleRef", "name")));
        if (has) {
            return;
        }
        for (GenericKubernetesResource b : existing) {
            delete(scope, where, b.getMetadata().getName());
        }
        Map<String, String> labels = new HashMap<>();
        labels.put(IamTypes.LABEL_USER_REF, user);
        labels.put(IamTypes.LABEL_ROLE_REF, role);
        if (scope == Scope.WORKSPACE) {
            labels.put(IamTypes.LABEL_WORKSPACE, where);
        }
        GenericKubernetesResource b = new GenericKubernetesResource();
        b.setApiVersion(IamTypes.API_VERSION);
        b.setKind(scope.bindings.getKind());
        b.setMetadata(new ObjectMetaBuilder().withName(user + "-" + role).withNamespace(scope == Scope.NAMESPACE ? where : null)
                .withLabels(labels).build());
        List<Map<String, Object>> subjects = new ArrayList<>();
        subjects.add(subject("User", "rbac.authorization.k8s.io", user, null));
        if (scope != Scope.WORKSPACE) {
            // the user's kubeconfig service account, as KubeSphere binds it
            subjects.add(subject("ServiceAccount", "", "kubesphere.users." + user, IamTypes.SYSTEM_NAMESPACE));
        }
        b.getAdditionalProperties().put("subjects", subjects);
        Map<String, Object> roleRef = new LinkedHashMap<>();
        roleRef.put("apiGroup", IamTypes.GROUP);
        roleRef.put("kind", scope.roleKind);
        roleRef.put("name", role);
        b.getAdditionalProperties().put("roleRef", roleRef);
        var op = client.genericKubernetesResources(scope.bindings);
        try {
            (scope == Scope.NAMESPACE ? op.inNamespace(where) : op).resource(b).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    /** Removes every binding of the user at the scope; answers whether there was one. */
    public boolean unbind(Scope scope, String where, String user) {
        List<GenericKubernetesResource> existing = of(scope, where, user);
        for (GenericKubernetesResource b : existing) {
            delete(scope, where, b.getMetadata().getName());
        }
        return !existing.isEmpty();
    }

    private void delete(Scope scope, String where, String name) {
        var op = client.genericKubernetesResources(scope.bindings);
        (scope == Scope.NAMESPACE ? op.inNamespace(where) : op).withName(name).delete();
    }

    private static Map<String, Object> subject(String kind, String apiGroup, String name, String namespace) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("kind", kind);
        s.put("apiGroup", apiGroup);
        s.put("name", name);
        if (namespace != null) {
            s.put("namespace", namespace);
        }
        return s;
    }
}
