package io.tessera.kernel.tenancy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.tessera.kernel.iam.api.IamTypes;
import io.tessera.kernel.iam.authz.RbacIndex;
import io.tessera.kernel.iam.roles.RoleAggregation;
import io.tessera.kernel.query.LabelSelector;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies IAM's BuiltinRoles of one scope into a workspace ({@code {ws}-{role}} WorkspaceRoles) or a
 * namespace ({@code admin|operator|viewer} Roles), as KubeSphere's workspacetemplate and namespace
 * controllers do. Existing copies are left alone (the aggregation controller keeps their rules),
 * and a 409 means another replica created the copy first. Shared by the workspace and project
 * controllers.
 *
 * <p>No API call when the copies exist: BuiltinRoles and RoleTemplates come from informers and
 * existing roles from IAM's RBAC index. A copy is created with its templates' rules already
 * aggregated (the aggregation controller's own rule), so it is written once, not created and then
 * rewritten by the aggregation controller.
 */
public final class BuiltinRoleCopies implements AutoCloseable {

    private final KubernetesClient client;
    private final RbacIndex index;
    private SharedIndexInformer<GenericKubernetesResource> builtins;
    private SharedIndexInformer<GenericKubernetesResource> templates;

    public BuiltinRoleCopies(KubernetesClient client, RbacIndex index) {
        this.client = client;
        this.index = index;
    }

    public BuiltinRoleCopies start() {
        builtins = client.genericKubernetesResources(IamTypes.BUILTIN_ROLES).inform();
        templates = client.genericKubernetesResources(IamTypes.ROLE_TEMPLATES).inform();
        return this;
    }

    public boolean synced() {
        return builtins != null && builtins.hasSynced() && templates.hasSynced();
    }

    /** Creates the missing copies; answers the names of the roles that should exist. */
    @SuppressWarnings("unchecked")
    public List<String> ensure(String scope, String workspace, String namespace, Map<String, String> targetLabels) {
        if (!synced() || !index.synced()) {
            // an empty cache would read as "no built-in roles" or "no copy yet": the reconcile is retried
            throw new IllegalStateException("built-in roles, role templates or the RBAC index not loaded yet");
        }
        List<String> names = new java.util.ArrayList<>();
        for (GenericKubernetesResource builtin : builtins.getStore().list()) {
            if (!scope.equals(IamTypes.label(builtin, IamTypes.LABEL_SCOPE))
                    || !selects(IamTypes.read(builtin, "targetSelector"), targetLabels)) {
                continue;
            }
            Map<String, Object> role = IamTypes.read(builtin, "role");
            Map<String, Object> meta = (Map<String, Object>) role.getOrDefault("metadata", Map.of());
            String base = String.valueOf(meta.get("name"));
            boolean ws = namespace.isEmpty();
            String name = ws ? workspace + "-" + base : base;
            names.add(name);
            ResourceDefinitionContext ctx = ws ? IamTypes.WORKSPACE_ROLES : IamTypes.ROLES;
            var op = client.genericKubernetesResources(ctx);
            if (index.hasRole(ctx.getKind(), ws ? null : namespace, name)) {
                continue; // when the index lags behind a copy just made, the create below answers 409
            }
            Map<String, String> labels = new HashMap<>((Map<String, String>) meta.getOrDefault("labels", Map.of()));
            labels.put(IamTypes.LABEL_SCOPE, scope);
            if (ws) {
                labels.put(IamTypes.LABEL_WORKSPACE, workspace);
            }
            labels.put("iam.kubesphere.io/role-template-source", builtin.getMetadata().getName());
            GenericKubernetesResource copy = new GenericKubernetesResource();
            copy.setApiVersion(IamTypes.API_VERSION);
            copy.setKind(ctx.getKind());
            copy.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ws ? null : namespace).withLabels(labels)
                    .withAnnotations(new HashMap<>((Map<String, String>) meta.getOrDefault("annotations", Map.of()))).build());
            for (var e : role.entrySet()) {
                if (!List.of("apiVersion", "kind", "metadata").contains(e.getKey())) {
                    copy.getAdditionalProperties().put(e.getKey(), deepCopy(e.getValue()));
                }
            }
            GenericKubernetesResource aggregated = RoleAggregation.aggregate(copy, templates.getStore().list());
            try {
                (ws ? op : op.inNamespace(namespace)).resource(aggregated == null ? copy : aggregated).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
        }
        return names;
    }

    @SuppressWarnings("unchecked")
    private static boolean selects(Map<String, Object> selector, Map<String, String> labels) {
        Map<String, String> match = (Map<String, String>) selector.getOrDefault("matchLabels", Map.of());
        StringBuilder sb = new StringBuilder();
        for (var e : match.entrySet()) {
            sb.append(sb.isEmpty() ? "" : ",").append(e.getKey()).append('=').append(e.getValue());
        }
        return LabelSelector.parse(sb.toString()).matches(labels == null ? Map.of() : labels);
    }

    @Override
    public void close() {
        if (builtins != null) {
            builtins.close();
            templates.close();
        }
    }

    @SuppressWarnings("unchecked")
    private static Object deepCopy(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), deepCopy(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            return new java.util.ArrayList<>(l.stream().map(BuiltinRoleCopies::deepCopy).toList());
        }
        return v;
    }
}
