package io.tessera.devcluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tessera.devcluster.api.ApiServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Node of the development cluster: this machine, with capacity read from the OS and a Ready
 * condition whose heartbeat this process keeps current. There is no kubelet, so the node says so and
 * runs no pods (its pod capacity is 0).
 */
final class NodeSeeder {

    private static final Logger LOG = LoggerFactory.getLogger(NodeSeeder.class);
    /** Kubernetes MicroTime, as Lease.spec.renewTime carries it. */
    private static final java.time.format.DateTimeFormatter MICRO_TIME =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(java.time.ZoneOffset.UTC);

    private final ApiServer api;
    private final ObjectMapper mapper;
    private final Path dataDir;
    private final String address;
    final String nodeName;

    NodeSeeder(ApiServer api, ObjectMapper mapper, Path dataDir, String address) {
        this.api = api;
        this.mapper = mapper;
        this.dataDir = dataDir;
        this.address = address;
        this.nodeName = nodeName();
    }

    static String nodeName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = System.getenv().getOrDefault("HOSTNAME", "tessera-dev");
        }
        String name = host.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-").replaceAll("^[-.]+|[-.]+$", "");
        return name.isEmpty() ? "tessera-dev" : name;
    }

    /** Creates the node, or refreshes its capacity and status after a restart. */
    void seed() throws IOException {
        ObjectNode node = mapper.createObjectNode();
        node.put("apiVersion", "v1");
        node.put("kind", "Node");
        ObjectNode meta = node.putObject("metadata");
        meta.put("name", nodeName);
        String arch = arch();
        meta.putObject("labels")
                .put("kubernetes.io/hostname", nodeName)
                .put("kubernetes.io/os", "linux")
                .put("kubernetes.io/arch", arch)
                .put("beta.kubernetes.io/os", "linux")
                .put("beta.kubernetes.io/arch", arch)
                .put("node-role.kubernetes.io/control-plane", "");
        meta.putObject("annotations").put("tessera.io/dev-cluster", "embedded development cluster: no kubelet, workloads do not run");
        node.putObject("spec").putArray("taints").addObject()
                .put("key", "tessera.io/no-kubelet").put("effect", "NoSchedule");
        node.set("status", status());
        ApiServer.Response existing = api.handle(request("GET", "/api/v1/nodes/" + nodeName, null, null));
        ApiServer.Response r;
        if (existing.code() == 404) {
            r = api.handle(request("POST", "/api/v1/nodes", "application/json", node));
        } else {
            ObjectNode current = (ObjectNode) mapper.readTree(existing.body());
            node.with("metadata").put("resourceVersion", current.path("metadata").path("resourceVersion").asText());
            r = api.handle(request("PUT", "/api/v1/nodes/" + nodeName, "application/json", node));
            if (r.code() == 200) {
                ObjectNode statusOnly = mapper.createObjectNode();
                statusOnly.set("status", status());
                r = api.handle(request("PATCH", "/api/v1/nodes/" + nodeName + "/status", "application/merge-patch+json", statusOnly));
            }
        }
        if (r.code() >= 300) {
            throw new IOException("cannot register node " + nodeName + ": " + r.text());
        }
        renewLease();
    }

    /** The node's Lease in kube-node-lease, renewed with each heartbeat as a kubelet renews it. */
    private void renewLease() {
        String path = "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/" + nodeName;
        String now = MICRO_TIME.format(Instant.now());
        ObjectNode patch = mapper.createObjectNode();
        patch.putObject("spec").put("holderIdentity", nodeName).put("leaseDurationSeconds", 40).put("renewTime", now);
        ApiServer.Response r = api.handle(request("PATCH", path, "application/merge-patch+json", patch));
        if (r.code() == 404) {
            ObjectNode lease = mapper.createObjectNode();
            lease.put("apiVersion", "coordination.k8s.io/v1");
            lease.put("kind", "Lease");
            lease.putObject("metadata").put("name", nodeName).put("namespace", "kube-node-lease");
            lease.set("spec", patch.get("spec"));
            r = api.handle(request("POST", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", "application/json", lease));
        }
        if (r.code() >= 300) {
            LOG.warn("event=node.lease-renew-failed node={} code={} message={}", nodeName, r.code(), r.text());
        }
    }

    /** Keeps the Ready condition's heartbeat current, as a kubelet's status updates would. */
    void heartbeat() {
        ObjectNode patch = mapper.createObjectNode();
        patch.putObject("status").set("conditions", conditions());
        ApiServer.Response r = api.handle(request("PATCH", "/api/v1/nodes/" + nodeName + "/status",
                "application/merge-patch+json", patch));
        if (r.code() >= 300) {
            LOG.warn("event=node.heartbeat-failed node={} code={} message={}", nodeName, r.code(), r.text());
        }
        renewLease();
    }

    private ObjectNode status() throws IOException {
        ObjectNode status = mapper.createObjectNode();
        long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
        long disk = Files.getFileStore(dataDir).getTotalSpace();
        ObjectNode capacity = status.putObject("capacity");
        capacity.put("cpu", Integer.toString(Runtime.getRuntime().availableProcessors()));
        capacity.put("memory", (memory / 1024) + "Ki");
        capacity.put("ephemeral-storage", (disk / 1024) + "Ki");
        capacity.put("pods", "0");
        status.set("allocatable", capacity.deepCopy());
        status.set("conditions", conditions());
        ArrayNode addresses = status.putArray("addresses");
        addresses.addObject().put("type", "InternalIP").put("address", address);
        addresses.addObject().put("type", "Hostname").put("address", nodeName);
        ObjectNode info = status.putObject("nodeInfo");
        info.put("architecture", arch());
        info.put("operatingSystem", "linux");
        info.put("osImage", osImage());
        info.put("kernelVersion", System.getProperty("os.version"));
        info.put("machineID", readOr("/etc/machine-id", ""));
        info.put("systemUUID", "");
        info.put("bootID", readOr("/proc/sys/kernel/random/boot_id", ""));
        info.put("kubeletVersion", "");
        info.put("kubeProxyVersion", "");
        info.put("containerRuntimeVersion", "");
        return status;
    }

    private ArrayNode conditions() {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        ArrayNode c = mapper.createArrayNode();
        c.addObject().put("type", "Ready").put("status", "True").put("lastHeartbeatTime", now)
                .put("lastTransitionTime", startedAt).put("reason", "TesseraDevClusterRunning")
                .put("message", "the embedded development cluster is serving; no kubelet, so no pods run here");
        for (Map.Entry<String, String> pressure : Map.of("MemoryPressure", "KubeletHasSufficientMemory",
                "DiskPressure", "KubeletHasNoDiskPressure", "PIDPressure", "KubeletHasSufficientPID").entrySet()) {
            c.addObject().put("type", pressure.getKey()).put("status", "False").put("lastHeartbeatTime", now)
                    .put("lastTransitionTime", startedAt).put("reason", pressure.getValue()).put("message", "not measured: no kubelet");
        }
        return c;
    }

    private final String startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();

    private static String arch() {
        String a = System.getProperty("os.arch");
        return switch (a) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> a;
        };
    }

    private static String osImage() {
        for (String line : readOr("/etc/os-release", "").split("\n")) {
            if (line.startsWith("PRETTY_NAME=")) {
                return line.substring("PRETTY_NAME=".length()).replace("\"", "");
            }
        }
        return System.getProperty("os.name");
    }

    private static String readOr(String file, String dflt) {
        try {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
        } catch (IOException | RuntimeException e) {
            return dflt;
        }
    }

    private ApiServer.Request request(String method, String path, String contentType, ObjectNode body) {
        try {
            return new ApiServer.Request(method, path, Map.of(), contentType, body == null ? null : mapper.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

}
