package io.tessera.kernel.kubeproxy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A kubeconfig that points kubectl at the platform (not at the API server) with a platform token,
 * so every request goes through the platform's authentication, RBAC and impersonation.
 */
public final class Kubeconfig {

    private Kubeconfig() {
    }

    /**
     * @param server the platform's URL as the user reaches it (e.g. {@code https://tessera.example:8443})
     * @param cluster the cluster's name in the kubeconfig (the host cluster's name)
     * @param caPem PEM of a CA to trust for an HTTPS server, or null (system trust)
     */
    public static String render(String server, String cluster, String user, String token, String caPem) {
        String context = user + "@" + cluster;
        StringBuilder y = new StringBuilder();
        y.append("apiVersion: v1\nkind: Config\n");
        y.append("clusters:\n- name: ").append(q(cluster)).append("\n  cluster:\n    server: ").append(q(stripSlash(server))).append('\n');
        if (caPem != null && !caPem.isBlank()) {
            y.append("    certificate-authority-data: ")
                    .append(Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.UTF_8))).append('\n');
        }
        y.append("contexts:\n- name: ").append(q(context)).append("\n  context:\n    cluster: ").append(q(cluster))
                .append("\n    user: ").append(q(user)).append('\n');
        y.append("current-context: ").append(q(context)).append('\n');
        y.append("preferences: {}\n");
        y.append("users:\n- name: ").append(q(user)).append("\n  user:\n    token: ").append(q(token)).append('\n');
        return y.toString();
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** YAML double-quoted scalar: safe for any user name or URL. */
    private static String q(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
