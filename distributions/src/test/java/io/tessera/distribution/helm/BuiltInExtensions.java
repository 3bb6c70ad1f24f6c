package io.tessera.distribution.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The permissions the extensions shipped in the image's built-in repository declare
 * ({@code extensions/<name>/src/extension/extension.yaml}), as RBAC calls ({@code verb group resource},
 * group {@code core} for ""). An extension's scoped client refuses anything else, so these bound
 * what the extensions can ask of the cluster through the kernel's service account.
 */
final class BuiltInExtensions {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private BuiltInExtensions() {
    }

    /** Each extension (its module's folder; the manifest's name is a build-time placeholder) with its declared calls. */
    static List<Declared> declared() throws IOException {
        List<Declared> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(RenderedChart.REPOSITORY.resolve("extensions"))) {
            for (Path manifest : dirs.map(d -> d.resolve("src/extension/extension.yaml")).filter(Files::isRegularFile).sorted().toList()) {
                JsonNode m = YAML.readTree(manifest.toFile());
                List<String> calls = new ArrayList<>();
                for (JsonNode p : m.path("permissions")) {
                    String group = p.path("group").asText("");
                    for (JsonNode resource : p.path("resources")) {
                        for (JsonNode verb : p.path("verbs")) {
                            calls.add(verb.asText() + " " + (group.isEmpty() ? "core" : group) + " " + resource.asText());
                        }
                    }
                }
                out.add(new Declared(manifest.getParent().getParent().getParent().getFileName().toString(), calls));
            }
        }
        return out;
    }

    /** The API groups the built-in extensions declare calls on. */
    static List<String> groups() throws IOException {
        return declared().stream().flatMap(d -> d.calls().stream()).map(c -> c.split(" ")[1]).distinct().sorted().toList();
    }

    record Declared(String extension, List<String> calls) {
    }
}
