package io.tessera.kernel.iam.roles;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import io.tessera.kernel.concurrent.DaemonThreads;
import io.tessera.kernel.iam.api.IamTypes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
    private static final List<ResourceDefinitionContext> ROLE_KINDS =
            List.of(IamTypes.GLOBAL_ROLES, IamTypes.WORKSPACE_ROLES, IamTypes.CLUSTER_ROLES, IamTypes.ROLES);

    private final KubernetesClient client;
    private final List<SharedIndexInformer<GenericKubernetesResource>> roleInformers = new ArrayList<>();
    private SharedIndexInformer<GenericKubernetesResource> templates;
    /** Scopes whose auto-aggregating roles wait for a re-aggregation on the worker. */
    private final Set<String> pendingScopes = ConcurrentHashMap.newKeySet();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(DaemonThreads.named("iam-role-aggregation"));

    public RoleAggregationController(KubernetesClient client) {
        this.client = client;
    }

    public void start() {
        // templates first, without handlers: role reconciles must see every template that exists
        templates = client.genericKubernetesResources(IamTypes.ROLE_TEMPLATES).inform();
        for (ResourceDefinitionContext ctx : ROLE_KINDS) {
            // the cache keeps each role's key and annotations only (which roles auto-aggregate): reconciles
            // read the role from its event, a template change re-reads the few auto-aggregating roles
            SharedIndexInformer<GenericKubernetesResource> roles = client.genericKubernetesResources(ctx).inAnyNamespace().runnableInformer(0);
            roles.itemStore(new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE, GenericKubernetesResource.class,
                    client.getKubernetesSerialization(), "metadata.annotations"));
            roleInformers.add(roles);
            roles.addEventHandler(new ResourceEventHandler<>() {
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
            });
            roles.run();
        }
        templates.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource t) {
                scheduleReaggregation(t);
            }

            @Override
            public void onUpdate(GenericKubernetesResource o, GenericKubernetesResource t) {
                scheduleReaggregation(t);
            }

            @Override
            public void onDelete(GenericKubernetesResource t, boolean unknown) {
            }
        });
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

    /**
     * Re-aggregates the auto-aggregating roles of the template's scope, once for a burst of
     * template events: the templates' first list (about 60 at boot) or an extension installing
     * its own would otherwise re-read every such role once per template. The scope is taken off
     * the pending set when the run begins, so a template changed during a run schedules another.
     */
    private void scheduleReaggregation(GenericKubernetesResource template) {
        String scope = IamTypes.label(template, IamTypes.LABEL_SCOPE);
        if (scope != null && pendingScopes.add(scope)) {
            submit(() -> {
                pendingScopes.remove(scope);
                reaggregateAutoRoles(scope);
            });
        }
    }

    private void reaggregateAutoRoles(String scope) {
        for (int i = 0; i < ROLE_KINDS.size(); i++) {
            ResourceDefinitionContext ctx = ROLE_KINDS.get(i);
            if (!scope.equals(RoleAggregation.SCOPE_OF_KIND.get(ctx.getKind()))) {
                continue;
            }
            var op = client.genericKubernetesResources(ctx);
            for (GenericKubernetesResource cached : roleInformers.get(i).getStore().list()) {
                if ("true".equals(IamTypes.annotation(cached, IamTypes.ANN_AUTO_AGGREGATE))) {
                    String ns = cached.getMetadata().getNamespace();
                    GenericKubernetesResource role = (ctx.isNamespaceScoped() ? op.inNamespace(ns) : op)
                            .withName(cached.getMetadata().getName()).get();
                    if (role != null) {
                        reconcile(ctx, role);
                    }
                }
            }
        }
    }

    /** Computes and, when different, writes the aggregated role. */
    void reconcile(ResourceDefinitionContext ctx, GenericKubernetesResource role) {
        GenericKubernetesResource desired = RoleAggregation.aggregate(role, templates.getStore().list());
        if (desired == null) {
            return;
        }
        var op = client.genericKubernetesResources(ctx);
        (ctx.isNamespaceScoped() ? op.inNamespace(role.getMetadata().getNamespace()) : op).resource(desired).update();
        LOG.info("event=role-aggregated kind={} name={}", role.getKind(), role.getMetadata().getName());
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
