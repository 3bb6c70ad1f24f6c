package io.tessera.kernel.tenancy.quotas;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tessera.kernel.tenancy.api.TenancyTypes;
import io.tessera.kernel.tenancy.projects.ProjectController;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The workspace quota check (reference §4.3, issue 5 §4), reusable by every way in: the tenancy
 * kapis, the Kubernetes API proxy ({@code /api}, {@code /apis}) and the validating admission
 * webhook. {@link #admit} takes the operation and the object as the API server would see it and
 * answers whether a workspace quota forbids it.
 *
 * <ul>
 *   <li>A project {@code ResourceQuota} (core v1) may not make the sum of its workspace's project
 *   quotas exceed the workspace quota, resource by resource.</li>
 *   <li>A Pod (or a workload: its pod template × replicas) may not make the requests/limits of the
 *   workspace's pods exceed the workspace quota's {@code requests.*}/{@code limits.*}/{@code pods}.</li>
 * </ul>
 * Reads come from informer caches (namespaces, workspace quotas, project quotas) except the pods of
 * the workspace, which are listed per check.
 */
public final class QuotaAdmission {

    /** The answer: allowed, or refused with a message that names the workspace quota. */
    public record Decision(boolean allowed, String message) {
        static final Decision ALLOW = new Decision(true, "");
    }

    private static final Set<String> WORKLOADS = Set.of("Deployment", "StatefulSet", "ReplicaSet", "DaemonSet", "Job",
            "ReplicationController");

    private final KubernetesClient client;
    private final SharedIndexInformer<Namespace> namespaces;
    private final SharedIndexInformer<GenericKubernetesResource> workspaceQuotas;
    private final SharedIndexInformer<ResourceQuota> projectQuotas;

    public QuotaAdmission(KubernetesClient client, SharedIndexInformer<Namespace> namespaces,
                          SharedIndexInformer<GenericKubernetesResource> workspaceQuotas,
                          SharedIndexInformer<ResourceQuota> projectQuotas) {
        this.client = client;
        this.namespaces = namespaces;
        this.workspaceQuotas = workspaceQuotas;
        this.projectQuotas = projectQuotas;
    }

    /**
     * @param operation {@code CREATE} or {@code UPDATE} (others are always allowed)
     * @param object    the object as JSON-shaped map (kind, metadata, spec, …)
     */
    public Decision admit(String operation, Map<String, Object> object) {
        if (!"CREATE".equals(operation) && !"UPDATE".equals(operation) || object == null) {
            return Decision.ALLOW;
        }
        String kind = String.valueOf(object.getOrDefault("kind", ""));
        String namespace = namespaceOf(object);
        String ws = workspaceOf(namespace);
        if (ws.isEmpty()) {
            return Decision.ALLOW;
        }
        if ("ResourceQuota".equals(kind) && String.valueOf(object.getOrDefault("apiVersion", "v1")).equals("v1")) {
            ResourceQuota rq = Serialization.unmarshal(Serialization.asJson(object), ResourceQuota.class);
            return admitProjectQuota(ws, namespace, rq);
        }
        if ("Pod".equals(kind)) {
            Pod pod = Serialization.unmarshal(Serialization.asJson(object), Pod.class);
            return admitPods(ws, namespace, pod.getMetadata().getName(), pod.getSpec(), 1);
        }
        if (WORKLOADS.contains(kind)) {
            GenericKubernetesResource w = Serialization.unmarshal(Serialization.asJson(object), GenericKubernetesResource.class);
            Object template = path(object, "spec", "template", "spec");
            if (template == null) {
                return Decision.ALLOW;
            }
            PodSpec spec = Serialization.unmarshal(Serialization.asJson(template), PodSpec.class);
            Object replicas = path(object, "spec", "replicas");
            int n = replicas instanceof Number num ? num.intValue() : 1;
            return admitPods(ws, namespace, "", spec, Math.max(n, 0));
        }
        return Decision.ALLOW;
    }

    /** The project-quota rule alone (the tenancy kapis call it before writing). */
    public Decision admitProjectQuota(String ws, String namespace, ResourceQuota rq) {
        Map<String, Quantity> requested = rq.getSpec() == null || rq.getSpec().getHard() == null ? Map.of() : rq.getSpec().getHard();
        String self = namespace + "/" + rq.getMetadata().getName();
        for (GenericKubernetesResource wq : quotasOf(ws)) {
            Map<String, BigDecimal> hard = hard(wq);
            Map<String, BigDecimal> used = allocated(ws, self);
            for (var e : requested.entrySet()) {
                BigDecimal limit = hard.get(e.getKey());
                if (limit == null) {
                    continue;
                }
                BigDecimal want = e.getValue().getNumericalAmount();
                BigDecimal alreadyUsed = used.getOrDefault(e.getKey(), BigDecimal.ZERO);
                if (alreadyUsed.add(want).compareTo(limit) > 0) {
                    return deny(wq, ws, e.getKey(), want, alreadyUsed, limit);
                }
            }
        }
        return Decision.ALLOW;
    }

    private Decision admitPods(String ws, String namespace, String podName, PodSpec spec, int copies) {
        List<GenericKubernetesResource> quotas = quotasOf(ws);
        if (quotas.isEmpty() || spec == null) {
            return Decision.ALLOW;
        }
        Map<String, BigDecimal> want = podUsage(spec);
        want.replaceAll((k, v) -> v.multiply(BigDecimal.valueOf(copies)));
        want.put("pods", BigDecimal.valueOf(copies));
        want.put("count/pods", BigDecimal.valueOf(copies));
        Map<String, BigDecimal> used = new HashMap<>();
        for (String ns : namespacesOf(ws)) {
            for (Pod p : client.pods().inNamespace(ns).list().getItems()) {
                if (ns.equals(namespace) && p.getMetadata().getName().equals(podName)) {
                    continue; // an update replaces the pod's own usage
                }
                String phase = p.getStatus() == null ? "" : String.valueOf(p.getStatus().getPhase());
                if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
                    continue;
                }
                podUsage(p.getSpec()).forEach((k, v) -> used.merge(k, v, BigDecimal::add));
                used.merge("pods", BigDecimal.ONE, BigDecimal::add);
                used.merge("count/pods", BigDecimal.ONE, BigDecimal::add);
            }
        }
        for (GenericKubernetesResource wq : quotas) {
            Map<String, BigDecimal> hard = hard(wq);
            for (var e : want.entrySet()) {
                BigDecimal limit = hard.get(e.getKey());
                if (limit == null) {
                    continue;
                }
                BigDecimal u = used.getOrDefault(e.getKey(), BigDecimal.ZERO);
                if (u.add(e.getValue()).compareTo(limit) > 0) {
                    return deny(wq, ws, e.getKey(), e.getValue(), u, limit);
                }
            }
        }
        return Decision.ALLOW;
    }

    /** Sum of the hard limits of the workspace's project quotas, leaving out one (ns/name). */
    public Map<String, BigDecimal> allocated(String ws, String except) {
        Set<String> projects = Set.copyOf(namespacesOf(ws));
        Map<String, BigDecimal> sum = new TreeMap<>();
        for (ResourceQuota q : projectQuotas.getStore().list()) {
            String key = q.getMetadata().getNamespace() + "/" + q.getMetadata().getName();
            if (!projects.contains(q.getMetadata().getNamespace()) || key.equals(except) || q.getSpec() == null
                    || q.getSpec().getHard() == null) {
                continue;
            }
            q.getSpec().getHard().forEach((k, v) -> sum.merge(k, v.getNumericalAmount(), BigDecimal::add));
        }
        return sum;
    }

    /** Per project: the hard limits of its quotas (for the workspace quota's status). */
    public Map<String, Map<String, BigDecimal>> allocatedByProject(String ws) {
        Map<String, Map<String, BigDecimal>> out = new TreeMap<>();
        for (String ns : namespacesOf(ws)) {
            out.put(ns, new TreeMap<>());
        }
        for (ResourceQuota q : projectQuotas.getStore().list()) {
            Map<String, BigDecimal> m = out.get(q.getMetadata().getNamespace());
            if (m != null && q.getSpec() != null && q.getSpec().getHard() != null) {
                q.getSpec().getHard().forEach((k, v) -> m.merge(k, v.getNumericalAmount(), BigDecimal::add));
            }
        }
        out.values().removeIf(Map::isEmpty);
        return out;
    }

    public String workspaceOf(String namespace) {
        if (namespace == null || namespace.isEmpty()) {
            return "";
        }
        Namespace ns = namespaces.getStore().getByKey(namespace);
        Map<String, String> l = ns == null ? null : ns.getMetadata().getLabels();
        return l == null ? "" : l.getOrDefault(TenancyTypes.LABEL_WORKSPACE, "");
    }

    private List<String> namespacesOf(String ws) {
        List<String> out = new ArrayList<>();
        for (Namespace ns : ProjectController.projectsOf(namespaces, ws)) {
            out.add(ns.getMetadata().getName());
        }
        return out;
    }

    private List<GenericKubernetesResource> quotasOf(String ws) {
        List<GenericKubernetesResource> out = new ArrayList<>();
        for (GenericKubernetesResource q : workspaceQuotas.getStore().list()) {
            Object sel = path(q.getAdditionalProperties(), "spec", "selector");
            if (sel instanceof Map<?, ?> m && ws.equals(m.get(TenancyTypes.LABEL_WORKSPACE))) {
                out.add(q);
            }
        }
        return out;
    }

    static Map<String, BigDecimal> hard(GenericKubernetesResource wq) {
        Map<String, BigDecimal> out = new LinkedHashMap<>();
        if (path(wq.getAdditionalProperties(), "spec", "quota", "hard") instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(String.valueOf(k), new Quantity(String.valueOf(v)).getNumericalAmount()));
        }
        return out;
    }

    private static Map<String, BigDecimal> podUsage(PodSpec spec) {
        Map<String, BigDecimal> out = new HashMap<>();
        if (spec == null || spec.getContainers() == null) {
            return out;
        }
        for (Container c : spec.getContainers()) {
            if (c.getResources() == null) {
                continue;
            }
            add(out, "requests.", c.getResources().getRequests());
            add(out, "limits.", c.getResources().getLimits());
        }
        // a bare "cpu"/"memory" quota key means requests, as in Kubernetes
        if (out.containsKey("requests.cpu")) {
            out.put("cpu", out.get("requests.cpu"));
        }
        if (out.containsKey("requests.memory")) {
            out.put("memory", out.get("requests.memory"));
        }
        return out;
    }

    private static void add(Map<String, BigDecimal> out, String prefix, Map<String, Quantity> values) {
        if (values != null) {
            values.forEach((k, v) -> out.merge(prefix + k, v.getNumericalAmount(), BigDecimal::add));
        }
    }

    private static Decision deny(GenericKubernetesResource wq, String ws, String resource, BigDecimal requested, BigDecimal used,
                                 BigDecimal limit) {
        BigDecimal left = limit.subtract(used).max(BigDecimal.ZERO);
        return new Decision(false, "exceeded workspace quota \"" + wq.getMetadata().getName() + "\" of workspace \"" + ws + "\": "
                + resource + " requested " + format(resource, requested) + ", limited " + format(resource, limit) + ", already allocated "
                + format(resource, used) + ", " + format(resource, left) + " left");
    }

    /** Quantities as people write them: cores or millicores for CPU, binary suffixes for memory. */
    public static String format(String resource, BigDecimal v) {
        if (resource.contains("cpu")) {
            BigDecimal s = v.stripTrailingZeros();
            return s.scale() <= 0 ? s.toPlainString() : v.movePointRight(3).setScale(0, java.math.RoundingMode.CEILING) + "m";
        }
        if (resource.contains("memory") || resource.contains("storage")) {
            String[] suffixes = {"Ei", "Pi", "Ti", "Gi", "Mi", "Ki"};
            for (int i = 0; i < suffixes.length; i++) {
                BigDecimal unit = BigDecimal.valueOf(1024).pow(suffixes.length - i);
                if (v.signum() > 0 && v.remainder(unit).signum() == 0) {
                    return v.divide(unit).toPlainString() + suffixes[i];
                }
            }
        }
        return v.stripTrailingZeros().toPlainString();
    }

    private static String namespaceOf(Map<String, Object> object) {
        Object ns = path(object, "metadata", "namespace");
        return ns == null ? "" : String.valueOf(ns);
    }

    static Object path(Map<String, Object> m, String... keys) {
        Object v = m;
        for (String k : keys) {
            if (!(v instanceof Map<?, ?> mm)) {
                return null;
            }
            v = mm.get(k);
        }
        return v;
    }
}
