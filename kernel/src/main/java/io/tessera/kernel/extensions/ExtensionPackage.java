package io.tessera.kernel.extensions;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * One extension package: a zip ({@code .tsx.zip}) holding {@code extension.yaml}, the bundle(s)
 * under {@code bundles/}, the CRDs it owns under {@code crds/}, console assets under
 * {@code console/}, README.md and CHANGELOG.md. Layout: docs/extension-package.md.
 */
public final class ExtensionPackage {

    public static final String SUFFIX = ".tsx.zip";

    private final Path file;
    private final ExtensionManifest manifest;

    private ExtensionPackage(Path file, ExtensionManifest manifest) {
        this.file = file;
        this.manifest = manifest;
    }

    public static ExtensionPackage open(Path file) throws IOException, ExtensionManifest.InvalidManifestException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry yaml = zip.getEntry("extension.yaml");
            if (yaml == null) {
                throw new IOException(file.getFileName() + " has no extension.yaml at its root");
            }
            ExtensionManifest manifest;
            try (InputStream in = zip.getInputStream(yaml)) {
                manifest = ExtensionManifest.parse(in);
            }
            List<String> missing = new ArrayList<>();
            for (String b : manifest.bundles()) {
                if (zip.getEntry(b) == null) {
                    missing.add(b);
                }
            }
            if (!missing.isEmpty()) {
                throw new IOException(file.getFileName() + ": bundles listed in extension.yaml are missing: " + missing);
            }
            return new ExtensionPackage(file, manifest);
        }
    }

    public Path file() {
        return file;
    }

    public ExtensionManifest manifest() {
        return manifest;
    }

    /** Copies the package's bundles into {@code dir} (unique names per call) and returns them in order. */
    public List<Path> extractBundles(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> out = new ArrayList<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (String b : manifest.bundles()) {
                Path target = Files.createTempFile(dir, manifest.name() + "-" + manifest.version() + "-", ".jar");
                try (InputStream in = zip.getInputStream(zip.getEntry(b))) {
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
                out.add(target);
            }
        }
        return out;
    }

    /** Entries under {@code crds/} (YAML streams of CustomResourceDefinitions). */
    public List<byte[]> crds() throws IOException {
        return yamlUnder("crds/");
    }

    /** Entries under {@code roletemplates/} (YAML streams of iam.kubesphere.io RoleTemplates). */
    public List<byte[]> roleTemplates() throws IOException {
        return yamlUnder("roletemplates/");
    }

    private List<byte[]> yamlUnder(String folder) throws IOException {
        List<byte[]> out = new ArrayList<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            var entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (!e.isDirectory() && e.getName().startsWith(folder)
                        && (e.getName().endsWith(".yaml") || e.getName().endsWith(".yml"))) {
                    try (InputStream in = zip.getInputStream(e)) {
                        out.add(in.readAllBytes());
                    }
                }
            }
        }
        return out;
    }

    /** A console asset ({@code console/…}), or null. Paths with {@code ..} are never resolved. */
    public byte[] consoleAsset(String relative) throws IOException {
        if (relative.contains("..") || relative.startsWith("/")) {
            return null;
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry e = zip.getEntry("console/" + relative);
            if (e == null || e.isDirectory()) {
                return null;
            }
            try (InputStream in = zip.getInputStream(e)) {
                return in.readAllBytes();
            }
        }
    }
}
