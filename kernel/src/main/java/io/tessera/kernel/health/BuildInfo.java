package io.tessera.kernel.health;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What the build recorded about itself (a Maven-filtered resource). The git commit and tree
 * state come from the checkout being built (git-commit-id-maven-plugin); a build outside a git
 * checkout (or in a linked worktree, see kernel/pom.xml) leaves them empty, never guessed.
 * The tree state is KubeSphere's: {@code clean} or {@code dirty}.
 */
public record BuildInfo(String version, String gitCommit, String gitTreeState, String buildDate) {

    private static final String RESOURCE = "build-info.properties";

    public static BuildInfo load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("build-info.properties is missing from the kernel jar");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new BuildInfo(value(p, "version"), value(p, "gitCommit"), treeState(value(p, "gitDirty")), value(p, "buildDate"));
    }

    static String treeState(String dirty) {
        return switch (dirty) {
            case "true" -> "dirty";
            case "false" -> "clean";
            default -> "";
        };
    }

    /** An unfiltered placeholder (a build that did not filter resources) counts as unknown. */
    private static String value(Properties p, String key) {
        String v = p.getProperty(key, "").trim();
        return v.startsWith("${") ? "" : v;
    }

    /** KubeSphere's gitVersion style: {@code v} and the version. */
    public String gitVersion() {
        return "v" + version;
    }
}
