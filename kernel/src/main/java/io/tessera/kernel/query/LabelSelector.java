package io.tessera.kernel.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kubernetes label-selector syntax: {@code k=v}, {@code k==v}, {@code k!=v}, {@code k},
 * {@code !k}, {@code k in (a,b)}, {@code k notin (a,b)}; requirements joined by commas that are
 * not inside parentheses.
 */
public final class LabelSelector {

    private record Requirement(String key, String op, Set<String> values) {
        boolean matches(Map<String, String> labels) {
            String v = labels.get(key);
            return switch (op) {
                case "exists" -> v != null;
                case "!exists" -> v == null;
                case "=", "in" -> v != null && values.contains(v);
                case "!=", "notin" -> v == null || !values.contains(v);
                default -> false;
            };
        }
    }

    private static final LabelSelector EVERYTHING = new LabelSelector(List.of());
    private final List<Requirement> requirements;

    private LabelSelector(List<Requirement> requirements) {
        this.requirements = requirements;
    }

    public static LabelSelector parse(String s) {
        if (s == null || s.isBlank()) {
            return EVERYTHING;
        }
        List<Requirement> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i <= s.length(); i++) {
            char c = i < s.length() ? s.charAt(i) : ',';
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
                if (depth < 0) {
                    throw new IllegalArgumentException("invalid label selector: unbalanced ')' in " + s);
                }
            } else if (c == ',' && depth == 0) {
                String part = s.substring(start, i).trim();
                if (!part.isEmpty()) {
                    out.add(requirement(part));
                }
                start = i + 1;
            }
        }
        if (depth != 0) {
            // an unclosed "in (" would otherwise swallow the rest and select everything
            throw new IllegalArgumentException("invalid label selector: unbalanced '(' in " + s);
        }
        return new LabelSelector(List.copyOf(out));
    }

    private static Requirement requirement(String part) {
        String[] words = part.split("\\s+", 3);
        if (words.length == 3 && (words[1].equals("in") || words[1].equals("notin"))) {
            String list = words[2].trim();
            if (!list.startsWith("(") || !list.endsWith(")")) {
                throw new IllegalArgumentException("invalid label selector: " + part);
            }
            Set<String> values = Set.copyOf(List.of(list.substring(1, list.length() - 1).split("\\s*,\\s*")).stream()
                    .map(String::trim).filter(x -> !x.isEmpty()).toList());
            return new Requirement(words[0], words[1], values);
        }
        int ne = part.indexOf("!=");
        if (ne > 0) {
            return new Requirement(part.substring(0, ne).trim(), "!=", Set.of(part.substring(ne + 2).trim()));
        }
        int eq = part.indexOf('=');
        if (eq > 0) {
            String value = part.substring(part.startsWith("==", eq) ? eq + 2 : eq + 1).trim();
            return new Requirement(part.substring(0, eq).trim(), "=", Set.of(value));
        }
        if (part.startsWith("!")) {
            return new Requirement(part.substring(1).trim(), "!exists", Set.of());
        }
        return new Requirement(part, "exists", Set.of());
    }

    public boolean matches(Map<String, String> labels) {
        Map<String, String> l = labels == null ? Map.of() : labels;
        for (Requirement r : requirements) {
            if (!r.matches(l)) {
                return false;
            }
        }
        return true;
    }
}
