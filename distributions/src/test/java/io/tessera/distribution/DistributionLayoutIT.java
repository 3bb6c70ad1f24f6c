package io.tessera.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.kernel.config.ConfigKey;
import io.tessera.kernel.config.ConfigLoader;
import io.tessera.kernel.config.KernelConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged distribution as a user unpacks it: its layout, the tar.gz holding the same, the
 * shipped configuration file, and bin/tessera starting Java from JAVA_HOME or PATH.
 */
class DistributionLayoutIT {

    private static final Path DIST = Path.of(System.getProperty("tessera.distribution"));
    private static final Path TARBALL = Path.of(System.getProperty("tessera.tarball"));

    @TempDir
    Path tmp;

    @Test
    void folderHasBinLibConfRepositoryAndLicense() throws IOException {
        Path launcher = DIST.resolve("bin/tessera");
        assertThat(launcher).isRegularFile();
        assertThat(Files.getPosixFilePermissions(launcher)).contains(
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);
        assertThat(Files.readString(launcher)).startsWith("#!/bin/sh\n").doesNotContain("\r");

        try (Stream<Path> jars = Files.list(DIST.resolve("lib"))) {
            List<String> names = jars.map(p -> p.getFileName().toString()).toList();
            assertThat(names).allMatch(n -> n.endsWith(".jar"));
            assertThat(names).anyMatch(n -> n.startsWith("io.tessera.tessera-kernel-"))
                    .anyMatch(n -> n.startsWith("io.tessera.tessera-dev-cluster-"))
                    .anyMatch(n -> n.startsWith("io.tessera.tessera-extension-api-"))
                    .anyMatch(n -> n.startsWith("info.picocli.picocli-"))
                    .anyMatch(n -> n.startsWith("org.apache.felix.org.apache.felix.framework-"));
        }
        assertThat(DIST.resolve("conf/tessera.yaml")).isRegularFile();
        assertThat(DIST.resolve("repository")).isDirectory();
        // the built-in extension repository ships the sample extension
        try (var files = Files.list(DIST.resolve("repository"))) {
            assertThat(files.map(f -> f.getFileName().toString())).anyMatch(n -> n.matches("sample-hello-.*\\.tsx\\.zip"));
        }
        String license = Files.readString(DIST.resolve("LICENSE"));
        assertThat(license).contains("Apache License").contains("Version 2.0, January 2004");
        assertThat(Files.readString(Path.of("..", "LICENSE"))).isEqualTo(license);
    }

    @Test
    void shippedConfigurationFileLoadsToTheDefaultsAndNamesEveryKey() throws Exception {
        Path conf = DIST.resolve("conf/tessera.yaml");
        Path dataDir = tmp.resolve("data");
        KernelConfig loaded = new ConfigLoader(dataDir).file(conf, true).load();
        assertThat(loaded).isEqualTo(KernelConfig.defaults(dataDir));
        String text = Files.readString(conf);
        for (ConfigKey key : ConfigKey.values()) {
            String leaf = key.key().substring(key.key().lastIndexOf('.') + 1);
            assertThat(text).as("conf/tessera.yaml mentions %s", key.key()).contains(leaf + ":");
        }
    }

    @Test
    void tarballHoldsTheSameFilesUnderOneFolderWithAnExecutableLauncher() throws Exception {
        String base = DIST.getFileName().toString() + "/";
        List<String> listing = run(List.of("tar", "-tzvf", TARBALL.toString()), Map.of()).stdout().lines().toList();
        List<String> names = new ArrayList<>();
        for (String line : listing) {
            String name = line.substring(line.lastIndexOf(' ') + 1);
            assertThat(name).as("every entry is below %s", base).startsWith(base);
            names.add(name.substring(base.length()));
            if (name.equals(base + "bin/tessera")) {
                assertThat(line).startsWith("-rwxr-xr-x");
            }
        }
        assertThat(names).contains("bin/tessera", "conf/tessera.yaml", "LICENSE");
        // tar lists the folder itself only when it is empty; with packages inside it lists them
        assertThat(names).anyMatch(n -> n.equals("repository/") || n.startsWith("repository/sample-hello-"));
        try (Stream<Path> files = Files.walk(DIST)) {
            List<String> inFolder = files.filter(Files::isRegularFile)
                    .map(p -> DIST.relativize(p).toString()).toList();
            // exactly the same files: a folder with extra (stale) jars would run differently from the tar.gz
            assertThat(names.stream().filter(n -> !n.endsWith("/")).toList()).containsExactlyInAnyOrderElementsOf(inFolder);
        }
    }

    @Test
    void launcherRunsWithJavaHomeOrJavaOnPath() throws Exception {
        String javaHome = System.getProperty("java.home");
        Result withHome = run(List.of(DIST.resolve("bin/tessera").toString(), "version"),
                Map.of("JAVA_HOME", javaHome, "PATH", "/usr/bin:/bin"));
        assertThat(withHome.exit()).as(withHome.stderr()).isZero();
        assertThat(withHome.stdout()).startsWith("tessera ").contains("java ");

        // launched through a symlink from another folder, as from /usr/local/bin
        Path link = Files.createSymbolicLink(tmp.resolve("tessera"), DIST.resolve("bin/tessera"));
        Path javaOnly = Files.createDirectories(tmp.resolve("path"));
        Files.createSymbolicLink(javaOnly.resolve("java"), Path.of(javaHome, "bin", "java"));
        Result onPath = run(List.of(link.toString(), "version"), Map.of("PATH", javaOnly + ":/usr/bin:/bin"));
        assertThat(onPath.exit()).as(onPath.stderr()).isZero();
        assertThat(onPath.stdout()).startsWith("tessera ");

        Result badHome = run(List.of(DIST.resolve("bin/tessera").toString(), "version"),
                Map.of("JAVA_HOME", tmp.resolve("no-jdk").toString(), "PATH", "/usr/bin:/bin"));
        assertThat(badHome.exit()).isEqualTo(1);
        assertThat(badHome.stderr().strip()).startsWith("tessera: JAVA_HOME is ").doesNotContain("\n");
    }

    @Test
    void launcherRecordsAClassDataArchiveOnTheFirstUpAndStartsFromItAfterwards() throws Exception {
        Path cache = tmp.resolve("cache");
        Map<String, String> env = launcherEnvironment(cache);
        Path archives = cache.resolve("tessera");

        Process first = up(env, "first");
        assertThat(Files.readString(tmp.resolve("first.err"))).contains("records a class-data archive");
        assertThat(commandLine(first)).contains("-XX:ArchiveClassesAtExit=" + archives);
        stop(first);
        // written by the JVM as it exits, under a name of its own (the writer's process id)
        List<Path> recorded = list(archives);
        assertThat(recorded).singleElement().satisfies(a -> {
            assertThat(a.getFileName().toString()).matches("up-\\d+-jdk[^/]+\\.\\d+\\.jsa");
            assertThat(Files.size(a)).isPositive();
        });

        // a writer that has exited but is not reaped yet (a zombie: an orphan under a PID 1 that
        // does not reap) has finished its recording
        Process zombieParent = new ProcessBuilder("sh", "-c", "true & echo $!; exec sleep 60").start();
        long zombie = Long.parseLong(new java.io.BufferedReader(new java.io.InputStreamReader(zombieParent.getInputStream(),
                StandardCharsets.UTF_8)).readLine().strip());
        Path byZombie = recordedBy(recorded.get(0), "." + zombie);
        Files.move(recorded.get(0), byZombie);
        // a start that failed early records too, a smaller archive (unmarked here): the largest wins
        Process exited = new ProcessBuilder("true").start();
        exited.waitFor();
        long full = Files.size(byZombie);
        Path small = Files.write(recordedBy(recorded.get(0), "." + exited.pid()), new byte[16]);

        Process second = up(env, "second");
        assertThat(Files.readString(tmp.resolve("second.err"))).doesNotContain("records a class-data archive");
        // the finished recording became the archive, and this JVM maps it
        Path archive = recordedBy(recorded.get(0), "");
        assertThat(list(archives)).containsExactly(archive);
        assertThat(Files.size(archive)).isEqualTo(full);
        assertThat(small).doesNotExist();
        assertThat(commandLine(second)).contains("-XX:SharedArchiveFile=" + archive);
        stop(second);
        zombieParent.destroy();
    }

    @Test
    void aStartThatFailsLeavesNoArchiveOfItsFewClasses() throws Exception {
        Path cache = tmp.resolve("cache-after-failure");
        Map<String, String> env = launcherEnvironment(cache);
        Path archives = cache.resolve("tessera");
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Result failed = run(List.of(DIST.resolve("bin/tessera").toString(), "up", "--port", Integer.toString(taken.getLocalPort()),
                    "--set", "server.https.port=0", "--data-dir", tmp.resolve("failed").toString()), env);
            assertThat(failed.exit()).isEqualTo(1);
            assertThat(failed.stderr()).contains("records a class-data archive").contains("already in use");
        }
        // its recording is there, marked as a failed start's
        assertThat(list(archives)).hasSize(2).anySatisfy(p -> assertThat(p.getFileName().toString()).endsWith(".jsa.failed"));

        Process next = up(env, "after-failure");
        // dropped: this start records anew
        assertThat(Files.readString(tmp.resolve("after-failure.err"))).contains("records a class-data archive");
        assertThat(list(archives)).isEmpty();
        stop(next);
        assertThat(list(archives)).singleElement().satisfies(a -> assertThat(a.getFileName().toString()).endsWith(".jsa"));
    }

    /** What the launcher tests run bin/tessera with: this JDK, a plain PATH, and a class-data cache of their own. */
    private static Map<String, String> launcherEnvironment(Path cache) {
        return Map.of("JAVA_HOME", System.getProperty("java.home"), "PATH", "/usr/bin:/bin", "XDG_CACHE_HOME", cache.toString());
    }

    /** {@code recording}'s name with its writer's process id replaced by {@code writer} (".123", or "" for the archive). */
    private static Path recordedBy(Path recording, String writer) {
        return recording.resolveSibling(recording.getFileName().toString().replaceFirst("\\.\\d+\\.jsa$", writer + ".jsa"));
    }

    /** bin/tessera up on a fresh data dir, until its banner says it is up. */
    private Process up(Map<String, String> env, String name) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(DIST.resolve("bin/tessera").toString(), "up", "--port", "0",
                "--set", "server.https.port=0", "--data-dir", tmp.resolve(name).toString()).directory(tmp.toFile());
        builder.environment().clear();
        builder.environment().put("HOME", tmp.toString());
        builder.environment().putAll(env);
        Path out = tmp.resolve(name + ".out");
        Process process = builder.redirectOutput(out.toFile()).redirectError(tmp.resolve(name + ".err").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.readString(out).contains("Tessera is up")) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new AssertionError("tessera up did not come up: " + Files.readString(tmp.resolve(name + ".err")));
            }
            Thread.sleep(100);
        }
        return process;
    }

    /** Stops it as Ctrl-C does and waits for the exit (which writes a recording). */
    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("tessera up did not stop within 120 s");
        }
    }

    /** The JVM's arguments: bin/tessera execs java, so the launched process is the JVM. */
    private static String commandLine(Process process) throws IOException {
        return new String(Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline")), StandardCharsets.UTF_8)
                .replace('\0', ' ');
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }

    private record Result(int exit, String stdout, String stderr) {
    }

    /** Runs a command with exactly the given environment (plus HOME) and waits for it. */
    private Result run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(tmp.toFile());
        builder.environment().clear();
        builder.environment().put("HOME", tmp.toString());
        builder.environment().putAll(env);
        Path out = tmp.resolve("out-" + System.nanoTime());
        Path err = tmp.resolve("err-" + System.nanoTime());
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("still running after 120 s: " + command);
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
