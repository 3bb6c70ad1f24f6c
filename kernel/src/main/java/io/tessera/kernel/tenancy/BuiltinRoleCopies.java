package io.tessera.kernel.tenancy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.tessera.kernel.iam.api.IamTypes;
import io.tessera.kernel.query.LabelSelector;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies IAM's BuiltinRoles of one scope into a workspace ({@code {ws}-{role}} WorkspaceRoles) or a
 * namespace ({@code admin|operator|viewer} Roles), as KubeSphere's workspacetemplate and namespace
 * controllers do. Existing copies are left alone (the aggregation controller fills their rules),
 * and a 409 means another replica created the copy first. Shared by the workspace and project
 * controllers.
 */
public final class BuiltinRoleCopies {

    private final KubernetesClient client;

    public BuiltinRoleCopies(KubernetesClient client) {
        this.client = client;
    }

    /** Creates the missing copies; answers the names of the roles that should exist. */
    @SuppressWarnings("unchecked")
    public List<String> ensure(String scope, String workspace, String namespace, Map<String, String> targetLabels) {
        List<GenericKubernetesResource> builtins = client.genericKubernetesResources(IamTypes.BUILTIN_ROLES)
                .withLabel(IamTypes.LABEL_SCOPE, scope).list().getItems();
        List<String> names = new java.util.ArrayList<>();
        for (GenericKubernetesResource builtin : builtins) {
            if (!selects(IamTypes.read(builtin, "targetSelector"), targetLabels)) {
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
            var named = ws ? op.withName(name) : op.inNamespace(namespace).withName(name);
            if (named.get() != null) {
                continue;
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
            try {
                (ws ? op : op.inNamespace(namespace)).resource(copy).create();
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
