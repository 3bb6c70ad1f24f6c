package io.tessera.extensions.alerting;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A rule's {@code metric: {name, comparator, threshold, names}} → PromQL. Metric names are
 * KubeSphere's (the monitoring API's); each expression keeps the identifying labels (node, or
 * namespace and pod) so one alert fires per node or pod. Project rules may use only pod metrics,
 * always restricted to their own namespace.
 */
final class RuleTemplates {

    private static final Map<String, String> NODE = new LinkedHashMap<>();
    private static final Map<String, String> POD = new LinkedHashMap<>();
    static final Set<String> COMPARATORS = Set.of(">", ">=", "<", "<=", "==", "!=");
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    static {
        NODE.put("node_load1", "sum by (node) (node_load1{SEL})");
        NODE.put("node_load5", "sum by (node) (node_load5{SEL})");
        NODE.put("node_load15", "sum by (node) (node_load15{SEL})");
        NODE.put("node_cpu_utilisation", "1 - sum by (node) (rate(node_cpu_seconds_total{mode=\"idle\",SEL}[1m])) / sum by (node) (rate(node_cpu_seconds_total{SEL}[1m]))");
        NODE.put("node_memory_utilisation", "1 - sum by (node) (node_memory_MemAvailable_bytes{SEL}) / sum by (node) (node_memory_MemTotal_bytes{SEL})");
        NODE.put("node_disk_size_utilisation", "1 - sum by (node) (max by (node, device) (node_filesystem_avail_bytes{fstype!~\"tmpfs|ramfs|squashfs|nsfs|autofs\",SEL})) / sum by (node) (max by (node, device) (node_filesystem_size_bytes{fstype!~\"tmpfs|ramfs|squashfs|nsfs|autofs\",SEL}))");
        POD.put("pod_cpu_usage", "sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{container!=\"\",container!=\"POD\",SEL}[1m]))");
        POD.put("pod_memory_usage", "sum by (namespace, pod) (container_memory_usage_bytes{container!=\"\",container!=\"POD\",SEL})");
        POD.put("pod_memory_usage_wo_cache", "sum by (namespace, pod) (container_memory_working_set_bytes{container!=\"\",container!=\"POD\",SEL})");
        POD.put("pod_net_bytes_received", "sum by (namespace, pod) (rate(container_network_receive_bytes_total{SEL}[1m]))");
        POD.put("pod_net_bytes_transmitted", "sum by (namespace, pod) (rate(container_network_transmit_bytes_total{SEL}[1m]))");
    }

    private RuleTemplates() {
    }

    /**
     * @param namespace the project of a project rule, null for a cluster rule
     * @throws IllegalArgumentException naming the field that is wrong
     */
    static String expression(Map<?, ?> metric, String namespace, String field) {
        String name = metric.get("name") instanceof String s ? s : null;
        String comparator = metric.get("comparator") instanceof String s ? s : ">";
        Object threshold = metric.get("threshold");
        if (name == null) {
            throw new IllegalArgumentException(field + ".name is required");
        }
        if (!COMPARATORS.contains(comparator)) {
            throw new IllegalArgumentException(field + ".comparator must be one of " + COMPARATORS);
        }
        double t;
        try {
            t = threshold instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(threshold));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + ".threshold must be a number");
        }
        if (Double.isNaN(t) || Double.isInfinite(t)) {
            throw new IllegalArgumentException(field + ".threshold must be a finite number");
        }
        List<?> names = metric.get("names") instanceof List<?> l ? l : List.of();
        for (Object n : names) {
            if (!(n instanceof String s) || !NAME.matcher(s).matches()) {
                throw new IllegalArgumentException(field + ".names: \"" + n + "\" is not a valid name");
            }
        }
        String template;
        String selector;
        if (NODE.containsKey(name)) {
            if (namespace != null) {
                throw new IllegalArgumentException(field + ".name: node metrics belong to cluster rules; project rules use " + POD.keySet());
            }
            template = NODE.get(name);
            selector = names.isEmpty() ? "" : "node=~\"" + alternation(names) + "\"";
        } else if (POD.containsKey(name)) {
            template = POD.get(name);
            String ns = namespace == null ? "" : "namespace=\"" + namespace + "\"";
            String pods = names.isEmpty() ? "" : "pod=~\"" + alternation(names) + "\"";
            selector = ns.isEmpty() ? pods : pods.isEmpty() ? ns : ns + "," + pods;
        } else {
            throw new IllegalArgumentException(field + ".name: unknown metric \"" + name + "\"; known: " + NODE.keySet() + " " + POD.keySet());
        }
        String expr = template.replace("SEL", selector).replace(",}", "}").replace("{,", "{");
        return expr + " " + comparator + " " + BigDecimalText.of(t);
    }

    private static String alternation(List<?> names) {
        StringBuilder b = new StringBuilder();
        for (Object n : names) {
            if (b.length() > 0) {
                b.append('|');
            }
            b.append(String.valueOf(n).replace(".", "\\\\."));
        }
        return b.toString();
    }

    /** A threshold written without exponent noise (-1, 0.8, 1e9 → 1000000000). */
    static final class BigDecimalText {
        private BigDecimalText() {
        }

        static String of(double d) {
            return new java.math.BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
        }
    }
}
