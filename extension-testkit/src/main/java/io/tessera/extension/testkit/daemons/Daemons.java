package io.tessera.extension.testkit.daemons;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Real Debian daemons (prometheus, prometheus-node-exporter, prometheus-alertmanager) on loopback
 * with ephemeral ports and a temp dir, killed by PID after the class. Scrape and evaluation
 * intervals are 1 s so tests wait seconds, not minutes. Register it with {@code @RegisterExtension}
 * on a static field.
 */
public final class Daemons implements AfterAllCallback {

    private final Path dir;
    private final List<Process> processes = new ArrayList<>();

    public Daemons() {
        try {
            dir = Files.createTempDirectory("tessera-obs");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop));
    }

    /** The temp dir the daemons keep their data and logs in; tests may put config files here. */
    public Path dir() {
        return dir;
    }

    /** A port free on this machine at the moment of the call. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** node-exporter on 127.0.0.1; returns its host:port. */
    public String nodeExporter() {
        int port = freePort();
        start("node-exporter", List.of(binary("prometheus-node-exporter"), "--web.listen-address=127.0.0.1:" + port,
                "--no-collector.systemd", "--no-collector.rapl"), "http://127.0.0.1:" + port + "/metrics");
        return "127.0.0.1:" + port;
    }

    /**
     * Prometheus scraping node-exporter (labelled {@code node=<nodeName>}, as a Kubernetes
     * relabelling of {@code __meta_kubernetes_pod_node_name} would), loading {@code ruleFile} when
     * it is not null, and scraping {@code extraTargets} with their own labels kept (exporters in
     * cAdvisor/kube-state-metrics format). It has no Alertmanager of its own: the alerting
     * extension forwards the alerts (its AlertForwarder explains why). Returns its URL.
     */
    public String prometheus(String nodeExporter, String nodeName, Path ruleFile, String... extraTargets) throws IOException {
        int port = freePort();
        StringBuilder config = new StringBuilder("""
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                """);
        if (ruleFile != null) {
            config.append("rule_files: ['%s']%n".formatted(ruleFile));
        }
        config.append("""
                scrape_configs:
                - job_name: node-exporter
                  static_configs:
                  - targets: ['%s']
                    labels: {node: '%s'}
                """.formatted(nodeExporter, nodeName));
        if (extraTargets.length > 0) {
            config.append("""
                    - job_name: kubelet-and-kube-state-metrics
                      honor_labels: true
                      static_configs:
                      - targets: ['%s']
                    """.formatted(String.join("', '", extraTargets)));
        }
        Path file = dir.resolve("prometheus.yml");
        Files.writeString(file, config);
        start("prometheus", List.of(binary("prometheus"), "--config.file=" + file, "--storage.tsdb.path=" + dir.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + port, "--web.enable-lifecycle"), "http://127.0.0.1:" + port + "/-/ready");
        return "http://127.0.0.1:" + port;
    }

    /** Alertmanager with no gossip (cluster.listen-address empty), starting from {@code configFile}. */
    public String alertmanager(Path configFile) throws IOException {
        int port = freePort();
        if (!Files.exists(configFile)) {
            Files.writeString(configFile, "route: {receiver: tessera-blackhole}\nreceivers: [{name: tessera-blackhole}]\n");
        }
        start("alertmanager", List.of(binary("prometheus-alertmanager"), "--config.file=" + configFile,
                "--storage.path=" + dir.resolve("am"), "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address="),
                "http://127.0.0.1:" + port + "/-/ready");
        return "127.0.0.1:" + port;
    }

    private static String binary(String name) {
        for (String d : List.of("/usr/bin/", "/usr/sbin/", "/usr/local/bin/")) {
            if (Files.isExecutable(Path.of(d + name))) {
                return d + name;
            }
        }
        throw new IllegalStateException(name + " is not installed (apt-get install prometheus prometheus-node-exporter prometheus-alertmanager)");
    }

    private void start(String name, List<String> command, String readyUrl) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve(name + ".log").toFile()).start();
            processes.add(p);
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < end) {
                if (!p.isAlive()) {
                    throw new IllegalStateException(name + " exited: " + Files.readString(dir.resolve(name + ".log")));
                }
                try {
                    HttpURLConnection c = (HttpURLConnection) URI.create(readyUrl).toURL().openConnection();
                    c.setConnectTimeout(500);
                    if (c.getResponseCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(100); // polling readiness; the deadline bounds it
            }
            throw new IllegalStateException(name + " not ready within 30 s");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops every daemon and removes the temp dir; also run at JVM exit. */
    public synchronized void stop() {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temp dir
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }
}
