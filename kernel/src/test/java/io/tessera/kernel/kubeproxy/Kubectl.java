package io.tessera.kernel.kubeproxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real kubectl with a kubeconfig of its own; output captured, a generous deadline. */
public final class Kubectl {

    /** kubectl on the PATH (CI installs it), else /usr/bin/kubectl. */
    static final Path BINARY = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
            .filter(d -> !d.isEmpty()).map(d -> Path.of(d, "kubectl")).filter(Files::isExecutable).findFirst()
            .orElse(Path.of("/usr/bin/kubectl"));

    public record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit=" + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    private final Path kubeconfig;
    private final Path dir;

    public Kubectl(Path kubeconfig, Path dir) {
        this.kubeconfig = kubeconfig;
        this.dir = dir;
    }

    public static boolean available() {
        return Files.isExecutable(BINARY);
    }

    public Result run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(BINARY.toString());
        cmd.add("--kubeconfig=" + kubeconfig);
        cmd.add("--request-timeout=30s");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        // no cache shared with other runs or the developer's ~/.kube
        pb.environment().put("KUBECACHEDIR", dir.resolve("cache").toString());
        pb.environment().put("HOME", dir.toString());
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish in 60 s");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    Process start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(BINARY.toString());
        cmd.add("--kubeconfig=" + kubeconfig);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().put("KUBECACHEDIR", dir.resolve("cache").toString());
        pb.environment().put("HOME", dir.toString());
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        return pb.start();
    }
}
