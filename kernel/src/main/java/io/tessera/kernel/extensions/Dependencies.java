package io.tessera.kernel.extensions;

import java.util.Map;
import java.util.function.Function;

/**
 * The install-time check of {@code dependencies} in extension.yaml: each named extension must be
 * installed in a version inside its range (comparators {@code >=}, {@code >}, {@code <=},
 * {@code <}, {@code =} separated by spaces, all must hold). Choosing and installing missing
 * versions is the marketplace resolver's job (issue 7).
 */
final class Dependencies {

    private Dependencies() {
    }

    /** A message naming the first unmet dependency, or null when all are met. */
    static String unmet(ExtensionManifest m, Function<String, String> installedVersion) {
        if (!(m.raw().get("dependencies") instanceof Map<?, ?> deps)) {
            return null;
        }
        for (Map.Entry<?, ?> e : deps.entrySet()) {
            String name = String.valueOf(e.getKey());
            String range = String.valueOf(e.getValue());
            String installed = installedVersion.apply(name);
            if (installed == null) {
                return "extension " + m.name() + " requires " + name + " " + range + ", which is not installed";
            }
            if (!inRange(installed, range)) {
                return "extension " + m.name() + " requires " + name + " " + range + ", installed is " + installed;
            }
        }
        return null;
    }

    static boolean inRange(String version, String range) {
        for (String c : range.trim().split("\\s+")) {
            if (c.isEmpty() || c.equals("*")) {
                continue;
            }
            String op = c.startsWith(">=") || c.startsWith("<=") ? c.substring(0, 2)
                    : c.startsWith(">") || c.startsWith("<") || c.startsWith("=") ? c.substring(0, 1) : "=";
            String v = c.substring(op.equals("=") && !c.startsWith("=") ? 0 : op.length());
            int cmp = RepositoryLoader.compareVersions(version, v);
            boolean ok = switch (op) {
                case ">=" -> cmp >= 0;
                case "<=" -> cmp <= 0;
                case ">" -> cmp > 0;
                case "<" -> cmp < 0;
                default -> cmp == 0;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
