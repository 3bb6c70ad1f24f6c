package io.tessera.kernel.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Kubernetes objects kept as YAML on the class path (the kernel's CRDs and built-in objects), read
 * as plain maps and lists. The build writes a JSON twin next to each such file ({@code x.yaml} →
 * {@code x.yaml.json}, an array of its documents; {@link #main}), which is what a boot reads: a
 * cold JVM parses JSON several times faster than YAML, and the YAML was about a twentieth of a
 * boot's CPU. A file without a twin (an extension's CRDs, a test's) is read as YAML, with the
 * reader fabric8 uses (aliases resolved, empty documents skipped), so both give the same objects.
 */
public final class YamlDocuments {

    static final String TWIN_SUFFIX = ".json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private YamlDocuments() {
    }

    /**
     * The non-empty documents of the YAML resource {@code resource} (no leading slash) of
     * {@code loader}, each a map, list or scalar as YAML has it.
     *
     * @throws FileNotFoundException when there is no such resource
     * @throws IOException when it is not YAML
     */
    public static List<Object> read(ClassLoader loader, String resource) throws IOException {
        try (InputStream twin = loader.getResourceAsStream(resource + TWIN_SUFFIX)) {
            if (twin != null) {
                return List.of(JSON.readValue(twin, Object[].class));
            }
        }
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new FileNotFoundException(resource);
            }
            return parse(in);
        }
    }

    private static List<Object> parse(InputStream yaml) throws IOException {
        List<Object> documents = new ArrayList<>();
        try {
            for (Object document : new Load(LoadSettings.builder().build()).loadAllFromInputStream(yaml)) {
                if (document != null) {
                    documents.add(document);
                }
            }
        } catch (RuntimeException e) {
            throw new IOException("not valid YAML: " + e.getMessage(), e);
        }
        return documents;
    }

    /**
     * The build's step (process-classes): writes the JSON twin of every {@code .yaml} file under
     * each directory given, replacing an older twin.
     */
    public static void main(String[] directories) throws IOException {
        for (String directory : directories) {
            Path root = Path.of(directory);
            if (!Files.isDirectory(root)) {
                throw new IOException(root + " is not a directory");
            }
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(f -> f.getFileName().toString().endsWith(".yaml")).forEach(YamlDocuments::writeTwin);
            }
        }
    }

    private static void writeTwin(Path yaml) {
        try (InputStream in = Files.newInputStream(yaml)) {
            List<Object> documents = parse(in);
            Files.write(yaml.resolveSibling(yaml.getFileName() + TWIN_SUFFIX), JSON.writeValueAsBytes(documents));
        } catch (IOException e) {
            throw new UncheckedIOException(yaml + ": " + e.getMessage(), e);
        }
    }
}
