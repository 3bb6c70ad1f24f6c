package io.tessera.kernel.osgi;

import io.tessera.extension.api.KernelInfo;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The packages the host (system bundle) exports to extension bundles, in one place.
 *
 * <ul>
 *   <li>every package of the extension API, with the versions its bundle manifest exports;
 *   <li>Jakarta REST (JAX-RS), so an extension's application runs on the kernel's Jersey;
 *   <li>Jackson annotations, so an extension's DTOs serialise with the kernel's Jackson;
 *   <li>SLF4J, so an extension logs through the kernel's logging.
 * </ul>
 *
 * <p>Versions are read from the OSGi manifests of the jars that provide the packages, never
 * written here, so an upgrade of a library moves its exported version with it. The fabric8
 * client is deliberately absent: extensions will get a client scoped to their declared
 * permissions from the extension runtime, not the kernel's own.
 */
public final class HostPackages {

    /** Third-party packages, each with a class that locates the jar providing it. */
    private static final Map<String, Class<?>> THIRD_PARTY = thirdParty();

    private HostPackages() {
    }

    private static Map<String, Class<?>> thirdParty() {
        Map<String, Class<?>> m = new LinkedHashMap<>();
        Class<?> jaxrs = jakarta.ws.rs.core.Application.class;
        for (String p : List.of("jakarta.ws.rs", "jakarta.ws.rs.client", "jakarta.ws.rs.container",
                "jakarta.ws.rs.core", "jakarta.ws.rs.ext", "jakarta.ws.rs.sse")) {
            m.put(p, jaxrs);
        }
        m.put("com.fasterxml.jackson.annotation", com.fasterxml.jackson.annotation.JsonProperty.class);
        m.put("org.slf4j", org.slf4j.Logger.class);
        return m;
    }

    /** The value for {@code org.osgi.framework.system.packages.extra}. */
    public static String systemPackagesExtra() throws IOException {
        List<String> clauses = new ArrayList<>();
        Map<String, String> api = exports(KernelInfo.class);
        if (api.isEmpty()) {
            throw new IOException("the extension API jar has no Export-Package header");
        }
        api.forEach((pkg, version) -> clauses.add(clause(pkg, version)));
        for (Map.Entry<String, Class<?>> e : THIRD_PARTY.entrySet()) {
            String version = exports(e.getValue()).get(e.getKey());
            if (version == null) {
                throw new IOException("the jar providing " + e.getKey() + " does not export it with a version");
            }
            clauses.add(clause(e.getKey(), version));
        }
        return String.join(",", clauses);
    }

    private static String clause(String pkg, String version) {
        return pkg + ";version=\"" + version + "\"";
    }

    /** Package → version from the Export-Package header of the jar (or classes folder) holding {@code type}. */
    static Map<String, String> exports(Class<?> type) throws IOException {
        Manifest manifest = manifestOf(type);
        String header = manifest == null ? null : manifest.getMainAttributes().getValue("Export-Package");
        Map<String, String> result = new LinkedHashMap<>();
        if (header == null) {
            return result;
        }
        for (String clause : split(header, ',')) {
            List<String> parts = split(clause, ';');
            List<String> packages = new ArrayList<>();
            String version = "0.0.0";
            for (String part : parts) {
                String p = part.trim();
                if (p.contains(":=")) {
                    continue;
                }
                int eq = p.indexOf('=');
                if (eq < 0) {
                    packages.add(p);
                } else if (p.substring(0, eq).trim().equals("version")) {
                    version = unquote(p.substring(eq + 1).trim());
                }
            }
            for (String pkg : packages) {
                // a jar may export a package twice (slf4j 2 also as 1.7.36 for old importers): keep the newest
                String v = version;
                result.merge(pkg, v, (a, b) -> org.osgi.framework.Version.parseVersion(a)
                        .compareTo(org.osgi.framework.Version.parseVersion(b)) >= 0 ? a : b);
            }
        }
        return result;
    }

    private static Manifest manifestOf(Class<?> type) throws IOException {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            throw new IOException("cannot locate the jar of " + type.getName());
        }
        Path location;
        try {
            location = Path.of(source.getLocation().toURI());
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IOException("cannot locate the jar of " + type.getName() + ": " + e.getMessage(), e);
        }
        if (Files.isDirectory(location)) {
            Path file = location.resolve("META-INF/MANIFEST.MF");
            if (!Files.exists(file)) {
                return null;
            }
            try (InputStream in = Files.newInputStream(file)) {
                return new Manifest(in);
            }
        }
        try (JarFile jar = new JarFile(location.toFile())) {
            return jar.getManifest();
        }
    }

    /** Splits an OSGi header on {@code separator} outside double quotes. */
    static List<String> split(String header, char separator) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (char c : header.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == separator && !quoted) {
                out.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        if (!current.isEmpty()) {
            out.add(current.toString());
        }
        return out;
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }
}
