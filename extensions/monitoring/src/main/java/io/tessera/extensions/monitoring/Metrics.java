package io.tessera.extensions.monitoring;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * KubeSphere's metric names (monitoring.kubesphere.io/v1alpha3) → PromQL, built here so callers
 * never send PromQL. Expressions read raw exporter series (node-exporter, cAdvisor,
 * kube-state-metrics, API server and scheduler metrics) rather than kube-prometheus recording
 * rules, so any Prometheus scraping those exporters works without extra rule files.
 *
 * <p>{@code AGG(} becomes the level's aggregation (e.g. {@code sum by (node) (}) and {@code SEL}
 * the level's label matchers. Node-exporter series must carry a {@code node} label naming the
 * Kubernetes node (a relabelling in the scrape config; docs/monitoring.md).
 */
final class Metrics {

    enum Level {
        CLUSTER("sum("), NODE("sum by (node) ("), WORKSPACE("sum("), NAMESPACE("sum by (namespace) ("),
        WORKLOAD("sum("), POD("sum by (namespace, pod) ("), CONTAINER("sum by (namespace, pod, container) ("),
        COMPONENT("sum(");

        final String agg;

        Level(String agg) {
            this.agg = agg;
        }
    }

    private static final String FS = "fstype!~\"tmpfs|ramfs|squashfs|nsfs|autofs|proc|sysfs\"";
    private static final String NIC = "device!~\"lo|veth.*|docker.*|cali.*|flannel.*|cni.*|tunl.*\"";
    private static final String POD_NIC = "interface!~\"lo|veth.*|docker.*|cali.*|flannel.*|cni.*|tunl.*\"";
    private static final String CONTAINER = "container!=\"\",container!=\"POD\"";

    /** Metrics of nodes and, summed, of the cluster: cluster_X and node_X. */
    private static final Map<String, String> NODE_FAMILY = new LinkedHashMap<>();
    /** Metrics of pods and their groupings: workspace_X, namespace_X, workload_X, pod_X. */
    private static final Map<String, String> POD_FAMILY = new LinkedHashMap<>();
    /** Container metrics (container_X): CPU and memory only, cAdvisor's network series are per pod. */
    private static final Map<String, String> CONTAINER_FAMILY = new LinkedHashMap<>();
    private static final Map<String, Map<String, String>> COMPONENTS = new LinkedHashMap<>();

    static {
        NODE_FAMILY.put("cpu_utilisation", "1 - AGG(rate(node_cpu_seconds_total{mode=\"idle\",SEL}[1m])) / AGG(rate(node_cpu_seconds_total{SEL}[1m]))");
        NODE_FAMILY.put("cpu_usage", "AGG(rate(node_cpu_seconds_total{mode!~\"idle|iowait|steal\",SEL}[1m]))");
        NODE_FAMILY.put("cpu_total", "AGG(count by (node) (node_cpu_seconds_total{mode=\"idle\",SEL}))");
        NODE_FAMILY.put("memory_utilisation", "1 - AGG(node_memory_MemAvailable_bytes{SEL}) / AGG(node_memory_MemTotal_bytes{SEL})");
        NODE_FAMILY.put("memory_available", "AGG(node_memory_MemAvailable_bytes{SEL})");
        NODE_FAMILY.put("memory_total", "AGG(node_memory_MemTotal_bytes{SEL})");
        NODE_FAMILY.put("memory_usage_wo_cache", "AGG(node_memory_MemTotal_bytes{SEL}) - AGG(node_memory_MemAvailable_bytes{SEL})");
        NODE_FAMILY.put("disk_size_capacity", "AGG(max by (node, device) (node_filesystem_size_bytes{" + FS + ",SEL}))");
        NODE_FAMILY.put("disk_size_available", "AGG(max by (node, device) (node_filesystem_avail_bytes{" + FS + ",SEL}))");
        NODE_FAMILY.put("disk_size_usage", "AGG(max by (node, device) (node_filesystem_size_bytes{" + FS + ",SEL})) - AGG(max by (node, device) (node_filesystem_avail_bytes{" + FS + ",SEL}))");
        NODE_FAMILY.put("disk_size_utilisation", "1 - AGG(max by (node, device) (node_filesystem_avail_bytes{" + FS + ",SEL})) / AGG(max by (node, device) (node_filesystem_size_bytes{" + FS + ",SEL}))");
        NODE_FAMILY.put("disk_inode_total", "AGG(max by (node, device) (node_filesystem_files{" + FS + ",SEL}))");
        NODE_FAMILY.put("disk_inode_usage", "AGG(max by (node, device) (node_filesystem_files{" + FS + ",SEL})) - AGG(max by (node, device) (node_filesystem_files_free{" + FS + ",SEL}))");
        NODE_FAMILY.put("disk_inode_utilisation", "1 - AGG(max by (node, device) (node_filesystem_files_free{" + FS + ",SEL})) / AGG(max by (node, device) (node_filesystem_files{" + FS + ",SEL}))");
        NODE_FAMILY.put("disk_read_iops", "AGG(rate(node_disk_reads_completed_total{SEL}[1m]))");
        NODE_FAMILY.put("disk_write_iops", "AGG(rate(node_disk_writes_completed_total{SEL}[1m]))");
        NODE_FAMILY.put("disk_read_throughput", "AGG(rate(node_disk_read_bytes_total{SEL}[1m]))");
        NODE_FAMILY.put("disk_write_throughput", "AGG(rate(node_disk_written_bytes_total{SEL}[1m]))");
        NODE_FAMILY.put("net_bytes_received", "AGG(rate(node_network_receive_bytes_total{" + NIC + ",SEL}[1m]))");
        NODE_FAMILY.put("net_bytes_transmitted", "AGG(rate(node_network_transmit_bytes_total{" + NIC + ",SEL}[1m]))");
        NODE_FAMILY.put("load1", "AGG(node_load1{SEL})");
        NODE_FAMILY.put("load5", "AGG(node_load5{SEL})");
        NODE_FAMILY.put("load15", "AGG(node_load15{SEL})");
        NODE_FAMILY.put("pod_count", "AGG(count by (node) (kube_pod_info{SEL}))");
        NODE_FAMILY.put("pod_running_count", "AGG(count by (node) (kube_pod_info{SEL} * on (namespace, pod) group_left() (kube_pod_status_phase{phase=\"Running\"} == 1)))");
        NODE_FAMILY.put("pod_abnormal_count", "AGG(count by (node) (kube_pod_info{SEL} * on (namespace, pod) group_left() (kube_pod_status_phase{phase=~\"Pending|Failed|Unknown\"} == 1)))");
        NODE_FAMILY.put("pod_succeeded_count", "AGG(count by (node) (kube_pod_info{SEL} * on (namespace, pod) group_left() (kube_pod_status_phase{phase=\"Succeeded\"} == 1)))");

        CONTAINER_FAMILY.put("cpu_usage", "AGG(rate(container_cpu_usage_seconds_total{" + CONTAINER + ",SEL}[1m]))");
        CONTAINER_FAMILY.put("memory_usage", "AGG(container_memory_usage_bytes{" + CONTAINER + ",SEL})");
        CONTAINER_FAMILY.put("memory_usage_wo_cache", "AGG(container_memory_working_set_bytes{" + CONTAINER + ",SEL})");
        POD_FAMILY.putAll(CONTAINER_FAMILY);
        POD_FAMILY.put("net_bytes_transmitted", "AGG(rate(container_network_transmit_bytes_total{" + POD_NIC + ",SEL}[1m]))");
        POD_FAMILY.put("net_bytes_received", "AGG(rate(container_network_receive_bytes_total{" + POD_NIC + ",SEL}[1m]))");

        Map<String, String> apiserver = new LinkedHashMap<>();
        apiserver.put("apiserver_request_rate", "sum(rate(apiserver_request_total[1m]))");
        apiserver.put("apiserver_request_by_verb_rate", "sum by (verb) (rate(apiserver_request_total[1m]))");
        apiserver.put("apiserver_request_latencies", "sum(rate(apiserver_request_duration_seconds_sum{verb!~\"WATCH|CONNECT\"}[5m])) / sum(rate(apiserver_request_duration_seconds_count{verb!~\"WATCH|CONNECT\"}[5m]))");
        apiserver.put("apiserver_request_by_verb_latencies", "sum by (verb) (rate(apiserver_request_duration_seconds_sum{verb!~\"WATCH|CONNECT\"}[5m])) / sum by (verb) (rate(apiserver_request_duration_seconds_count{verb!~\"WATCH|CONNECT\"}[5m]))");
        COMPONENTS.put("apiserver", apiserver);
        Map<String, String> scheduler = new LinkedHashMap<>();
        scheduler.put("scheduler_schedule_attempts", "sum by (result) (scheduler_schedule_attempts_total)");
        scheduler.put("scheduler_schedule_attempt_rate", "sum by (result) (rate(scheduler_schedule_attempts_total[1m]))");
        scheduler.put("scheduler_e2e_scheduling_latency", "sum(rate(scheduler_e2e_scheduling_duration_seconds_sum[5m])) / sum(rate(scheduler_e2e_scheduling_duration_seconds_count[5m]))");
        scheduler.put("scheduler_e2e_scheduling_latency_quantile", "histogram_quantile(0.99, sum by (le) (rate(scheduler_e2e_scheduling_duration_seconds_bucket[5m])))");
        COMPONENTS.put("scheduler", scheduler);
    }

    private Metrics() {
    }

    static boolean isComponent(String component) {
        return COMPONENTS.containsKey(component);
    }

    /**
     * Every metric of a level, name → PromQL, for the given label matchers (already escaped,
     * comma-separated, possibly empty).
     */
    static Map<String, String> of(Level level, String selector, String component) {
        Map<String, String> out = new LinkedHashMap<>();
        switch (level) {
            case CLUSTER -> {
                NODE_FAMILY.forEach((k, v) -> out.put("cluster_" + k, expand(v, level, selector)));
                out.put("cluster_node_count", "count(count by (node) (node_load1))");
            }
            case NODE -> NODE_FAMILY.forEach((k, v) -> out.put("node_" + k, expand(v, level, selector)));
            case WORKSPACE, NAMESPACE, WORKLOAD, POD -> {
                String prefix = level.name().toLowerCase(java.util.Locale.ROOT) + "_";
                POD_FAMILY.forEach((k, v) -> out.put(prefix + k, expand(v, level, selector)));
                if (level != Level.POD) {
                    out.put(prefix + "pod_count", expand("AGG(count by (namespace, pod) (kube_pod_info{SEL}))", level, selector));
                    out.put(prefix + "pod_running_count", expand("AGG(count by (namespace, pod) (kube_pod_info{SEL} * on (namespace, pod) group_left() (kube_pod_status_phase{phase=\"Running\"} == 1)))", level, selector));
                }
            }
            case CONTAINER -> CONTAINER_FAMILY.forEach((k, v) -> out.put("container_" + k, expand(v, level, selector)));
            case COMPONENT -> out.putAll(COMPONENTS.getOrDefault(component, Map.of()));
            default -> throw new IllegalArgumentException(level.name());
        }
        return out;
    }

    private static String expand(String template, Level level, String selector) {
        String e = template.replace("AGG(", level.agg).replace("SEL", selector);
        return e.replace(",}", "}").replace("{,", "{");
    }

    /** A PromQL string literal's content: backslash and quote escaped. */
    static String quote(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** An anchored alternation of literal names for {@code =~}. */
    static String alternation(Iterable<String> names) {
        StringBuilder b = new StringBuilder();
        for (String n : names) {
            if (b.length() > 0) {
                b.append('|');
            }
            b.append(java.util.regex.Pattern.quote(n).replace("\\Q", "").replace("\\E", "").replace(".", "\\\\."));
        }
        return b.toString();
    }
}
