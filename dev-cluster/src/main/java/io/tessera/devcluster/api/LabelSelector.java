package io.tessera.devcluster.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A label selector in the API server's string syntax: {@code k=v}, {@code k==v}, {@code k!=v},
 * {@code k in (a,b)}, {@code k notin (a,b)}, {@code k}, {@code !k}, joined by commas (commas inside
 * parentheses belong to the value set).
 */
public final class LabelSelector {

    public enum Op { EQUALS, NOT_EQUALS, IN, NOT_IN, EXISTS, NOT_EXISTS }

    public record Requirement(String key, Op op, Set<String> values) {
        boolean matches(Map<String, String> labels) {
            String v = labels.get(key);
            return switch (op) {
                case EQUALS, IN -> v != null && values.contains(v);
                case NOT_EQUALS, NOT_IN -> v == null || !values.contains(v);
                case EXISTS -> v != null;
                case NOT_EXISTS -> v == null;
            };
        }
    }

    public static final LabelSelector EVERYTHING = new LabelSelector(List.of());

    private final List<Requirement> requirements;

    private LabelSelector(List<Requirement> requirements) {
        this.requirements = requirements;
    }

    public List<Requirement> requirements() {
        return requirements;
    }

    public boolean isEmpty() {
        return requirements.isEmpty();
    }

    public boolean matches(Map<String, String> labels) {
        for (Requirement r : requirements) {
            if (!r.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    /** @throws IllegalArgumentException with a message fit for a 400 Status */
    public static LabelSelector parse(String s) {
        if (s == null || s.isBlank()) {
            return EVERYTHING;
        }
        List<Requirement> out = new ArrayList<>();
        for (String part : splitTopLevel(s)) {
            String p = part.trim();
            if (p.isEmpty()) {
                throw new IllegalArgumentException("unable to parse requirement: found '', expected: identifier");
            }
            out.add(parseRequirement(p));
        }
        return new LabelSelector(List.copyOf(out));
    }

    private static List<String> splitTopLevel(String s) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
                if (depth < 0) {
                    throw new IllegalArgumentException("unable to parse requirement: unbalanced ')' in \"" + s + "\"");
                }
            } else if (c == ',' && depth == 0) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        if (depth != 0) {
            throw new IllegalArgumentException("unable to parse requirement: unbalanced '(' in \"" + s + "\"");
        }
        parts.add(s.substring(start));
        return parts;
    }

    private static Requirement parseRequirement(String p) {
        if (p.startsWith("!")) {
            return new Requirement(key(p.substring(1).trim()), Op.NOT_EXISTS, Set.of());
        }
        int neq = p.indexOf("!=");
        if (neq > 0) {
            return new Requirement(key(p.substring(0, neq).trim()), Op.NOT_EQUALS, Set.of(value(p.substring(neq + 2).trim())));
        }
        int eq = p.indexOf('=');
        if (eq > 0) {
            int valueStart = p.startsWith("==", eq) ? eq + 2 : eq + 1;
            return new Requirement(key(p.substring(0, eq).trim()), Op.EQUALS, Set.of(value(p.substring(valueStart).trim())));
        }
        int paren = p.indexOf('(');
        if (paren > 0) {
            if (!p.endsWith(")")) {
                throw new IllegalArgumentException("unable to parse requirement: expected ')' at the end of \"" + p + "\"");
            }
            String[] head = p.substring(0, paren).trim().split("\\s+");
            if (head.length != 2 || !(head[1].equals("in") || head[1].equals("notin"))) {
                throw new IllegalArgumentException("unable to parse requirement: expected 'in' or 'notin' in \"" + p + "\"");
            }
            Set<String> values = new java.util.LinkedHashSet<>();
            for (String v : p.substring(paren + 1, p.length() - 1).split(",")) {
                values.add(value(v.trim()));
            }
            return new Requirement(key(head[0]), head[1].equals("in") ? Op.IN : Op.NOT_IN, Set.copyOf(values));
        }
        return new Requirement(key(p), Op.EXISTS, Set.of());
    }

    private static String key(String k) {
        if (!k.matches("([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?") || k.length() > 316) {
            throw new IllegalArgumentException("invalid label key \"" + k + "\": name part must consist of alphanumeric characters, '-', '_' or '.'");
        }
        return k;
    }

    private static String value(String v) {
        if (!v.isEmpty() && !v.matches("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?")) {
            throw new IllegalArgumentException("invalid label value: \"" + v + "\": must be 63 characters or less and consist of alphanumeric characters, '-', '_' or '.'");
        }
        return v;
    }
}
