package io.tessera.marketplace.scaffold;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * A new third-party extension project from the templates next to this class: a Maven project
 * that depends on extension-api and the extension test kit from Tessera's SDK repository (the
 * distribution's {@code sdk/repository}, a {@code file://} repository in the project's pom),
 * with an API route, a console page, role templates, a test in a real kernel and, when the SDK
 * ships it, the Maven wrapper.
 */
public final class Scaffold {

    /** The manifest's rule for names: lowercase letters, digits and '-', at most 32. */
    public static final Pattern NAME = Pattern.compile("^[a-z]([-a-z0-9]{0,30}[a-z0-9])?$");
    private static final Pattern GROUP_ID = Pattern.compile("^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*$");
    private static final String BASE = "/io/tessera/marketplace/scaffold/";

    private final String name;
    private final String groupId;
    private final Path sdkRepository;
    private final Path mavenWrapper;

    /**
     * @param sdkRepository the SDK's Maven repository (must exist)
     * @param mavenWrapper a folder with mvnw, mvnw.cmd and .mvn/wrapper, copied when not null
     */
    public Scaffold(String name, String groupId, Path sdkRepository, Path mavenWrapper) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("extension name '" + name + "' must be lowercase letters, digits and '-', start with a letter, at most 32");
        }
        if (!GROUP_ID.matcher(groupId).matches()) {
            throw new IllegalArgumentException("group id '" + groupId + "' must look like a Java package, e.g. com.example");
        }
        this.name = name;
        this.groupId = groupId;
        this.sdkRepository = sdkRepository;
        this.mavenWrapper = mavenWrapper;
    }

    /** Writes the project into {@code target} (absent or empty); returns the files written. */
    public List<Path> writeTo(Path target) throws IOException {
        if (Files.exists(target)) {
            try (var entries = Files.list(target)) {
                if (entries.findAny().isPresent()) {
                    throw new IOException(target + " already exists and is not empty; choose another name or remove it");
                }
            }
        }
        if (!Files.isDirectory(sdkRepository.resolve("io/tessera/tessera-extension-api"))) {
            throw new IOException(sdkRepository + " is not Tessera's SDK repository (no io/tessera/tessera-extension-api)");
        }
        Map<String, String> tokens = tokens();
        List<Path> written = new ArrayList<>();
        // written into a sibling first, so a failure leaves no half project
        Path staging = Files.createTempDirectory(target.toAbsolutePath().getParent(), "." + name + "-new");
        try {
            for (String file : resource("files.txt").lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList()) {
                String text = replace(resource("t/" + file + ".tmpl"), tokens);
                Path out = staging.resolve(replace(file, tokens));
                Files.createDirectories(out.getParent());
                Files.writeString(out, text, StandardCharsets.UTF_8);
                written.add(target.resolve(staging.relativize(out)));
            }
            if (mavenWrapper != null) {
                for (String f : List.of("mvnw", "mvnw.cmd", ".mvn/wrapper/maven-wrapper.properties")) {
                    Path from = mavenWrapper.resolve(f);
                    if (Files.exists(from)) {
                        Path out = staging.resolve(f);
                        Files.createDirectories(out.getParent());
                        Files.copy(from, out, StandardCopyOption.REPLACE_EXISTING);
                        if (f.equals("mvnw")) {
                            executable(out);
                        }
                        written.add(target.resolve(f));
                    }
                }
            }
            if (Files.exists(target)) {
                Files.delete(target);
            }
            Files.move(staging, target);
        } finally {
            deleteTree(staging);
        }
        return written;
    }

    Map<String, String> tokens() {
        Properties versions = new Properties();
        try (InputStream in = Scaffold.class.getResourceAsStream(BASE + "versions.properties")) {
            versions.load(in);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("the scaffold's versions.properties is missing from the build", e);
        }
        String tessera = versions.getProperty("tessera");
        String javaName = name.replace("-", "");
        StringBuilder className = new StringBuilder();
        for (String part : name.split("-")) {
            className.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        StringBuilder title = new StringBuilder();
        for (String part : name.split("-")) {
            title.append(title.length() == 0 ? "" : " ").append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        String pkg = groupId + "." + (Character.isDigit(javaName.charAt(0)) ? "x" + javaName : javaName);
        Map<String, String> t = new LinkedHashMap<>();
        t.put("__PACKAGE_PATH__", pkg.replace('.', '/'));
        t.put("__PACKAGE__", pkg);
        t.put("__CLASS__", className.toString());
        t.put("__NAME__", name);
        t.put("__TITLE__", title.toString());
        t.put("__KEY__", name.toUpperCase().replace('-', '_'));
        t.put("__GROUP_ID__", groupId);
        // a group of its own under the publisher's domain, so routes never collide with another extension's
        t.put("__API_GROUP__", name + "." + reverse(groupId));
        t.put("__TESSERA_VERSION__", tessera);
        t.put("__KERNEL_RANGE__", tessera.replaceAll("-.*$", "") + "-0");
        t.put("__SDK_URL__", sdkRepository.toAbsolutePath().normalize().toUri().toString().replaceAll("/+$", ""));
        t.put("__JUNIT_VERSION__", versions.getProperty("junit"));
        t.put("__SLF4J_VERSION__", versions.getProperty("slf4j"));
        t.put("__BND_VERSION__", versions.getProperty("bnd"));
        return t;
    }

    /** com.example → example.com */
    private static String reverse(String groupId) {
        List<String> parts = new ArrayList<>(List.of(groupId.split("\\.")));
        java.util.Collections.reverse(parts);
        return String.join(".", parts);
    }

    private static String replace(String text, Map<String, String> tokens) {
        String s = text;
        for (Map.Entry<String, String> e : tokens.entrySet()) {
            s = s.replace(e.getKey(), e.getValue());
        }
        return s;
    }

    private static String resource(String path) throws IOException {
        try (InputStream in = Scaffold.class.getResourceAsStream(BASE + path)) {
            if (in == null) {
                throw new IOException("scaffold template " + path + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void executable(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows uses mvnw.cmd
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
