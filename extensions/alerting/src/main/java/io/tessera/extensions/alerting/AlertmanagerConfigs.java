package io.tessera.extensions.alerting;

import io.tessera.extension.api.ExtensionContext;
import io.tessera.extension.api.kube.Reconciler;
import io.tessera.extensions.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * AlertReceiver, AlertRoute and InhibitRule ({@code alerting.tessera.io/v1alpha1}, cluster
 * scope) → Alertmanager's configuration file, then {@code POST /-/reload} (mode {@code files}), or
 * one AlertmanagerConfig object for prometheus-operator (mode {@code operator}). Regenerated whole on
 * every change. Alertmanager checks the file on reload; when it refuses, the error goes on every
 * object's status and Alertmanager keeps running its previous configuration.
 *
 * <p>Receivers are webhooks: email, Slack, DingTalk and WeCom delivery belongs to the
 * notification extension (KubeSphere's notification-manager design), whose Alertmanager webhook
 * an AlertReceiver points at. A bearer token for the webhook is read from a Secret in the
 * extension's namespace and written only into the (0600) configuration file.
 */
final class AlertmanagerConfigs implements Reconciler {

    static final String GROUP = "alerting.tessera.io";
    static final String VERSION = "v1alpha1";
    static final List<String> KINDS = List.of("alertreceivers", "alertroutes", "inhibitrules");
    static final String ROOT_RECEIVER = "tessera-blackhole";
    private static final Pattern DURATION = Pattern.compile("([0-9]+(ms|s|m|h|d|w|y))+");
    private static final Pattern MATCHER = Pattern.compile("\\s*[A-Za-z_][A-Za-z0-9_]*\\s*(=~|!~|!=|=)\\s*\"?[^\"]*\"?\\s*");
    private static final Pattern MATCHER_PARTS = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"?([^\"]*?)\"?\\s*");
    static final String OPERATOR_OBJECT = "tessera";

    private final ExtensionContext context;
    private final Settings settings;

    AlertmanagerConfigs(ExtensionContext context, Settings settings) {
        this.context = context;
        this.settings = settings;
    }

    @Override
    public Result reconcile(Map<String, Object> object) throws Exception {
        sync();
        return Result.DONE;
    }

    @Override
    public void deleted(Map<String, Object> object) throws Exception {
        sync();
    }

    synchronized void sync() throws Exception {
        boolean operator = settings.operatorMode(); // once: the configuration may change meanwhile
        Map<String, List<Map<String, Object>>> objects = new LinkedHashMap<>();
        Map<Map<String, Object>, String> errors = new java.util.IdentityHashMap<>();
        for (String k : KINDS) {
            objects.put(k, context.kubernetes().resources(GROUP, VERSION, k).list(null));
        }
        List<Object> receivers = new ArrayList<>();
        receivers.add(Map.of("name", ROOT_RECEIVER));
        Set<String> receiverNames = new java.util.HashSet<>();
        for (Map<String, Object> o : objects.get("alertreceivers")) {
            try {
                receivers.add(receiver(o, operator));
                receiverNames.add(name(o));
            } catch (IllegalArgumentException e) {
                errors.put(o, e.getMessage());
            }
        }
        List<Map<String, Object>> routes = new ArrayList<>(objects.get("alertroutes"));
        routes.sort(Comparator.comparingInt((Map<String, Object> o) -> spec(o).get("order") instanceof Number n ? n.intValue() : 0)
                .thenComparing(AlertmanagerConfigs::name));
        List<Object> children = new ArrayList<>();
        for (Map<String, Object> o : routes) {
            try {
                children.add(route(o, receiverNames));
            } catch (IllegalArgumentException e) {
                errors.put(o, e.getMessage());
            }
        }
        List<Object> inhibit = new ArrayList<>();
        for (Map<String, Object> o : objects.get("inhibitrules")) {
            try {
                Map<?, ?> s = spec(o);
                Map<String, Object> rule = new LinkedHashMap<>();
                rule.put("source_matchers", matchers(s.get("sourceMatchers"), "spec.sourceMatchers", true));
                rule.put("target_matchers", matchers(s.get("targetMatchers"), "spec.targetMatchers", true));
                if (s.get("equal") instanceof List<?> eq) {
                    rule.put("equal", eq);
                }
                inhibit.add(rule);
            } catch (IllegalArgumentException e) {
                errors.put(o, e.getMessage());
            }
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("receiver", ROOT_RECEIVER);
        root.put("group_by", List.of("alertname"));
        root.put("routes", children);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("route", root);
        config.put("receivers", receivers);
        config.put("inhibit_rules", inhibit);

        String reloadError = null;
        Path file = settings.alertmanagerFile();
        if (operator) {
            reloadError = emit(alertmanagerConfig(receivers, children, inhibit));
        } else if (file == null) {
            context.logger().warn("event=alerting.alertmanager.skipped reason=\"alertmanager.configFile is not configured\"");
        } else {
            String content = Json.write(config);
            if (!Files.exists(file) || !Files.readString(file).equals(content)) {
                Rules.write(file, content);
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException ignored) {
                    // not a POSIX file system
                }
                context.logger().info("event=alerting.alertmanager.written file={} receivers={} routes={} inhibitRules={}", file,
                        receivers.size() - 1, children.size(), inhibit.size());
                try {
                    Backend.Answer a = settings.alertmanager().send("POST", "/-/reload", null);
                    if (a.status() != 200) {
                        reloadError = "Alertmanager refused the configuration: " + a.body().trim();
                    }
                } catch (Backend.Unavailable e) {
                    reloadError = null; // it reads the file when it (re)starts; the condition reports it is down
                    context.logger().warn("event=alerting.alertmanager.reload.skipped error=\"{}\"", e.getMessage());
                }
            }
        }
        for (String k : KINDS) {
            for (Map<String, Object> o : objects.get(k)) {
                String error = errors.containsKey(o) ? errors.get(o) : reloadError;
                writeStatus(k, o, error);
            }
        }
    }

    /**
     * The same configuration as one {@code monitoring.coreos.com/v1alpha1} AlertmanagerConfig
     * named {@value #OPERATOR_OBJECT} in the extension's namespace, for prometheus-operator: field
     * names in its camelCase, matchers as {name, value, matchType}, bearer tokens as references to
     * the Secret (the operator reads it; the value never leaves the Secret).
     */
    @SuppressWarnings("unchecked")
    Map<String, Object> alertmanagerConfig(List<Object> receivers, List<Object> routes, List<Object> inhibit) {
        List<Object> outReceivers = new ArrayList<>();
        for (Object r : receivers) {
            Map<String, Object> in = (Map<String, Object>) r;
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("name", in.get("name"));
            if (in.get("webhook_configs") instanceof List<?> hooks) {
                List<Object> configs = new ArrayList<>();
                for (Object h : hooks) {
                    Map<String, Object> hook = (Map<String, Object>) h;
                    Map<String, Object> c = new LinkedHashMap<>();
                    c.put("url", hook.get("url"));
                    c.put("sendResolved", hook.get("send_resolved"));
                    if (hook.get("secretRef") instanceof Map<?, ?> ref) {
                        c.put("httpConfig", Map.of("authorization", Map.of("type", "Bearer", "credentials", ref)));
                    }
                    configs.add(c);
                }
                out.put("webhookConfigs", configs);
            }
            outReceivers.add(out);
        }
        List<Object> outRoutes = new ArrayList<>();
        for (Object r : routes) {
            Map<String, Object> in = (Map<String, Object>) r;
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("receiver", in.get("receiver"));
            out.put("matchers", operatorMatchers((List<String>) in.get("matchers")));
            for (String[] f : new String[][] {{"group_by", "groupBy"}, {"group_wait", "groupWait"}, {"group_interval", "groupInterval"},
                    {"repeat_interval", "repeatInterval"}, {"continue", "continue"}}) {
                if (in.get(f[0]) != null) {
                    out.put(f[1], in.get(f[0]));
                }
            }
            outRoutes.add(out);
        }
        List<Object> outInhibit = new ArrayList<>();
        for (Object r : inhibit) {
            Map<String, Object> in = (Map<String, Object>) r;
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("sourceMatch", operatorMatchers((List<String>) in.get("source_matchers")));
            out.put("targetMatch", operatorMatchers((List<String>) in.get("target_matchers")));
            if (in.get("equal") != null) {
                out.put("equal", in.get("equal"));
            }
            outInhibit.add(out);
        }
        Map<String, Object> route = new LinkedHashMap<>();
        route.put("receiver", ROOT_RECEIVER);
        route.put("groupBy", List.of("alertname"));
        route.put("routes", outRoutes);
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("route", route);
        spec.put("receivers", outReceivers);
        spec.put("inhibitRules", outInhibit);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("apiVersion", "monitoring.coreos.com/v1alpha1");
        o.put("kind", "AlertmanagerConfig");
        o.put("metadata", Map.of("name", OPERATOR_OBJECT, "namespace", context.namespace(),
                "labels", Map.of("alerting.kubesphere.io/managed-by", "tessera")));
        o.put("spec", spec);
        return o;
    }

    private static List<Object> operatorMatchers(List<String> matchers) {
        List<Object> out = new ArrayList<>();
        for (String m : matchers == null ? List.<String>of() : matchers) {
            var parts = MATCHER_PARTS.matcher(m);
            if (!parts.matches()) {
                throw new IllegalStateException("matcher checked before: " + m);
            }
            out.add(Map.of("name", parts.group(1), "matchType", parts.group(2), "value", parts.group(3)));
        }
        return out;
    }

    /** Creates or updates the AlertmanagerConfig; the error for the objects' status, or null. */
    private String emit(Map<String, Object> wanted) {
        var api = context.kubernetes().resources("monitoring.coreos.com", "v1alpha1", "alertmanagerconfigs");
        try {
            Map<String, Object> existing = api.get(context.namespace(), OPERATOR_OBJECT);
            if (existing == null) {
                api.create(context.namespace(), wanted);
            } else if (!java.util.Objects.equals(existing.get("spec"), wanted.get("spec"))) {
                Map<String, Object> updated = new LinkedHashMap<>(existing);
                updated.put("spec", wanted.get("spec"));
                api.update(context.namespace(), updated);
            } else {
                return null;
            }
            context.logger().info("event=alerting.alertmanagerconfig.written namespace={} name={}", context.namespace(), OPERATOR_OBJECT);
            return null;
        } catch (RuntimeException e) {
            // e.g. prometheus-operator's CRDs are not installed
            context.logger().warn("event=alerting.alertmanagerconfig.failed error=\"{}\"", e.getMessage());
            return "cannot write AlertmanagerConfig " + context.namespace() + "/" + OPERATOR_OBJECT + ": " + e.getMessage();
        }
    }

    private Map<String, Object> receiver(Map<String, Object> o, boolean byReference) {
        Map<?, ?> s = spec(o);
        if (!(s.get("webhook") instanceof Map<?, ?> w) || !(w.get("url") instanceof String url)
                || !(url.startsWith("http://") || url.startsWith("https://"))) {
            throw new IllegalArgumentException("spec.webhook.url: an http(s) URL is required");
        }
        Map<String, Object> hook = new LinkedHashMap<>();
        hook.put("url", url);
        hook.put("send_resolved", !Boolean.FALSE.equals(w.get("sendResolved")));
        if (w.get("bearerTokenSecret") instanceof Map<?, ?> ref) {
            String token = secret(ref); // checked in both modes: a missing Secret is reported on the object
            if (byReference) {
                hook.put("secretRef", Map.of("name", String.valueOf(ref.get("name")),
                        "key", ref.get("key") == null ? "token" : String.valueOf(ref.get("key"))));
            } else {
                hook.put("http_config", Map.of("authorization", Map.of("type", "Bearer", "credentials", token)));
            }
        }
        return Map.of("name", name(o), "webhook_configs", List.of(hook));
    }

    private String secret(Map<?, ?> ref) {
        String n = String.valueOf(ref.get("name"));
        String key = ref.get("key") == null ? "token" : String.valueOf(ref.get("key"));
        Map<String, Object> secret = context.kubernetes().resources("", "v1", "secrets").get(context.namespace(), n);
        if (secret == null || !(secret.get("data") instanceof Map<?, ?> d) || !(d.get(key) instanceof String v)) {
            throw new IllegalArgumentException("spec.webhook.bearerTokenSecret: secret " + context.namespace() + "/" + n
                    + " with key " + key + " not found");
        }
        return new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8).trim();
    }

    private static Map<String, Object> route(Map<String, Object> o, Set<String> receivers) {
        Map<?, ?> s = spec(o);
        Map<String, Object> r = new LinkedHashMap<>();
        if (!(s.get("receiver") instanceof String rcv) || !receivers.contains(rcv)) {
            throw new IllegalArgumentException("spec.receiver: must name a valid AlertReceiver, got \"" + s.get("receiver") + "\"");
        }
        r.put("receiver", rcv);
        r.put("matchers", matchers(s.get("matchers"), "spec.matchers", false));
        if (s.get("groupBy") instanceof List<?> g) {
            r.put("group_by", g);
        }
        for (String[] d : new String[][] {{"groupWait", "group_wait"}, {"groupInterval", "group_interval"},
                {"repeatInterval", "repeat_interval"}}) {
            if (s.get(d[0]) != null) {
                String v = String.valueOf(s.get(d[0]));
                if (!DURATION.matcher(v).matches()) {
                    throw new IllegalArgumentException("spec." + d[0] + ": \"" + v + "\" is not a duration");
                }
                r.put(d[1], v);
            }
        }
        r.put("continue", Boolean.TRUE.equals(s.get("continue")));
        return r;
    }

    private static List<String> matchers(Object o, String field, boolean required) {
        List<String> out = new ArrayList<>();
        if (o instanceof List<?> l) {
            for (Object m : l) {
                if (!(m instanceof String s) || !MATCHER.matcher(s).matches()) {
                    throw new IllegalArgumentException(field + ": \"" + m + "\" is not a matcher such as severity=\"critical\"");
                }
                out.add(s.trim());
            }
        } else if (o != null) {
            throw new IllegalArgumentException(field + ": must be a list of matchers");
        }
        if (required && out.isEmpty()) {
            throw new IllegalArgumentException(field + ": at least one matcher is required");
        }
        return out;
    }

    private static Map<?, ?> spec(Map<String, Object> o) {
        return o.get("spec") instanceof Map<?, ?> s ? s : Map.of();
    }

    private static String name(Map<String, Object> o) {
        return (String) ((Map<?, ?>) o.get("metadata")).get("name");
    }

    @SuppressWarnings("unchecked")
    private void writeStatus(String plural, Map<String, Object> o, String error) {
        Map<String, Object> old = o.get("status") instanceof Map<?, ?> s ? (Map<String, Object>) s : Map.of();
        Map<String, Object> wanted = new LinkedHashMap<>();
        wanted.put("observedGeneration", ((Map<?, ?>) o.get("metadata")).get("generation"));
        wanted.put("state", error == null ? "Applied" : "Invalid");
        if (error != null) {
            wanted.put("error", error);
        }
        if (wanted.equals(old)) {
            return;
        }
        Map<String, Object> updated = new LinkedHashMap<>(o);
        updated.put("status", wanted);
        context.kubernetes().resources(GROUP, VERSION, plural).updateStatus(null, updated);
    }
}
