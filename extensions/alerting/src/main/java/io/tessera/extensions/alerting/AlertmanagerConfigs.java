package io.tessera.extensions.alerting;

import io.tessera.extension.api.ExtensionContext;
import io.tessera.extension.api.kube.Reconciler;
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
 * scope) → Alertmanager's configuration file, then {@code POST /-/reload}. Regenerated whole on
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
                receivers.add(receiver(o));
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
        if (settings.operatorMode() || file == null) {
            reloadError = null; // operator mode: AlertmanagerConfig objects are the documented follow-up (docs/alerting.md)
            context.logger().warn("event=alerting.alertmanager.skipped reason=\"alertmanager.configFile is not configured or mode=operator\"");
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

    private Map<String, Object> receiver(Map<String, Object> o) {
        Map<?, ?> s = spec(o);
        if (!(s.get("webhook") instanceof Map<?, ?> w) || !(w.get("url") instanceof String url)
                || !(url.startsWith("http://") || url.startsWith("https://"))) {
            throw new IllegalArgumentException("spec.webhook.url: an http(s) URL is required");
        }
        Map<String, Object> hook = new LinkedHashMap<>();
        hook.put("url", url);
        hook.put("send_resolved", !Boolean.FALSE.equals(w.get("sendResolved")));
        if (w.get("bearerTokenSecret") instanceof Map<?, ?> ref) {
            hook.put("http_config", Map.of("authorization", Map.of("type", "Bearer", "credentials", secret(ref))));
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
