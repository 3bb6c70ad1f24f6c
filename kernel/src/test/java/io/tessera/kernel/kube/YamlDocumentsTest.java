package io.tessera.kernel.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlDocumentsTest {

    private static final String TWO_DOCUMENTS = """
            kind: A
            list: &shared
            - x
            again: *shared
            ---
            ---
            kind: B
            n: 3
            """;

    @TempDir
    Path dir;

    @Test
    void readsEveryNonEmptyDocumentWithAliasesResolved() throws Exception {
        Files.writeString(dir.resolve("two.yaml"), TWO_DOCUMENTS);

        List<Object> documents = YamlDocuments.read(loader(), "two.yaml");

        assertThat(documents).containsExactly(Map.of("kind", "A", "list", List.of("x"), "again", List.of("x")),
                Map.of("kind", "B", "n", 3));
    }

    @Test
    void theBuildsJsonTwinHoldsTheSameDocuments() throws Exception {
        Files.createDirectories(dir.resolve("nested"));
        Files.writeString(dir.resolve("nested/two.yaml"), TWO_DOCUMENTS);
        List<Object> fromYaml = YamlDocuments.read(loader(), "nested/two.yaml");

        YamlDocuments.main(new String[] {dir.toString()});

        assertThat(dir.resolve("nested/two.yaml.json")).exists();
        assertThat(YamlDocuments.read(loader(), "nested/two.yaml")).isEqualTo(fromYaml);
    }

    @Test
    void aTwinIsWhatIsRead() throws Exception {
        Files.writeString(dir.resolve("one.yaml"), "kind: FromYaml\n");
        Files.writeString(dir.resolve("one.yaml.json"), "[{\"kind\":\"FromTwin\"}]");

        assertThat(YamlDocuments.read(loader(), "one.yaml")).containsExactly(Map.of("kind", "FromTwin"));
    }

    @Test
    void aMissingResourceAndBrokenYamlAreTold() throws Exception {
        Files.writeString(dir.resolve("broken.yaml"), "kind: [unclosed\n");

        assertThatThrownBy(() -> YamlDocuments.read(loader(), "absent.yaml")).isInstanceOf(FileNotFoundException.class);
        assertThatThrownBy(() -> YamlDocuments.read(loader(), "broken.yaml")).isInstanceOf(IOException.class)
                .isNotInstanceOf(FileNotFoundException.class).hasMessageStartingWith("not valid YAML");
        assertThatThrownBy(() -> YamlDocuments.main(new String[] {dir.resolve("absent").toString()}))
                .isInstanceOf(IOException.class).hasMessageContaining("is not a directory");
    }

    private ClassLoader loader() throws IOException {
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, null);
    }
}
