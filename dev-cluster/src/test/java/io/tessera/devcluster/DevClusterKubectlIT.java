package io.tessera.devcluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real kubectl on PATH against the development cluster, with nothing but the kubeconfig it writes. */
class DevClusterKubectlIT {

    @TempDir
    static Path dir;

    static DevCluster cluster;
    static Path kubectl;

    record Run(int code, String out) {
    }

    @BeforeAll
    static void start() throws Exception {
        Optional<Path> found = findOnPath("kubectl");
        Assumptions.assumeTrue(found.isPresent(), "kubectl is not on PATH: install it (Debian package 'kubectl') to run this test");
        kubectl = found.get();
        cluster = DevCluster.start(dir.resolve("data"), "127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    static Optional<Path> findOnPath(String name) {
        for (String p : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(p, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static ProcessBuilder kubectl(String... args) {
        List<String> cmd = new ArrayList<>(List.of(kubectl.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("KUBECONFIG", cluster.kubeconfig().toString());
        pb.environment().put("KUBECACHEDIR", dir.resolve("kube-cache").toString());
        return pb;
    }

    static Run run(String stdin, String... args) throws Exception {
        Process p = kubectl(args).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("kubectl " + String.join(" ", args) + " did not finish");
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    static String ok(String stdin, String... args) throws Exception {
        Run r = run(stdin, args);
        assertThat(r.code()).as("kubectl %s: %s", String.join(" ", args), r.out()).isZero();
        return r.out();
    }

    @Test
    void getNamespacesAndNode() throws Exception {
        assertThat(ok(null, "get", "ns")).contains("default").contains("kube-system").contains("kube-public").contains("kubesphere-system");
        assertThat(ok(null, "get", "nodes", "-o", "jsonpath={.items[0].status.conditions[?(@.type==\"Ready\")].status}")).isEqualTo("True");
        assertThat(ok(null, "version")).contains("Server Version");
    }

    static final String CM = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: %s
              namespace: default
            data:
              key: "%s"
            """;

    @Test
    void createApplyPatchLabelDelete() throws Exception {
        ok(CM.formatted("k1", "one"), "create", "-f", "-");
        Run again = run(CM.formatted("k1", "one"), "create", "-f", "-");
        assertThat(again.code()).isNotZero();
        assertThat(again.out()).contains("AlreadyExists").contains("\"k1\" already exists");
        ok(null, "create", "namespace", "kubectl-it");

        // Plain apply, no --validate=false: kubectl learns from /openapi/v3 that the server validates fields.
        assertThat(ok(CM.formatted("k2", "v1"), "apply", "-f", "-")).contains("created");
        assertThat(ok(CM.formatted("k2", "v2"), "apply", "-f", "-")).contains("configured");
        assertThat(ok(null, "get", "cm", "k2", "-o", "jsonpath={.data.key}")).isEqualTo("v2");
        String deploy = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: kubectl-it}
                spec:
                  replicas: %d
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec: {containers: [{name: web, image: nginx}]}
                """;
        ok(deploy.formatted(1), "apply", "-f", "-");
        ok(deploy.formatted(3), "apply", "-f", "-");
        assertThat(ok(null, "get", "deploy", "web", "-n", "kubectl-it", "-o", "jsonpath={.spec.replicas} {.metadata.generation}"))
                .isEqualTo("3 2");

        ok(null, "patch", "cm", "k2", "--type=merge", "-p", "{\"data\":{\"extra\":\"m\"}}");
        ok(null, "patch", "cm", "k2", "--type=json", "-p", "[{\"op\":\"replace\",\"path\":\"/data/key\",\"value\":\"j\"}]");
        Run failedTest = run(null, "patch", "cm", "k2", "--type=json", "-p", "[{\"op\":\"test\",\"path\":\"/data/key\",\"value\":\"nope\"}]");
        assertThat(failedTest.code()).isNotZero();
        ok(null, "patch", "deploy", "web", "-n", "kubectl-it", "-p",
                "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"sidecar\",\"image\":\"busybox\"}]}}}}");
        assertThat(ok(null, "get", "deploy", "web", "-n", "kubectl-it", "-o", "jsonpath={.spec.template.spec.containers[*].name}"))
                .isEqualTo("web sidecar");
        assertThat(ok(null, "get", "cm", "k2", "-o", "jsonpath={.data.key} {.data.extra}")).isEqualTo("j m");

        ok(null, "label", "cm", "k2", "env=prod");
        assertThat(ok(null, "get", "cm", "-l", "env in (prod,dev)", "-o", "name")).isEqualTo("configmap/k2\n");
        assertThat(ok(null, "get", "cm", "-l", "!env", "-o", "name")).contains("configmap/k1").doesNotContain("k2");

        ok(null, "delete", "cm", "k2");
        Run gone = run(null, "get", "cm", "k2");
        assertThat(gone.code()).isNotZero();
        assertThat(gone.out()).contains("NotFound");
        ok(null, "delete", "namespace", "kubectl-it");
        assertThat(run(null, "get", "namespace", "kubectl-it").out()).contains("NotFound");
    }

    @Test
    void applyOfACustomResourceValidatesAgainstTheCrdSchema() throws Exception {
        ok("""
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: tools.it.tessera.io}
                spec:
                  group: it.tessera.io
                  scope: Namespaced
                  names: {plural: tools, singular: tool, kind: Tool}
                  versions:
                  - name: v1
                    served: true
                    storage: true
                    schema:
                      openAPIV3Schema:
                        type: object
                        properties:
                          spec: {type: object, properties: {size: {type: integer}}}
                """, "apply", "-f", "-");
        String tool = """
                apiVersion: it.tessera.io/v1
                kind: Tool
                metadata: {name: hammer, namespace: default}
                spec: {%s}
                """;
        ok(tool.formatted("size: 2"), "apply", "-f", "-");
        assertThat(ok(null, "get", "tools", "hammer", "-o", "jsonpath={.spec.size}")).isEqualTo("2");
        Run unknown = run(tool.formatted("size: 2, colour: red"), "apply", "-f", "-");
        assertThat(unknown.code()).as(unknown.out()).isNotZero();
        assertThat(unknown.out()).contains("unknown field").contains("colour");
    }

    @Test
    void applyRejectsAnUnknownFieldOfABuiltInKind() throws Exception {
        Run typo = run(CM.formatted("typo", "x").replace("\ndata:", "\ndat:"), "apply", "-f", "-");
        assertThat(typo.code()).as(typo.out()).isNotZero();
        assertThat(typo.out()).contains("unknown field \"dat\"");
        assertThat(run(null, "get", "cm", "typo").out()).contains("NotFound");
    }

    @Test
    void getWatchReceivesEvents() throws Exception {
        Process watch = kubectl("get", "cm", "-n", "default", "-w", "-o", "name").start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process was stopped
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            ok(CM.formatted("watched-before", "x"), "create", "-f", "-");
            Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> lines.contains("configmap/watched-before"));
            ok(CM.formatted("watched-after", "x"), "create", "-f", "-");
            Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> lines.contains("configmap/watched-after"));
            assertThat(watch.isAlive()).as("the watch stays open").isTrue();
        } finally {
            watch.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
