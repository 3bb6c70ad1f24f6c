package io.tessera.kernel.extensions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ExtensionManifestTest {

    static ExtensionManifest parse(String yaml) throws Exception {
        return ExtensionManifest.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }

    static final String VALID = """
            name: demo
            version: 1.2.3
            displayName: {en: Demo, zh: 演示}
            description: {en: A demo, zh: 演示}
            category: dev-tools
            permissions:
            - {group: "", resources: [configmaps], verbs: [get, list]}
            console:
              entries: [{parent: cluster.tools, name: demo}]
            configSchema:
              type: object
              properties:
                greeting: {type: string, default: hi}
                nested: {type: object, properties: {n: {type: integer, default: 3}}}
            """;

    @Test
    void validManifestGivesPermissionsDefaultsAndNamespace() throws Exception {
        ExtensionManifest m = parse(VALID);
        assertThat(m.namespace()).isEqualTo("extension-demo");
        assertThat(m.allows("", "configmaps", "list")).isTrue();
        assertThat(m.allows("", "secrets", "list")).isFalse();
        assertThat(m.allows("", "configmaps", "delete")).isFalse();
        assertThat(m.configDefaults()).containsEntry("greeting", "hi");
        assertThat(m.configDefaults().get("nested")).isEqualTo(java.util.Map.of("n", 3));
    }

    @Test
    void everyErrorNamesItsField() {
        assertThatThrownBy(() -> parse("""
                name: Bad_Name
                version: one
                displayName: {en: X}
                permissions:
                - {resources: [pods], verbs: [frobnicate]}
                console:
                  entries: [{parent: nowhere}, {parent: global, name: x, requires: ["/kapis/no/method"]}]
                """))
                .isInstanceOf(ExtensionManifest.InvalidManifestException.class)
                .satisfies(e -> assertThat(((ExtensionManifest.InvalidManifestException) e).errors()).anySatisfy(s -> assertThat(s).startsWith("name:"))
                        .anySatisfy(s -> assertThat(s).startsWith("version:"))
                        .anySatisfy(s -> assertThat(s).startsWith("displayName.zh:"))
                        .anySatisfy(s -> assertThat(s).startsWith("description:"))
                        .anySatisfy(s -> assertThat(s).startsWith("category:"))
                        .anySatisfy(s -> assertThat(s).startsWith("permissions[0].verbs: unknown verb \"frobnicate\""))
                        .anySatisfy(s -> assertThat(s).startsWith("console.entries[0].name:"))
                        .anySatisfy(s -> assertThat(s).startsWith("console.entries[0].parent:"))
                        .anySatisfy(s -> assertThat(s).startsWith("console.entries[1].requires: must be a list of API calls")));
    }

    @Test
    void notYamlIsOneClearError() {
        assertThatThrownBy(() -> parse("name: [unclosed"))
                .hasMessageStartingWith("extension.yaml is not valid: (document): not valid YAML");
    }

    @Test
    void versionsCompareAsSemver() {
        assertThat(RepositoryLoader.compareVersions("1.10.0", "1.9.0")).isPositive();
        assertThat(RepositoryLoader.compareVersions("1.0.0-rc.1", "1.0.0")).isNegative();
    }
}
