package io.tessera.kernel.cli;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The {@code tessera} program in a child JVM from the test class path, with its output collected
 * as it comes (so the child never blocks on a full pipe). Closing it kills the child.
 */
final class ChildProcess implements AutoCloseable {

    private final Process process;
    private final StringBuffer stdout = new StringBuffer();
    private final StringBuffer stderr = new StringBuffer();
    private final Thread[] pumps;

    private ChildProcess(Process process) {
        this.process = process;
        this.pumps = new Thread[] {pump(process.getInputStream(), stdout), pump(process.getErrorStream(), stderr)};
    }

    static ChildProcess tessera(Path workDir, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // failsafe runs tests through a manifest-only jar; the real class path is in this property
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        // the product's classes only: test resources (service files, test modules) must not change what `up` runs
        classPath = Arrays.stream(classPath.split(File.pathSeparator))
                .filter(entry -> !Path.of(entry).endsWith("test-classes"))
                .collect(Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-cp", classPath, Tessera.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        Map<String, String> env = builder.environment();
        // the developer's own cluster or settings must not leak into the child
        env.remove("KUBECONFIG");
        env.keySet().removeIf(name -> name.startsWith("TESSERA_"));
        return new ChildProcess(builder.start());
    }

    private static Thread pump(InputStream in, StringBuffer into) {
        Thread t = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    into.append(line).append('\n');
                }
            } catch (IOException e) {
                into.append("[pump: ").append(e).append("]\n");
            }
        }, "child-output");
        t.setDaemon(true);
        t.start();
        return t;
    }

    Process process() {
        return process;
    }

    String stdout() {
        return stdout.toString();
    }

    String stderr() {
        return stderr.toString();
    }

    /** Waits until a line of stdout matches, or fails with what the child printed. */
    Matcher awaitStdout(Pattern pattern, Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < end) {
            Matcher m = pattern.matcher(stdout);
            if (m.find()) {
                return m;
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no line matching " + pattern + " (alive=" + process.isAlive() + ")\nstdout:\n"
                + stdout + "\nstderr:\n" + stderr);
    }

    /** The exit code, once the child has exited and its output is read to the end. */
    int awaitExit(Duration deadline) throws InterruptedException {
        if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("still running after " + deadline + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr);
        }
        for (Thread pump : pumps) {
            pump.join(TimeUnit.SECONDS.toMillis(10));
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
