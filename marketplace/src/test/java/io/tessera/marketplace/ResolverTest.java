package io.tessera.marketplace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.marketplace.index.IndexEntry;
import io.tessera.marketplace.resolve.Resolver;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResolverTest {

    private static IndexEntry e(String name, String version, String kernel, Map<String, String> deps) {
        return new IndexEntry(name, version, name + "-" + version + ".tsx.zip", 1, "00", null, null, "x", null, null, null, null,
                kernel, deps, null, null, null);
    }

    private static List<String> ids(List<Resolver.Step> steps) {
        return steps.stream().map(s -> s.entry().id() + (s.alreadyInstalled() ? "(installed)" : "")).toList();
    }

    private final List<IndexEntry> catalog = List.of(
            e("b", "0.9.0", null, Map.of()),
            e("b", "1.0.0", null, Map.of()),
            e("b", "1.4.2", null, Map.of()),
            e("b", "2.0.0", null, Map.of()),
            e("a", "1.0.0", null, Map.of("b", ">=1.0.0 <2.0.0")),
            e("c", "1.0.0", null, Map.of("b", ">=2.0.0")),
            e("d", "1.0.0", null, Map.of("a", "^1.0.0", "c", "1.0.0")),
            e("k", "1.0.0", ">=9.0.0", Map.of()));

    @Test
    void dependenciesComeFirstWithNewestFittingVersion() throws Exception {
        assertThat(ids(new Resolver(catalog, Map.of(), "0.1.0-SNAPSHOT").resolve("a", null))).containsExactly("b-1.4.2", "a-1.0.0");
    }

    @Test
    void installedDependencyThatFitsIsKept() throws Exception {
        assertThat(ids(new Resolver(catalog, Map.of("b", "1.0.0"), "0.1.0").resolve("a", null)))
                .containsExactly("b-1.0.0(installed)", "a-1.0.0");
    }

    @Test
    void conflictNamesBothSides() {
        assertThatThrownBy(() -> new Resolver(catalog, Map.of(), "0.1.0").resolve("d", null))
                .hasMessage("a 1.0.0 needs b >=1.0.0 <2.0.0 but c 1.0.0 needs b >=2.0.0");
    }

    @Test
    void installedVersionOutsideTheRangeIsAConflict() {
        assertThatThrownBy(() -> new Resolver(catalog, Map.of("b", "2.0.0"), "0.1.0").resolve("a", null))
                .hasMessageContaining("a 1.0.0 needs b >=1.0.0 <2.0.0 but b 2.0.0 is installed");
    }

    @Test
    void kernelRangeIsChecked() {
        assertThatThrownBy(() -> new Resolver(catalog, Map.of(), "0.1.0").resolve("k", null))
                .hasMessageContaining("this kernel is 0.1.0").hasMessageContaining("k 1.0.0 needs kernel >=9.0.0");
    }

    @Test
    void missingDependencyIsNamed() {
        List<IndexEntry> cat = List.of(e("x", "1.0.0", null, Map.of("nope", ">=1.0.0")));
        assertThatThrownBy(() -> new Resolver(cat, Map.of(), "0.1.0").resolve("x", null))
                .hasMessageContaining("x 1.0.0 needs nope >=1.0.0, which no configured repository has");
    }

    @Test
    void explicitVersionAndDependents() throws Exception {
        assertThat(ids(new Resolver(catalog, Map.of(), "0.1.0").resolve("b", "1.0.0"))).containsExactly("b-1.0.0");
        assertThat(Resolver.dependents("b", Map.of("a", catalog.get(4), "b", catalog.get(2)))).containsExactly("a");
    }

    @Test
    void backtracksToAnOlderVersionWhenTheNewestLeadsToAConflict() throws Exception {
        // app needs lib and util; lib 2.0.0 needs util <1.0.0, which does not exist; lib 1.5.0 needs none
        List<IndexEntry> cat = List.of(
                e("app", "1.0.0", null, Map.of("lib", ">=1.0.0", "util", "*")),
                e("lib", "2.0.0", null, Map.of("util", "<1.0.0")),
                e("lib", "1.5.0", null, Map.of()),
                e("util", "1.2.0", null, Map.of()));
        assertThat(ids(new Resolver(cat, Map.of(), "0.1.0").resolve("app", null))).containsExactly("lib-1.5.0", "util-1.2.0", "app-1.0.0");
    }

    @Test
    void conflictBetweenTwoDependenciesNamesBothSides() {
        List<IndexEntry> cat = List.of(
                e("acme-a", "1.2.0", null, Map.of("acme-b", ">=2.0.0", "acme-c", "*")),
                e("acme-b", "1.0.0", null, Map.of()),
                e("acme-b", "2.1.0", null, Map.of()),
                e("acme-c", "1.0.0", null, Map.of("acme-b", "<2.0.0")));
        assertThatThrownBy(() -> new Resolver(cat, Map.of(), "0.1.0").resolve("acme-a", "1.2.0"))
                .hasMessage("acme-a 1.2.0 needs acme-b >=2.0.0 but acme-c 1.0.0 needs acme-b <2.0.0");
    }

    @Test
    void olderKernelRangeFallsBackToAVersionThatFits() throws Exception {
        List<IndexEntry> cat = List.of(e("m", "2.0.0", ">=9.0.0", Map.of()), e("m", "1.0.0", ">=0.1.0-0", Map.of()),
                e("n", "1.0.0", null, Map.of("m", ">=1.0.0")));
        assertThat(ids(new Resolver(cat, Map.of(), "0.1.0-SNAPSHOT").resolve("n", null))).containsExactly("m-1.0.0", "n-1.0.0");
    }

    @Test
    void upgradeOutsideAnInstalledDependentsRangeIsRefused() {
        assertThatThrownBy(() -> new Resolver(catalog, Map.of("a", "1.0.0", "b", "1.4.2"), "0.1.0").resolve("b", "2.0.0"))
                .hasMessage("a 1.0.0 (installed) needs b >=1.0.0 <2.0.0 but b 2.0.0 was requested");
    }

    @Test
    void cycleIsRefused() {
        List<IndexEntry> cat = List.of(e("p", "1.0.0", null, Map.of("q", "*")), e("q", "1.0.0", null, Map.of("p", "*")));
        assertThatThrownBy(() -> new Resolver(cat, Map.of(), "0.1.0").resolve("p", null)).hasMessageContaining("cycle: p -> q -> p");
    }
}
