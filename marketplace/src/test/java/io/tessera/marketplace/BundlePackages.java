package io.tessera.marketplace;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Packages whose bundle really starts: {@link io.tessera.marketplace.testext.NoopExtension} in an OSGi jar. */
final class BundlePackages {

    private static final String CLASS = "io/tessera/marketplace/testext/NoopExtension.class";

    private BundlePackages() {
    }

    static Path noop(Path dir, String name, String version, Map<String, String> deps) throws IOException {
        return noop(dir, name, version, deps, ">=0.1.0-0");
    }

    static Path noop(Path dir, String name, String version, Map<String, String> deps, String kernelRange) throws IOException {
        Files.createDirectories(dir);
        String depYaml = deps.isEmpty() ? "{}" : deps.entrySet().stream().map(e -> "\"" + e.getKey() + "\": \"" + e.getValue() + "\"")
                .collect(Collectors.joining(", ", "{", "}"));
        String yaml = """
                apiVersion: kubesphere.io/v1alpha1
                name: %s
                version: %s
                displayName: {en: %s, zh: %s}
                description: {en: a marketplace test extension, zh: a marketplace test extension}
                category: dev-tools
                keywords: [marketplace-test]
                kernelVersion: "%s"
                dependencies: %s
                permissions:
                - group: ""
                  resources: [configmaps]
                  verbs: [get]
                bundles: [bundles/noop.jar]
                """.formatted(name, version, name, name, kernelRange, depYaml);
        Manifest manifest = new Manifest();
        Attributes a = manifest.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", "test." + name);
        a.putValue("Bundle-Version", version);
        a.putValue("Tessera-Extension", "io.tessera.marketplace.testext.NoopExtension");
        a.putValue("Import-Package", "io.tessera.extension.api;version=\"[0.2,1)\"");
        ByteArrayOutputStream jarBytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(jarBytes, manifest);
                InputStream in = BundlePackages.class.getClassLoader().getResourceAsStream(CLASS)) {
            jar.putNextEntry(new JarEntry(CLASS));
            in.transferTo(jar);
            jar.closeEntry();
        }
        Path file = dir.resolve(name + "-" + version + ".tsx.zip");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new ZipEntry("extension.yaml"));
            zip.write(yaml.getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("bundles/noop.jar"));
            zip.write(jarBytes.toByteArray());
            zip.putNextEntry(new ZipEntry("README.md"));
            zip.write(("# " + name + "\n").getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return file;
    }
}
