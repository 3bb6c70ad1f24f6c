package io.tessera.distribution.ha;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A process of the packaged distribution's bin/tessera, its output collected; killed on close if still running. */
final class Child implements AutoCloseable {

    private final Process process;
    private final StringBuffer stdout = new StringBuffer();
    private final StringBuffer stderr = new StringBuffer();
    private final Thread[] pumps;

    private Child(Process process) {
        this.process = process;
        this.pumps = new Thread[] {pump(process.getInputStream(), stdout), pump(process.getErrorStream(), stderr)};
    }

    static Child tessera(Path distribution, Path workDir, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(distribution.resolve("bin/tessera").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().remove("KUBECONFIG");
        builder.environment().keySet().removeIf(n -> n.startsWith("TESSERA_"));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        // two kernels and a cluster share two cores with the build: keep each JVM small
        builder.environment().put("TESSERA_JAVA_OPTS", "-Xmx384m -XX:TieredStopAtLevel=1");
        return new Child(builder.start());
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

    String output() {
        return "stdout:\n" + stdout + "\nstderr:\n" + stderr;
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
        throw new AssertionError("no line matching " + pattern + " (alive=" + process.isAlive() + ")\n" + output());
    }

    int awaitExit(Duration deadline) throws InterruptedException {
        if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("still running after " + deadline + "\n" + output());
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
