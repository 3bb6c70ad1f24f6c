package io.tessera.extensions.monitoring;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Stands in for the kubelet's cAdvisor and kube-state-metrics, which the embedded cluster lacks:
 * for every pod that exists in the cluster it serves those exporters' series (same names and
 * labels). Each container uses {@link #CPU_CORES} cores (a counter growing at that rate), has
 * {@link #WORKING_SET} bytes working set and receives {@link #RX_BYTES_PER_SECOND} B/s per pod.
 * Prometheus scrapes this; the extension only ever sees what Prometheus stored.
 */
final class PodExporter implements AutoCloseable {

    static final double CPU_CORES = 0.25;
    static final long WORKING_SET = 100L * 1024 * 1024;
    static final long USAGE = 150L * 1024 * 1024;
    static final long RX_BYTES_PER_SECOND = 2000;

    private final HttpServer server;
    private final long startNanos = System.nanoTime();

    PodExporter(Supplier<KubernetesClient> cluster, String nodeName) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/metrics", exchange -> {
            byte[] body = render(cluster.get(), nodeName).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private String render(KubernetesClient client, String nodeName) {
        StringBuilder b = new StringBuilder();
        if (client == null) {
            return "";
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        for (Pod pod : client.pods().inAnyNamespace().list().getItems()) {
            String ns = pod.getMetadata().getNamespace();
            String name = pod.getMetadata().getName();
            String phase = pod.getStatus() != null && pod.getStatus().getPhase() != null ? pod.getStatus().getPhase() : "Pending";
            String node = pod.getSpec().getNodeName() != null ? pod.getSpec().getNodeName() : nodeName;
            String pl = "namespace=\"" + ns + "\",pod=\"" + name + "\"";
            b.append("kube_pod_info{").append(pl).append(",node=\"").append(node).append("\"} 1\n");
            for (String ph : new String[] {"Pending", "Running", "Succeeded", "Failed", "Unknown"}) {
                b.append("kube_pod_status_phase{").append(pl).append(",phase=\"").append(ph).append("\"} ")
                        .append(ph.equals(phase) ? 1 : 0).append('\n');
            }
            for (var c : pod.getSpec().getContainers()) {
                String cl = pl + ",container=\"" + c.getName() + "\"";
                b.append("container_cpu_usage_seconds_total{").append(cl).append("} ").append(CPU_CORES * seconds).append('\n');
                b.append("container_memory_working_set_bytes{").append(cl).append("} ").append(WORKING_SET).append('\n');
                b.append("container_memory_usage_bytes{").append(cl).append("} ").append(USAGE).append('\n');
            }
            b.append("container_network_receive_bytes_total{").append(pl).append(",interface=\"eth0\"} ")
                    .append((long) (RX_BYTES_PER_SECOND * seconds)).append('\n');
            b.append("container_network_transmit_bytes_total{").append(pl).append(",interface=\"eth0\"} ")
                    .append((long) (RX_BYTES_PER_SECOND / 2 * seconds)).append('\n');
        }
        return b.toString();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
