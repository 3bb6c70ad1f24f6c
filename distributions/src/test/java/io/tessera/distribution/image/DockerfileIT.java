package io.tessera.distribution.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile cannot be built here (no container engine), so its references are checked against
 * the distribution folder it is built from: every COPY source exists, together they copy the whole
 * folder, the entrypoint is the copied launcher and its subcommand accepts the chart's arguments,
 * the user is not root and matches the chart's securityContext.
 */
class DockerfileIT {

    private static final Path DIST = Path.of(System.getProperty("tessera.distribution"));
    private static final Path DOCKERFILE = Path.of("docker", "Dockerfile");

    /** Instructions with continuation lines joined, comments dropped. */
    private static List<String[]> instructions() throws Exception {
        List<String[]> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(DOCKERFILE)) {
            if (line.strip().startsWith("#") || line.isBlank() && current.isEmpty()) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            String full = current.append(line).toString().strip();
            current.setLength(0);
            int space = full.indexOf(' ');
            out.add(new String[] {full.substring(0, space).toUpperCase(), full.substring(space + 1).strip()});
        }
        return out;
    }

    private static List<String> values(String keyword) throws Exception {
        return instructions().stream().filter(i -> i[0].equals(keyword)).map(i -> i[1]).toList();
    }

    @Test
    void baseIsAJava17RuntimeAndTheUserIsNotRoot() throws Exception {
        assertThat(values("FROM")).singleElement().satisfies(f -> assertThat(f).startsWith("eclipse-temurin:17-jre"));
        String user = values("USER").get(values("USER").size() - 1);
        String[] uidGid = user.split(":");
        assertThat(Integer.parseInt(uidGid[0])).isPositive();
        // the chart's pod securityContext names the same ids
        String deployment = Files.readString(Path.of("helm/tessera/templates/deployment.yaml"));
        assertThat(deployment).contains("runAsUser: " + uidGid[0]).contains("runAsGroup: " + uidGid[1]).contains("runAsNonRoot: true");
    }

    @Test
    void copySourcesExistAndCoverTheWholeDistribution() throws Exception {
        Map<String, String> copies = new TreeMap<>();
        for (String copy : values("COPY")) {
            assertThat(copy).as("COPY from another stage or with flags is not expected: %s", copy).doesNotStartWith("--");
            String[] parts = copy.split("\\s+");
            assertThat(parts).as(copy).hasSize(2);
            String source = parts[0].replaceAll("/$", "");
            assertThat(DIST.resolve(source)).as("COPY source %s in %s", source, DIST).exists();
            copies.put(source, parts[1]);
        }
        TreeSet<String> topLevel = new TreeSet<>();
        try (Stream<Path> entries = Files.list(DIST)) {
            entries.forEach(p -> topLevel.add(p.getFileName().toString()));
        }
        // data/ would only appear after a local run; it is never part of the distribution
        topLevel.remove("data");
        // sdk/ is the kit third parties build extensions with (docs/extension-guide.md); a replica never reads it
        topLevel.remove("sdk");
        assertThat(copies.keySet()).containsExactlyInAnyOrderElementsOf(topLevel);
        copies.forEach((source, target) -> assertThat(target.replaceAll("/$", "")).isEqualTo("/opt/tessera/" + source));
    }

    @Test
    void entrypointIsTheCopiedLauncherAndAcceptsTheChartsArguments() throws Exception {
        String entrypoint = values("ENTRYPOINT").get(0);
        List<String> argv = List.of(entrypoint.replaceAll("^\\[|]$", "").split("\\s*,\\s*")).stream()
                .map(s -> s.replaceAll("^\"|\"$", "")).toList();
        assertThat(argv).hasSize(2);
        assertThat(argv.get(0)).startsWith("/opt/tessera/");
        Path launcher = DIST.resolve(argv.get(0).substring("/opt/tessera/".length()));
        assertThat(launcher).isRegularFile().isExecutable();
        assertThat(argv.get(1)).isEqualTo("up");

        // the chart passes --config; the launcher's up must know it
        Process p = new ProcessBuilder(launcher.toString(), argv.get(1), "--help").redirectErrorStream(true).start();
        String help = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(help).isZero();
        assertThat(help).contains("--config");
        String deployment = Files.readString(Path.of("helm/tessera/templates/deployment.yaml"));
        assertThat(deployment).contains("args: [\"--config\", \"/etc/tessera/conf/tessera.yaml\"]");
    }

    @Test
    void inClusterSettingsPointAtTheWritableDataDirectory() throws Exception {
        String env = String.join(" ", values("ENV"));
        assertThat(env).contains("TESSERA_DATA_DIR=/var/lib/tessera").contains("TESSERA_SERVER_ADDRESS=0.0.0.0");
        // no kubeconfig: in a pod the kernel uses its service account
        assertThat(env).doesNotContain("KUBECONFIG");
        String configMap = Files.readString(Path.of("helm/tessera/templates/configmap.yaml"));
        assertThat(configMap).contains("dataDir: /var/lib/tessera").doesNotContain("kubeconfig:");
        assertThat(String.join(" ", values("RUN"))).contains("chown 10001:10001 /var/lib/tessera");
    }
}
