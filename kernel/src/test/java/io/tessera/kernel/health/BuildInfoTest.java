package io.tessera.kernel.health;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BuildInfoTest {

    @Test
    void treeStateIsKubeSpheresWordForGitsDirtyFlag() {
        assertThat(BuildInfo.treeState("false")).isEqualTo("clean");
        assertThat(BuildInfo.treeState("true")).isEqualTo("dirty");
        // not built from a git checkout: unknown, not guessed
        assertThat(BuildInfo.treeState("")).isEmpty();
    }

    @Test
    void theBuiltKernelCarriesAVersionAndADateAndACommitOnlyWithItsTreeState() {
        BuildInfo build = BuildInfo.load();
        assertThat(build.version()).isNotBlank().doesNotContain("${");
        assertThat(build.buildDate()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        // the plugin sets both or neither
        assertThat(build.gitCommit().isEmpty()).isEqualTo(build.gitTreeState().isEmpty());
        if (!build.gitCommit().isEmpty()) {
            assertThat(build.gitCommit()).matches("[0-9a-f]{40}");
        }
    }
}
