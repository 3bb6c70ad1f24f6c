package io.tessera.extensions.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
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
    void numbersWithAFractionOrExponentKeepTheirDigitsAndNeverComeBackInExponentForm() throws Exception {
        List<?> l = (List<?>) Json.parse("[1700000000.123, 1.2e9, 2.5E-3, 0.1]");
        assertThat(l.get(0)).isEqualTo(new BigDecimal("1700000000.123"));
        // what the host does with them: its Jackson writes a BigDecimal with toString()
        assertThat(l.stream().map(String::valueOf).toList()).containsExactly("1700000000.123", "1200000000", "0.0025", "0.1");
        assertThat(Json.write(l)).isEqualTo("[1700000000.123,1200000000,0.0025,0.1]");
        assertThat(Json.write(List.of(1.2e9, 0.5, 7L))).isEqualTo("[1200000000,0.5,7]");
    }

    @Test
    void badJsonSaysWhereAndWhat() {
        assertThatThrownBy(() -> Json.parse("{\"a\": 1")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset 7");
        assertThatThrownBy(() -> Json.parse("[1] x")).hasMessageContaining("trailing characters");
        assertThatThrownBy(() -> Json.parse("\"open")).hasMessageContaining("unterminated string");
    }
}
