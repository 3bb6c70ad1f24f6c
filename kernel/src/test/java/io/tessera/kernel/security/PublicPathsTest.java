package io.tessera.kernel.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PublicPathsTest {

    @Test
    void kernelDefaultsAreOnlyTheProbesAndVersion() {
        PublicPaths paths = new PublicPaths();
        assertThat(paths.matches("GET", "/healthz")).isTrue();
        assertThat(paths.matches("GET", "/livez")).isTrue();
        assertThat(paths.matches("GET", "/readyz")).isTrue();
        assertThat(paths.matches("GET", "/version")).isTrue();
        assertThat(paths.matches("GET", "/metrics")).isFalse();
        assertThat(paths.matches("GET", "/healthz/extra")).isFalse();
        assertThat(paths.matches("GET", "/kapis/version")).isFalse();
    }

    @Test
    void prefixAndMethodPatterns() {
        PublicPaths paths = new PublicPaths();
        paths.add("/oauth/*");
        paths.add("POST /login");
        assertThat(paths.matches("GET", "/oauth")).isTrue();
        assertThat(paths.matches("GET", "/oauth/token")).isTrue();
        assertThat(paths.matches("GET", "/oauthx")).isFalse();
        assertThat(paths.matches("POST", "/login")).isTrue();
        assertThat(paths.matches("post", "/login")).isTrue();
        assertThat(paths.matches("GET", "/login")).isFalse();
        assertThatThrownBy(() -> paths.add("login")).isInstanceOf(IllegalArgumentException.class);
    }
}
