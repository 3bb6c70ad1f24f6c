package io.tessera.kernel.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import jakarta.ws.rs.core.MultivaluedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ListQueryTest {

    static ConfigMap cm(String name, String created, Map<String, String> labels, String alias) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withCreationTimestamp(created).withLabels(labels)
                .withAnnotations(alias == null ? Map.of() : Map.of(ListQuery.ALIAS_ANNOTATION, alias)).endMetadata().build();
    }

    static final List<ConfigMap> ITEMS = List.of(
            cm("alpha", "2026-01-01T00:00:01Z", Map.of("tier", "web", "env", "prod"), "First One"),
            cm("bravo", "2026-01-01T00:00:03Z", Map.of("tier", "db"), null),
            cm("charlie", "2026-01-01T00:00:02Z", Map.of("tier", "web", "env", "dev"), null),
            cm("delta", "2026-01-01T00:00:02Z", Map.of(), "Web Front"));

    static ListQuery q(String... kv) {
        MultivaluedHashMap<String, String> p = new MultivaluedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            p.add(kv[i], kv[i + 1]);
        }
        return ListQuery.from(p);
    }

    @SuppressWarnings("unchecked")
    static List<String> names(Map<String, Object> result) {
        return ((List<ConfigMap>) result.get("items")).stream().map(c -> c.getMetadata().getName()).toList();
    }

    @Test
    void defaultIsNewestFirstWithNameAsTieBreak() {
        assertThat(names(q().apply(ITEMS, c -> c))).containsExactly("bravo", "delta", "charlie", "alpha");
        assertThat(names(q("ascending", "true").apply(ITEMS, c -> c))).containsExactly("alpha", "charlie", "delta", "bravo");
        assertThat(names(q("sortBy", "name").apply(ITEMS, c -> c))).containsExactly("delta", "charlie", "bravo", "alpha");
    }

    @Test
    void pagingCountsEverythingThatMatched() {
        Map<String, Object> page2 = q("sortBy", "name", "ascending", "true", "limit", "3", "page", "2").apply(ITEMS, c -> c);
        assertThat(names(page2)).containsExactly("delta");
        assertThat(page2.get("totalItems")).isEqualTo(4);
        assertThat(names(q("limit", "3", "page", "5").apply(ITEMS, c -> c))).isEmpty();
        assertThatThrownBy(() -> q("page", "0")).hasMessageContaining("page");
        assertThatThrownBy(() -> q("limit", "x")).hasMessageContaining("limit");
    }

    @Test
    void nameMatchesNameOrAliasAndNamesIsExact() {
        assertThat(names(q("name", "ar", "sortBy", "name").apply(ITEMS, c -> c))).containsExactly("charlie");
        assertThat(names(q("name", "web").apply(ITEMS, c -> c))).containsExactly("delta");
        assertThat(names(q("names", "alpha,delta", "sortBy", "name", "ascending", "true").apply(ITEMS, c -> c)))
                .containsExactly("alpha", "delta");
    }

    @Test
    void labelSelectorsFollowKubernetesSyntax() {
        assertThat(names(q("labelSelector", "tier=web", "sortBy", "name", "ascending", "true").apply(ITEMS, c -> c)))
                .containsExactly("alpha", "charlie");
        assertThat(names(q("labelSelector", "tier in (db, web),env!=prod", "sortBy", "name", "ascending", "true").apply(ITEMS, c -> c)))
                .containsExactly("bravo", "charlie");
        assertThat(names(q("labelSelector", "!tier").apply(ITEMS, c -> c))).containsExactly("delta");
        assertThat(names(q("labelSelector", "env notin (dev),tier", "sortBy", "name", "ascending", "true").apply(ITEMS, c -> c)))
                .containsExactly("alpha", "bravo");
    }

    @Test
    void fieldSelectorComparesJsonPathsAndTildeIgnoresCase() {
        assertThat(names(q("fieldSelector", "metadata.name=bravo", "sortBy", "name").apply(ITEMS, x -> x))).containsExactly("bravo");
        assertThat(names(q("fieldSelector", "metadata.name==~BRAVO").apply(ITEMS, x -> x))).containsExactly("bravo");
        assertThat(names(q("fieldSelector", "metadata.name!=bravo,metadata.labels.tier=web", "sortBy", "name", "ascending", "true")
                .apply(ITEMS, x -> x))).containsExactly("alpha", "charlie");
    }

    @Test
    void labelAndAnnotationFiltersTakeKeyEqualsAndNotEquals() {
        assertThat(names(q("label", "env", "sortBy", "name", "ascending", "true").apply(ITEMS, x -> x)))
                .containsExactly("alpha", "charlie");
        assertThat(names(q("label", "env!=prod", "sortBy", "name", "ascending", "true").apply(ITEMS, x -> x)))
                .containsExactly("bravo", "charlie", "delta");
        assertThat(names(q("label", "tier=web", "label", "env=dev").apply(ITEMS, x -> x))).containsExactly("charlie");
        assertThat(names(q("annotation", ListQuery.ALIAS_ANNOTATION + "=Web Front").apply(ITEMS, x -> x))).containsExactly("delta");
    }

    @Test
    void malformedFieldSelectorAndLabelSelectorAreTheCallersError() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> q("fieldSelector", "metadata.name"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fieldSelector");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> q("labelSelector", "a in (b"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
