package io.tessera.kernel.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/configuration.md lists every key with its environment variable and default, and nothing else. */
class ConfigDocsTest {

    private static final Path DOC = Path.of("..", "docs", "configuration.md");

    @Test
    void everyKeyIsDocumentedWithItsVariableAndDefault() throws IOException {
        List<String> rows = Files.readAllLines(DOC).stream().filter(l -> l.startsWith("| `")).toList();
        for (ConfigKey key : ConfigKey.values()) {
            String row = rows.stream().filter(r -> r.startsWith("| `" + key.key() + "` |")).findFirst()
                    .orElseThrow(() -> new AssertionError(DOC + " has no row for " + key.key()));
            assertThat(row).as(key.key())
                    .contains("| `" + key.environmentVariable() + "` |")
                    .contains("| `" + key.defaultText() + "` |");
        }
        assertThat(rows).as("rows for keys that do not exist").hasSize(ConfigKey.values().length);
    }
}
