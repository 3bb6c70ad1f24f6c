package io.tessera.benchmarks.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The built distribution (folder with {@code bin/tessera}) that benchmarks run as a user runs it. */
public final class Distribution {

    private Distribution() {
    }

    /** {@code -Dtessera.distribution}, else the distributions/target/tessera-* folder under the working directory. */
    public static Path folder() throws IOException {
        String configured = System.getProperty("tessera.distribution");
        if (configured != null) {
            return Path.of(configured);
        }
        Path target = Path.of("distributions", "target");
        if (Files.isDirectory(target)) {
            try (var list = Files.list(target)) {
                var found = list.filter(p -> Files.isExecutable(p.resolve("bin").resolve("tessera"))).findFirst();
                if (found.isPresent()) {
                    return found.get();
                }
            }
        }
        throw new IllegalStateException("no built distribution under " + target.toAbsolutePath()
                + ": run ./mvnw -B -o -q -DskipTests package first (or pass -Dtessera.distribution=<folder with bin/tessera>)");
    }

    /** The shipped launcher, {@code bin/tessera}. */
    public static Path launcher() throws IOException {
        return folder().resolve("bin").resolve("tessera");
    }
}
