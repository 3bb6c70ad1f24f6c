package io.tessera.kernel.iam.roles;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.tessera.kernel.iam.api.IamTypes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aggregates RoleTemplates into roles (reference §3.3): a role with a {@code roleSelector} takes
 * every template matching it plus {@code iam.kubesphere.io/scope=<role's scope>}; without one, the
 * listed {@code templateNames}. Template rules the role does not have yet are appended and
 * {@code templateNames} is rewritten to the matched set. A new or changed template re-aggregates
 * the roles marked {@code iam.kubesphere.io/auto-aggregate: "true"}. Idempotent (no write when
 * nothing changes), so several replicas may run it.
 */
public final class RoleAggregationController implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RoleAggregationController.class);
    static final Map<String, String> SCOPE_OF_KIND = Map.of("GlobalRole", "global", "WorkspaceRole", "workspace",
            "ClusterRole", "cluster", "Role", "namespace");
    private static final List<ResourceDefinitionContext> ROLE_KINDS =
            List.of(IamTypes.GLOBAL_ROLES, IamTypes.WORKSPACE_ROLES, IamTypes.CLUSTER_ROLES, IamTypes.ROLES);

    private final KubernetesClient client;
    private final List<SharedIndexInformer<GenericKubernetesResource>> roleInformers = new ArrayList<>();
    private SharedIndexInformer<GenericKubernetesResource> templates;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "iam-role-aggregation");
        t.setDaemon(true);
        return t;
    });

    public RoleAggregationController(KubernetesClient client) {
        this.client = client;
    }

    public void start() {
        templates = client.genericKubernetesResources(IamTypes.ROLE_TEMPLATES).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource t) {
                submit(() -> reaggregateAutoRoles(t));
            }

            @Override
            public void onUpdate(GenericKubernetesResource o, GenericKubernetesResource t) {
                submit(() -> reaggregateAutoRoles(t));
            }

            @Override
            public void onDelete(GenericKubernetesResource t, boolean unknown) {
            }
        });
        for (ResourceDefinitionContext ctx : ROLE_KINDS) {
            roleInformers.add(client.genericKubernetesResources(ctx).inAnyNamespace().inform(new ResourceEventHandler<>() {
                @Override
                public void onAdd(GenericKubernetesResource r) {
                    submit(() -> reconcile(ctx, r));
                }

                @Override
                public void onUpdate(GenericKubernetesResource o, GenericKubernetesResource r) {
                    submit(() -> reconcile(ctx, r));
                }

                @Override
                public void onDelete(GenericKubernetesResource r, boolean unknown) {
                }
            }));
        }
    }

    public boolean synced() {
        return templates != null && templates.hasSynced() && roleInformers.stream().allMatch(SharedIndexInformer::hasSynced);
    }

    private void submit(Runnable r) {
        worker.submit(() -> {
            try {
                r.run();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 && e.getCode() != 404) {
                    LOG.warn("event=aggregation-failed code={}", e.getCode());
                }
            } catch (RuntimeException e) {
                LOG.warn("event=aggregation-failed error={}", e.toString());
            }
        });
    }

    private void reaggregateAutoRoles(GenericKubernetesResource template) {
        String scope = IamTypes.label(template, IamTypes.LABEL_SCOPE);
        for (int i = 0; i < ROLE_KINDS.size(); i++) {
            ResourceDefinitionContext ctx = ROLE_KINDS.get(i);
            if (!scope.equals(SCOPE_OF_KIND.get(ctx.getKind()))) {
                continue;
            }
            for (GenericKubernetesResource role : roleInformers.get(i).getStore().list()) {
                if ("true".equals(IamTypes.annotation(role, IamTypes.ANN_AUTO_AGGREGATE))) {
                    reconcile(ctx, role);
                }
            }
        }
    }

    /** Computes and, when different, writes the aggregated role. */
    void reconcile(ResourceDefinitionContext ctx, GenericKubernetesResource role) {
        GenericKubernetesResource desired = aggregate(role, templates.getStore().list());
        if (desired == null) {
            return;
        }
        var op = client.genericKubernetesResources(ctx);
        (ctx.isNamespaceScoped() ? op.inNamespace(role.getMetadata().getNamespace()) : op).resource(desired).update();
        LOG.info("event=role-aggregated kind={} name={}", role.getKind(), role.getMetadata().getName());
    }

    /** @return the role with templates merged in, or null when it is already up to date */
    @SuppressWarnings("unchecked")
    static GenericKubernetesResource aggregate(GenericKubernetesResource role, List<GenericKubernetesResource> allTemplates) {
        Object aggRaw = role.getAdditionalProperties().get("aggregationRoleTemplates");
        if (!(aggRaw instanceof Map<?, ?> agg)) {
            return null;
        }
        String scope = SCOPE_OF_KIND.get(role.getKind());
        List<GenericKubernetesResource> chosen = new ArrayList<>();
        Object selectorRaw = agg.get("roleSelector");
        if (selectorRaw instanceof Map<?, ?> sel) {
            LabelSelector selector = toSelector((Map<String, Object>) sel);
            for (GenericKubernetesResource t : allTemplates) {
                Map<String, String> labels = t.getMetadata().getLabels() == null ? Map.of() : t.getMetadata().getLabels();
                if (Objects.equals(labels.get(IamTypes.LABEL_SCOPE), scope) && matches(selector, labels)) {
                    chosen.add(t);
                }
            }
        } else if (agg.get("templateNames") instanceof List<?> names) {
            for (GenericKubernetesResource t : allTemplates) {
                if (names.contains(t.getMetadata().getName())) {
                    chosen.add(t);
                }
            }
        }
        chosen.sort((a, b) -> a.getMetadata().getName().compareTo(b.getMetadata().getName()));
        List<Object> rules = role.getAdditionalProperties().get("rules") instanceof List<?> l ? new ArrayList<>(l) : new ArrayList<>();
        boolean changed = false;
        for (GenericKubernetesResource t : chosen) {
            Object spec = t.getAdditionalProperties().get("spec");
            if (spec instanceof Map<?, ?> s && s.get("rules") instanceof List<?> tr) {
                for (Object rule : tr) {
                    if (!rules.contains(rule)) {
                        rules.add(rule);
                        changed = true;
                    }
                }
            }
        }
        List<String> names = chosen.stream().map(t -> t.getMetadata().getName()).toList();
        Object currentNames = agg.get("templateNames");
        if (!(currentNames instanceof List<?> cn) || !new LinkedHashSet<>(cn).equals(new LinkedHashSet<>(names))) {
            changed = true;
        }
        if (!changed) {
            return null;
        }
        Map<String, Object> newAgg = new java.util.LinkedHashMap<>((Map<String, Object>) agg);
        newAgg.put("templateNames", names);
        role.getAdditionalProperties().put("aggregationRoleTemplates", newAgg);
        role.getAdditionalProperties().put("rules", rules);
        return role;
    }

    @SuppressWarnings("unchecked")
    private static LabelSelector toSelector(Map<String, Object> raw) {
        LabelSelector s = new LabelSelector();
        if (raw.get("matchLabels") instanceof Map<?, ?> ml) {
            ((Map<String, Object>) ml).forEach((k, v) -> s.getMatchLabels().put(k, v == null ? "" : String.valueOf(v)));
        }
        if (raw.get("matchExpressions") instanceof List<?> exprs) {
            for (Object e : exprs) {
                if (e instanceof Map<?, ?> m) {
                    List<String> values = m.get("values") instanceof List<?> v ? v.stream().map(String::valueOf).toList() : List.of();
                    s.getMatchExpressions().add(new LabelSelectorRequirement(String.valueOf(m.get("key")),
                            String.valueOf(m.get("operator")), values));
                }
            }
        }
        return s;
    }

    static boolean matches(LabelSelector s, Map<String, String> labels) {
        for (var e : s.getMatchLabels().entrySet()) {
            if (!Objects.equals(labels.get(e.getKey()), e.getValue())) {
                return false;
            }
        }
        for (LabelSelectorRequirement r : s.getMatchExpressions()) {
            String v = labels.get(r.getKey());
            Set<String> values = new LinkedHashSet<>(r.getValues());
            boolean ok = switch (r.getOperator()) {
                case "In" -> v != null && values.contains(v);
                case "NotIn" -> v == null || !values.contains(v);
                case "Exists" -> v != null;
                case "DoesNotExist" -> v == null;
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        roleInformers.forEach(SharedIndexInformer::close);
        if (templates != null) {
            templates.close();
        }
        worker.shutdownNow();
    }
}
