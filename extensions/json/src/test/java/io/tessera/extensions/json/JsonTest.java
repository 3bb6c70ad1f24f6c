package io.tessera.extensions.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void parsesObjectsInOrderArraysStringsWithEscapesNumbersAndLiterals() {
        Object v = Json.parse(" {\"b\": [1, -2, true, false, null], \"a\": \"x\\\"y\\\\z\\n\\u00e9\", \"n\": {}} ");
        assertThat(v).isInstanceOf(Map.class);
        Map<?, ?> m = (Map<?, ?>) v;
        assertThat(List.copyOf(m.keySet())).isEqualTo(List.of("b", "a", "n"));
        assertThat(m.get("b")).isEqualTo(Arrays.asList(1L, -2L, true, false, null));
        assertThat(m.get("a")).isEqualTo("x\"y\\z\né");
        assertThat(m.get("n")).isEqualTo(Map.of());
    }

    @Test
    void writesWhatItParses() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("text", "quote \" backslash \\ tab \t bell \u0007");
        m.put("list", List.of(1L, "two", false));
        m.put("none", null);
        String written = Json.write(m);
        assertThat(written).isEqualTo("{\"text\":\"quote \\\" backslash \\\\ tab \\t bell \\u0007\",\"list\":[1,\"two\",false],\"none\":null}");
        assertThat(Json.parse(written)).isEqualTo(m);
    }

    @Test
    void badJsonSaysWhereAndWhat() {
        assertThatThrownBy(() -> Json.parse("{\"a\": 1")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset 7");
        assertThatThrownBy(() -> Json.parse("[1] x")).hasMessageContaining("trailing characters");
        assertThatThrownBy(() -> Json.parse("\"open")).hasMessageContaining("unterminated string");
    }
}
