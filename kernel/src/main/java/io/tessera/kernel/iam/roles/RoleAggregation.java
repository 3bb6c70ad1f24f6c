package io.tessera.kernel.iam.roles;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.tessera.kernel.iam.api.IamTypes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** The aggregation rule of reference §3.3 as a pure function (the controller applies it). */
public final class RoleAggregation {

    public static final Map<String, String> SCOPE_OF_KIND = Map.of("GlobalRole", "global", "WorkspaceRole", "workspace",
            "ClusterRole", "cluster", "Role", "namespace");

    private static final com.fasterxml.jackson.databind.ObjectMapper COPIER = new com.fasterxml.jackson.databind.ObjectMapper();

    private RoleAggregation() {
    }

    /** @return the role with templates merged in, or null when it is already up to date */
    @SuppressWarnings("unchecked")
    public static GenericKubernetesResource aggregate(GenericKubernetesResource role, List<GenericKubernetesResource> allTemplates) {
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
        // a hash set, not rules.contains: every role event re-checks every template rule against every rule
        Set<Object> present = new java.util.HashSet<>(rules);
        boolean changed = false;
        for (GenericKubernetesResource t : chosen) {
            Object spec = t.getAdditionalProperties().get("spec");
            if (spec instanceof Map<?, ?> s && s.get("rules") instanceof List<?> tr) {
                for (Object rule : tr) {
                    if (present.add(rule)) {
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
        // a copy: the argument may be an informer's cached object, which must never change
        GenericKubernetesResource updated = COPIER.convertValue(role, GenericKubernetesResource.class);
        updated.getAdditionalProperties().put("aggregationRoleTemplates", newAgg);
        updated.getAdditionalProperties().put("rules", rules);
        return updated;
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

}
