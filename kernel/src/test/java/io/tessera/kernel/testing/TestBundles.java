package io.tessera.kernel.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Assembles a real OSGi bundle jar from compiled test classes and a hand-written manifest, so
 * the bundle's classes are loaded by Felix from the jar, not from the test class path.
 */
public final class TestBundles {

    private static final String HELLO_PACKAGE = "io.tessera.kernel.testbundle.hello";
    private static final String[] HELLO_CLASSES = {"HelloActivator", "HelloApplication", "HelloResource", "Greeting"};

    private TestBundles() {
    }

    /** A bundle that serves GET /kapis/{group}/v1/greetings/{name} with {@code message}. */
    public static Path hello(Path dir, String symbolicName, String version, String group, String message)
            throws IOException {
        Manifest manifest = new Manifest();
        Attributes a = manifest.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", symbolicName);
        a.putValue("Bundle-Version", version);
        a.putValue("Bundle-Activator", HELLO_PACKAGE + ".HelloActivator");
        a.putValue("Import-Package", String.join(",",
                "io.tessera.extension.api;version=\"[0.1,1)\"",
                "io.tessera.extension.api.http;version=\"[0.1,1)\"",
                "com.fasterxml.jackson.annotation;version=\"[2.0,3)\"",
                "jakarta.ws.rs;version=\"[4.0,5)\"",
                "jakarta.ws.rs.core;version=\"[4.0,5)\"",
                "org.osgi.framework;version=\"[1.10,2)\""));
        a.putValue("Private-Package", HELLO_PACKAGE);
        a.putValue("Hello-Group", group);
        a.putValue("Hello-Message", message);
        Path jar = dir.resolve(symbolicName + "-" + version + ".jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out, manifest)) {
            String folder = HELLO_PACKAGE.replace('.', '/') + "/";
            for (String name : HELLO_CLASSES) {
                String entry = folder + name + ".class";
                try (InputStream in = TestBundles.class.getClassLoader().getResourceAsStream(entry)) {
                    if (in == null) {
                        throw new IOException("test class " + entry + " not compiled");
                    }
                    zip.putNextEntry(new JarEntry(entry));
                    in.transferTo(zip);
                    zip.closeEntry();
                }
            }
        }
        return jar;
    }
}
