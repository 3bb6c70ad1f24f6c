package io.tessera.devcluster;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** {@code DevClusterMain} in a child JVM (same test classpath), so a test can kill -9 it. */
final class ChildCluster implements AutoCloseable {

    final Process process;
    final String url;
    final Path dataDir;

    private ChildCluster(Process process, String url, Path dataDir) {
        this.process = process;
        this.url = url;
        this.dataDir = dataDir;
    }

    static ProcessBuilder java(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    /** Starts the child and waits (up to 60 s) for its "serving" line. */
    static ChildCluster start(Path dataDir) throws Exception {
        Path err = Files.createTempFile("dev-cluster-child", ".log");
        Process p = java("io.tessera.devcluster.DevClusterMain", "--data-dir", dataDir.toString(), "--port", "0")
                .redirectError(err.toFile()).start();
        CompletableFuture<String> serving = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("dev-cluster serving ")) {
                        serving.complete(line);
                    }
                }
                serving.completeExceptionally(new IllegalStateException("child exited before serving: " + Files.readString(err)));
            } catch (IOException e) {
                serving.completeExceptionally(e);
            }
        }, "child-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            String line = serving.get(60, TimeUnit.SECONDS);
            String url = line.substring("dev-cluster serving ".length(), line.indexOf(' ', "dev-cluster serving ".length()));
            return new ChildCluster(p, url, dataDir);
        } catch (Exception e) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Runs the child to its exit (for starts that must fail) and returns the exit code and stderr. */
    static String[] runToExit(Path dataDir) throws Exception {
        Process p = java("io.tessera.devcluster.DevClusterMain", "--data-dir", dataDir.toString(), "--port", "0")
                .redirectErrorStream(false).start();
        try {
            CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return e.toString();
                }
            });
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the child did not exit");
            }
            return new String[] {Integer.toString(p.exitValue()), stderr.get(10, TimeUnit.SECONDS)};
        } finally {
            p.destroyForcibly();
        }
    }

    KubernetesClient client() throws IOException {
        return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(dataDir.resolve("kubeconfig")))).build();
    }

    /** kill -9: no shutdown hook, no flush. */
    void killHard() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
