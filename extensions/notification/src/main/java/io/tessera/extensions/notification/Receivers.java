package io.tessera.extensions.notification;

import io.tessera.extension.api.ExtensionContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Receiver objects ({@code notification.kubesphere.io/v2beta2}, cluster scope) and the tenant
 * routing over them. A receiver names its credentials by Secret reference (in the extension's
 * namespace); the values are read only when sending and never leave the extension.
 */
final class Receivers {

    static final String GROUP = "notification.kubesphere.io";
    static final String VERSION = "v2beta2";
    static final String PLURAL = "receivers";
    static final Set<String> TYPES = Set.of("email", "slack", "dingtalk", "wecom", "webhook");

    private final ExtensionContext context;

    Receivers(ExtensionContext context) {
        this.context = context;
    }

    List<Map<String, Object>> all() {
        return context.kubernetes().resources(GROUP, VERSION, PLURAL).list(null);
    }

    Map<String, Object> get(String name) {
        return context.kubernetes().resources(GROUP, VERSION, PLURAL).get(null, name);
    }

    static Map<?, ?> spec(Map<String, Object> r) {
        return r.get("spec") instanceof Map<?, ?> s ? s : Map.of();
    }

    static String name(Map<String, Object> r) {
        return (String) ((Map<?, ?>) r.get("metadata")).get("name");
    }

    /** The receivers a message goes to: platform-wide ones, and tenants' whose scope holds its project. */
    List<Map<String, Object>> route(Message m) {
        String workspace = null;
        if (m.namespace() != null) {
            Map<String, Object> ns = context.kubernetes().resources("", "v1", "namespaces").get(null, m.namespace());
            if (ns != null && ((Map<?, ?>) ns.get("metadata")).get("labels") instanceof Map<?, ?> l) {
                workspace = (String) l.get("kubesphere.io/workspace");
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> r : all()) {
            Map<?, ?> s = spec(r);
            if (Boolean.FALSE.equals(s.get("enabled"))) {
                continue;
            }
            if (s.get("severities") instanceof List<?> sev && !sev.isEmpty() && m.severity() != null && !sev.contains(m.severity())) {
                continue;
            }
            Map<?, ?> scope = s.get("scope") instanceof Map<?, ?> sc ? sc : Map.of();
            List<?> namespaces = scope.get("namespaces") instanceof List<?> l ? l : List.of();
            List<?> workspaces = scope.get("workspaces") instanceof List<?> l ? l : List.of();
            boolean platformWide = namespaces.isEmpty() && workspaces.isEmpty();
            if (platformWide || (m.namespace() != null && namespaces.contains(m.namespace()))
                    || (workspace != null && workspaces.contains(workspace))) {
                out.add(r);
            }
        }
        return out;
    }

    /** A credential from a Secret reference {@code {name, key}} in the extension's namespace. */
    String secret(Object ref, String field) {
        if (!(ref instanceof Map<?, ?> m) || !(m.get("name") instanceof String n)) {
            throw new IllegalArgumentException(field + ": a Secret reference {name, key} is required");
        }
        String key = m.get("key") instanceof String k ? k : "value";
        Map<String, Object> secret = context.kubernetes().resources("", "v1", "secrets").get(context.namespace(), n);
        if (secret == null || !(secret.get("data") instanceof Map<?, ?> d) || !(d.get(key) instanceof String v)) {
            throw new IllegalArgumentException(field + ": secret " + context.namespace() + "/" + n + " has no key " + key);
        }
        return new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8).trim();
    }
}
