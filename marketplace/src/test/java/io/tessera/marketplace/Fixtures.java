package io.tessera.marketplace;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes small but valid extension packages (extension.yaml + one bundle entry) for the tests. */
final class Fixtures {

    private Fixtures() {
    }

    static Path pkg(Path dir, String name, String version, Map<String, String> deps, String kernelRange) throws IOException {
        Files.createDirectories(dir);
        String depYaml = deps.isEmpty() ? "{}" : deps.entrySet().stream().map(e -> "\"" + e.getKey() + "\": \"" + e.getValue() + "\"")
                .collect(Collectors.joining(", ", "{", "}"));
        String yaml = """
                apiVersion: kubesphere.io/v1alpha1
                name: %s
                version: %s
                displayName: {en: %s, zh: %s}
                description: {en: test package %s, zh: test package %s}
                category: dev-tools
                keywords: [test]
                kernelVersion: "%s"
                dependencies: %s
                permissions:
                - group: samples.tessera.io
                  resources: [greetings]
                  verbs: [get, list]
                bundles: [bundles/%s.jar]
                """.formatted(name, version, name, name, name, name, kernelRange, depYaml, name);
        Path file = dir.resolve(name + "-" + version + ".tsx.zip");
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("extension.yaml"));
            zip.write(yaml.getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("bundles/" + name + ".jar"));
            zip.write(("bundle of " + name + " " + version).getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("README.md"));
            zip.write(("# " + name).getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return file;
    }
}
