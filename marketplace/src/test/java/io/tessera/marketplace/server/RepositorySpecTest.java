package io.tessera.marketplace.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositorySpecTest {

    @TempDir
    Path tmp;

    static GenericKubernetesResource repo(Map<String, Object> spec) {
        GenericKubernetesResource r = new GenericKubernetesResource();
        r.setMetadata(new ObjectMetaBuilder().withName("r").build());
        r.setAdditionalProperty("spec", spec);
        return r;
    }

    @Test
    void goDurationsAreReadAndInvalidOnesFallBackToTheDefault() {
        assertThat(RepositorySpec.parseDuration("1h30m", Duration.ZERO)).isEqualTo(Duration.ofMinutes(90));
        assertThat(RepositorySpec.parseDuration("500ms", Duration.ZERO)).isEqualTo(Duration.ofMillis(500));
        assertThat(RepositorySpec.parseDuration("15m", Duration.ZERO)).isEqualTo(Duration.ofMinutes(15));
        assertThat(RepositorySpec.parseDuration("soon", Duration.ofMinutes(7))).isEqualTo(Duration.ofMinutes(7));
        assertThat(RepositorySpec.parseDuration("0s", Duration.ofMinutes(7))).isEqualTo(Duration.ofMinutes(7));
        assertThat(RepositorySpec.parseDuration(null, Duration.ofMinutes(7))).isEqualTo(Duration.ofMinutes(7));
    }

    @Test
    void specFieldsAndDefaults() {
        RepositorySpec s = RepositorySpec.of(repo(Map.of("url", "https://x/", "insecure", true, "depth", 3,
                "basicAuth", Map.of("username", "u", "password", "p"),
                "updateStrategy", Map.of("registryPoll", Map.of("interval", "2m"), "timeout", "10s"))), Duration.ofMinutes(15));
        assertThat(s.interval()).isEqualTo(Duration.ofMinutes(2));
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.username()).isEqualTo("u");
        assertThat(s.insecure()).isTrue();
        assertThat(s.depth()).isEqualTo(3);
        RepositorySpec d = RepositorySpec.of(repo(Map.of("url", "file:///x")), Duration.ofMinutes(15));
        assertThat(d.interval()).isEqualTo(Duration.ofMinutes(15));
        assertThat(d.timeout()).isEqualTo(RepositorySpec.DEFAULT_TIMEOUT);
    }

    @Test
    void sourcesByUrlAndClearErrors() throws Exception {
        Files.writeString(tmp.resolve("x.tsr"), "not a zip");
        assertThat(RepositorySource.of(RepositorySpec.of(repo(Map.of("url", tmp.toUri().toString())), Duration.ofMinutes(1))))
                .isInstanceOf(RepositorySource.Directory.class);
        RepositorySource archive = RepositorySource.of(RepositorySpec.of(repo(Map.of("url", tmp.resolve("x.tsr").toUri().toString())),
                Duration.ofMinutes(1)));
        assertThatThrownBy(archive::index).hasMessageContaining("is not a repository archive");
        assertThatThrownBy(() -> RepositorySource.of(RepositorySpec.of(repo(Map.of("url", "ftp://x/")), Duration.ofMinutes(1))))
                .hasMessageContaining("spec.url must be file:///…, http://… or https://…");
        assertThatThrownBy(() -> RepositorySource.of(RepositorySpec.of(repo(Map.of("url", tmp.resolve("nope").toUri().toString())),
                Duration.ofMinutes(1)))).hasMessageContaining("does not exist");
        RepositorySource dir = RepositorySource.of(RepositorySpec.of(repo(Map.of("url", tmp.toUri().toString())), Duration.ofMinutes(1)));
        assertThatThrownBy(dir::index).hasMessageContaining("has no index.json");
    }
}
