package io.tessera.kernel.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of this build, from the Maven metadata that the jar plugin writes into the kernel jar. */
public final class BuildInfo {

    private static final String POM_PROPERTIES = "/META-INF/maven/io.tessera/tessera-kernel/pom.properties";

    private BuildInfo() {
    }

    /** The kernel's Maven version, or {@code "dev"} when running from a build's class folders. */
    public static String version() {
        try (InputStream in = BuildInfo.class.getResourceAsStream(POM_PROPERTIES)) {
            if (in == null) {
                return "dev";
            }
            Properties props = new Properties();
            props.load(in);
            return props.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }
}
