package io.tessera.kernel.security;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Paths that answer without authentication. A pattern ending in {@code /*} matches its prefix
 * and everything below it; {@code "GET /x"} matches only that method.
 */
public final class PublicPaths {

    /** Until IAM adds its own, only the probes and the version answer anonymously. */
    public static final List<String> KERNEL_DEFAULTS = List.of("/healthz", "/livez", "/readyz", "/version");

    private final List<Pattern> patterns = new CopyOnWriteArrayList<>();

    public PublicPaths() {
        KERNEL_DEFAULTS.forEach(this::add);
    }

    public void add(String pattern) {
        patterns.add(Pattern.parse(pattern));
    }

    public boolean matches(String method, String path) {
        for (Pattern p : patterns) {
            if (p.matches(method, path)) {
                return true;
            }
        }
        return false;
    }

    private record Pattern(String method, String path, boolean prefix) {
        static Pattern parse(String text) {
            String t = text.trim();
            String method = null;
            int space = t.indexOf(' ');
            if (space > 0) {
                method = t.substring(0, space).toUpperCase(Locale.ROOT);
                t = t.substring(space + 1).trim();
            }
            if (!t.startsWith("/")) {
                throw new IllegalArgumentException("a public path starts with '/': " + text);
            }
            boolean prefix = t.endsWith("/*");
            String path = prefix ? t.substring(0, t.length() - 2) : t;
            return new Pattern(method, path, prefix);
        }

        boolean matches(String requestMethod, String requestPath) {
            if (method != null && !method.equalsIgnoreCase(requestMethod)) {
                return false;
            }
            if (prefix) {
                return requestPath.equals(path) || requestPath.startsWith(path + "/");
            }
            return requestPath.equals(path);
        }
    }
}
