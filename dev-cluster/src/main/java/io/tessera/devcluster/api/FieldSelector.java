package io.tessera.devcluster.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A field selector ({@code a.b=v}, {@code a.b==v}, {@code a.b!=v}, comma-joined) evaluated on the stored
 * object: the real server only indexes a few fields per kind, here any scalar path filters the list.
 */
public final class FieldSelector {

    private record Term(String[] path, String value, boolean negated) {
    }

    public static final FieldSelector EVERYTHING = new FieldSelector(List.of());

    private final List<Term> terms;

    private FieldSelector(List<Term> terms) {
        this.terms = terms;
    }

    public boolean isEmpty() {
        return terms.isEmpty();
    }

    /** The value this selector demands for {@code metadata.name}, or null (lets a list use the name index). */
    public String requiredName() {
        for (Term t : terms) {
            if (!t.negated && t.path.length == 2 && t.path[0].equals("metadata") && t.path[1].equals("name")) {
                return t.value;
            }
        }
        return null;
    }

    public static FieldSelector parse(String s) {
        if (s == null || s.isBlank()) {
            return EVERYTHING;
        }
        List<Term> terms = new ArrayList<>();
        for (String part : s.split(",")) {
            String p = part.trim();
            int neq = p.indexOf("!=");
            int eq = p.indexOf('=');
            String field;
            String value;
            boolean negated;
            if (neq > 0) {
                field = p.substring(0, neq);
                value = p.substring(neq + 2);
                negated = true;
            } else if (eq > 0) {
                field = p.substring(0, eq);
                value = p.substring(p.startsWith("==", eq) ? eq + 2 : eq + 1);
                negated = false;
            } else {
                throw new IllegalArgumentException("invalid selector: '" + p + "'; can't understand '" + p + "'");
            }
            terms.add(new Term(field.trim().split("\\."), value.trim(), negated));
        }
        return new FieldSelector(List.copyOf(terms));
    }

    public boolean matches(JsonNode object) {
        for (Term t : terms) {
            JsonNode n = object;
            for (String segment : t.path) {
                n = n.path(segment);
            }
            String actual = n.isValueNode() ? n.asText() : "";
            if (actual.equals(t.value) == t.negated) {
                return false;
            }
        }
        return true;
    }
}
