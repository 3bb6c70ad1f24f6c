package io.tessera.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./tessera} at the repository root: it runs the packaged distribution when that is newer
 * than every source, and would rebuild otherwise. {@code TESSERA_NO_BUILD} turns the rebuild into
 * an error, so these tests never start a nested Maven build.
 */
class RootLauncherIT {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    @Test
    void packagingLeavesNothingToRebuild() throws Exception {
        // this IT runs after `package` in the same build: the distribution must count as current
        Result result = run(REPO.resolve("tessera"), List.of("version"));
        assertThat(result.stderr()).doesNotContain("building").doesNotContain("older than the sources");
        assertThat(result.exit()).isZero();
        assertThat(result.stdout()).startsWith("tessera ");
    }

    @Test
    void aSourceOrPomNewerThanTheDistributionMeansStale() throws Exception {
        // a miniature repository: the real script, a pom with a version, a built distribution whose
        // bin/tessera only reports how it was called, and one source file
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        Files.copy(REPO.resolve("tessera"), repo.resolve("tessera"));
        Files.writeString(repo.resolve("pom.xml"), "<project>\n  <version>9.9.9</version>\n</project>\n");
        Path bin = Files.createDirectories(repo.resolve("distributions/target/tessera-9.9.9/bin"));
        Files.writeString(bin.resolve("tessera"), "#!/bin/sh\necho \"ran $* with $TESSERA_JAVA_OPTS\"\n");
        Files.setPosixFilePermissions(bin.resolve("tessera"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Path stamp = Files.writeString(repo.resolve("distributions/target/tessera-9.9.9.tar.gz"), "");
        Path source = Files.writeString(Files.createDirectories(repo.resolve("kernel/src/main/java")).resolve("A.java"), "");
        Instant built = Instant.now().minusSeconds(60);
        Files.setLastModifiedTime(stamp, FileTime.from(built));
        Files.setLastModifiedTime(repo.resolve("pom.xml"), FileTime.from(built.minusSeconds(60)));
        Files.setLastModifiedTime(source, FileTime.from(built.minusSeconds(60)));

        Result current = run(repo.resolve("tessera"), List.of("up", "--port", "1"));
        assertThat(current.exit()).as(current.stderr()).isZero();
        assertThat(current.stdout()).startsWith("ran up --port 1 with -Dtessera.defaultDataDir=" + repo.toRealPath().resolve(".tessera"));

        Files.setLastModifiedTime(source, FileTime.from(built.plusSeconds(10)));
        Result staleSource = run(repo.resolve("tessera"), List.of("version"));
        assertThat(staleSource.exit()).isEqualTo(1);
        assertThat(staleSource.stderr()).contains("older than the sources");

        Files.setLastModifiedTime(source, FileTime.from(built.minusSeconds(60)));
        Files.setLastModifiedTime(repo.resolve("pom.xml"), FileTime.from(built.plusSeconds(10)));
        assertThat(run(repo.resolve("tessera"), List.of("version")).exit()).isEqualTo(1);

        // files under target/ are build output, not sources
        Files.setLastModifiedTime(repo.resolve("pom.xml"), FileTime.from(built.minusSeconds(60)));
        Path output = Files.writeString(Files.createDirectories(repo.resolve("kernel/target/src/x")).resolve("B.java"), "");
        Files.setLastModifiedTime(output, FileTime.from(built.plusSeconds(10)));
        assertThat(run(repo.resolve("tessera"), List.of("version")).exit()).isZero();
    }

    private record Result(int exit, String stdout, String stderr) {
    }

    /** Runs the script from an unrelated working directory, as a user may. */
    private Result run(Path script, List<String> args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(script.toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(tmp.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("TESSERA_"));
        builder.environment().putAll(Map.of("TESSERA_NO_BUILD", "1"));
        Path out = tmp.resolve("out-" + System.nanoTime());
        Path err = tmp.resolve("err-" + System.nanoTime());
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("still running after 120 s: " + command);
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
