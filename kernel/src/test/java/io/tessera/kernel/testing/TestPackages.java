package io.tessera.kernel.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Builds extension packages ({@code .tsx.zip}) around the test extension in {@code testext.greeter}. */
public final class TestPackages {

    private static final String PACKAGE = "io.tessera.kernel.testext.greeter";
    private static final String[] CLASSES = {"GreeterExtension", "GreeterApplication", "GreeterResource"};

    private TestPackages() {
    }

    /**
     * A greeter package: {@code configYaml} is the configSchema's property block (defaults), so
     * versions can differ in behaviour with the same classes.
     */
    public static Path greeter(Path dir, String name, String version, String group, String defaultsSchema)
            throws IOException {
        return greeter(dir, name, version, group, defaultsSchema, "");
    }

    /** @param extraYaml more top-level extension.yaml fields, e.g. {@code dependencies: {greeter: ">=1.0.0"}} */
    public static Path greeter(Path dir, String name, String version, String group, String defaultsSchema, String extraYaml)
            throws IOException {
        Files.createDirectories(dir);
        byte[] bundle = bundle(name, version);
        String yaml = """
                apiVersion: kubesphere.io/v1alpha1
                name: %s
                version: %s
                displayName: {en: Greeter, zh: 问候}
                description: {en: A test extension, zh: 测试扩展}
                category: dev-tools
                provider: {en: {name: Tessera tests}}
                kernelVersion: ">=0.1.0-0"
                permissions:
                - group: ""
                  resources: [configmaps]
                  verbs: [get, list, watch]
                bundles: [bundles/greeter.jar]
                console:
                  entry: console/index.js
                  entries:
                  - {parent: global, name: %s, link: /%s, title: GREETER, icon: cluster, order: 0,
                     requires: ["GET /kapis/%s/v1alpha1/greetings"]}
                configSchema:
                  type: object
                  properties:
                    group: {type: string, default: %s}
                %s
                %s
                """.formatted(name, version, name, name, group, group, defaultsSchema.indent(4).stripTrailing(), extraYaml);
        Path file = dir.resolve(name + "-" + version + ".tsx.zip");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            put(zip, "extension.yaml", yaml.getBytes(StandardCharsets.UTF_8));
            put(zip, "bundles/greeter.jar", bundle);
            put(zip, "console/index.js", ("export default { name: '" + name + "', version: '" + version + "' };\n")
                    .getBytes(StandardCharsets.UTF_8));
            put(zip, "README.md", "# Greeter\n".getBytes(StandardCharsets.UTF_8));
            put(zip, "CHANGELOG.md", ("## " + version + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return file;
    }

    private static byte[] bundle(String name, String version) throws IOException {
        Manifest manifest = new Manifest();
        Attributes a = manifest.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", "test." + name);
        a.putValue("Bundle-Version", version);
        a.putValue("Tessera-Extension", PACKAGE + ".GreeterExtension");
        a.putValue("Import-Package", String.join(",",
                "io.tessera.extension.api;version=\"[0.2,1)\"",
                "io.tessera.extension.api.kube;version=\"[0.1,1)\"",
                "jakarta.ws.rs;version=\"[4.0,5)\"",
                "jakarta.ws.rs.container;version=\"[4.0,5)\"",
                "jakarta.ws.rs.core;version=\"[4.0,5)\""));
        var out = new java.io.ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(out, manifest)) {
            String folder = PACKAGE.replace('.', '/') + "/";
            for (String c : CLASSES) {
                String entry = folder + c + ".class";
                try (InputStream in = TestPackages.class.getClassLoader().getResourceAsStream(entry)) {
                    if (in == null) {
                        throw new IOException("test class " + entry + " not compiled");
                    }
                    jar.putNextEntry(new JarEntry(entry));
                    in.transferTo(jar);
                    jar.closeEntry();
                }
            }
        }
        return out.toByteArray();
    }

    private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(data);
        zip.closeEntry();
    }

}
