package io.tessera.kernel.osgi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostPackagesTest {

    @Test
    void exportsTheExtensionApiAndTheChosenLibrariesWithVersions() throws Exception {
        String extra = HostPackages.systemPackagesExtra();
        List<String> clauses = HostPackages.split(extra, ',');
        assertThat(clauses).anyMatch(c -> c.startsWith("io.tessera.extension.api;version=\"0.4.0\""));
        assertThat(clauses).anyMatch(c -> c.startsWith("io.tessera.extension.api.kube;version=\"0.2.0\""));
        assertThat(clauses).anyMatch(c -> c.startsWith("io.tessera.extension.api.http;version=\"0.1.0\""));
        assertThat(clauses).anyMatch(c -> c.matches("jakarta\\.ws\\.rs\\.core;version=\"4\\.\\d+\\.\\d+\""));
        assertThat(clauses).anyMatch(c -> c.matches("com\\.fasterxml\\.jackson\\.annotation;version=\"2\\.\\d+(\\.\\d+)?\""));
        assertThat(clauses).anyMatch(c -> c.matches("org\\.slf4j;version=\"2\\.\\d+\\.\\d+\""));
        assertThat(clauses).noneMatch(c -> c.startsWith("io.fabric8"));
        assertThat(clauses).allMatch(c -> c.contains(";version=\""));
    }

    @Test
    void splitRespectsQuotes() {
        assertThat(HostPackages.split("a;uses:=\"x,y\";version=\"1.0\",b", ','))
                .containsExactly("a;uses:=\"x,y\";version=\"1.0\"", "b");
    }
}
