package io.tessera.extensions.alerting;

import io.tessera.extension.api.ExtensionContext;
import io.tessera.extension.api.kube.Reconciler;
import io.tessera.extensions.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * RuleGroup (project) and ClusterRuleGroup (cluster) → Prometheus alerting rules. Every change
 * regenerates the whole set from the objects (so deletes and edits need no bookkeeping), then:
 * <ul>
 * <li>mode {@code files}: writes {@code prometheus.ruleFile} atomically and POSTs
 * {@code /-/reload} (Prometheus started with {@code --web.enable-lifecycle} and a
 * {@code rule_files} entry naming the file);</li>
 * <li>mode {@code operator}: writes one {@code monitoring.coreos.com/v1} PrometheusRule per
 * group into the extension's namespace for prometheus-operator to load.</li>
 * </ul>
 * Invalid rules are reported on their object's {@code status.error} and left out; other objects'
 * rules still load.
 */
final class Rules implements Reconciler {

    static final String GROUP = "alerting.kubesphere.io";
    static final String VERSION = "v2beta1";
    static final Set<String> SEVERITIES = Set.of("critical", "error", "warning", "info");
    private static final Pattern ALERT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern DURATION = Pattern.compile("([0-9]+(ms|s|m|h|d|w|y))+|0");

    private final ExtensionContext context;
    private final Settings settings;

    Rules(ExtensionContext context, Settings settings) {
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

    /** Regenerates and loads every rule; one at a time (controllers of both kinds share it). */
    synchronized void sync() throws Exception {
        List<Map<String, Object>> groups = new ArrayList<>();
        List<Map<String, Object>> operatorObjects = new ArrayList<>();
        for (String plural : List.of("clusterrulegroups", "rulegroups")) {
            for (Map<String, Object> o : context.kubernetes().resources(GROUP, VERSION, plural).list(null)) {
                Map<?, ?> md = (Map<?, ?>) o.get("metadata");
                String namespace = plural.equals("rulegroups") ? (String) md.get("namespace") : null;
                String error = null;
                Map<String, Object> group = null;
                try {
                    group = group(o, namespace);
                } catch (IllegalArgumentException e) {
                    error = e.getMessage();
                }
                if (group != null) {
                    groups.add(group);
                    operatorObjects.add(prometheusRule(group, o, namespace));
                }
                writeStatus(plural, o, error);
            }
        }
        if (settings.operatorMode()) {
            var api = context.kubernetes().resources("monitoring.coreos.com", "v1", "prometheusrules");
            Set<String> wanted = new java.util.HashSet<>();
            for (Map<String, Object> pr : operatorObjects) {
                Map<?, ?> md = (Map<?, ?>) pr.get("metadata");
                wanted.add((String) md.get("name"));
                Map<String, Object> existing = api.get(context.namespace(), (String) md.get("name"));
                if (existing == null) {
                    api.create(context.namespace(), pr);
                } else if (!Objects.equals(existing.get("spec"), pr.get("spec"))) {
                    Map<String, Object> updated = new LinkedHashMap<>(existing);
                    updated.put("spec", pr.get("spec"));
                    api.update(context.namespace(), updated);
                }
            }
            // groups deleted (or turned invalid) since: their PrometheusRules go too
            for (Map<String, Object> pr : api.list(context.namespace())) {
                Map<?, ?> md = (Map<?, ?>) pr.get("metadata");
                if (md.get("labels") instanceof Map<?, ?> l && "tessera".equals(l.get("alerting.kubesphere.io/managed-by"))
                        && !wanted.contains((String) md.get("name"))) {
                    api.delete(context.namespace(), (String) md.get("name"));
                }
            }
            return;
        }
        Path file = settings.ruleFile();
        if (file == null) {
            context.logger().warn("event=alerting.rules.skipped reason=\"prometheus.ruleFile is not configured\"");
            return;
        }
        String content = Json.write(Map.of("groups", groups));
        if (Files.exists(file) && Files.readString(file).equals(content)) {
            return;
        }
        write(file, content);
        context.logger().info("event=alerting.rules.written file={} groups={}", file, groups.size());
        Backend.Answer a = settings.prometheus().send("POST", "/-/reload", null);
        if (a.status() != 200) {
            throw new IllegalStateException("Prometheus refused the reload: " + a.status() + " " + a.body());
        }
    }

    static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Map<String, Object> group(Map<String, Object> o, String namespace) {
        Map<?, ?> md = (Map<?, ?>) o.get("metadata");
        Map<?, ?> spec = o.get("spec") instanceof Map<?, ?> s ? s : Map.of();
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("name", (namespace == null ? "cluster" : namespace) + "/" + md.get("name"));
        if (spec.get("interval") != null) {
            String interval = String.valueOf(spec.get("interval"));
            if (!DURATION.matcher(interval).matches()) {
                throw new IllegalArgumentException("spec.interval: \"" + interval + "\" is not a duration");
            }
            g.put("interval", interval);
        }
        List<Object> rules = new ArrayList<>();
        List<?> in = spec.get("rules") instanceof List<?> l ? l : List.of();
        if (in.isEmpty()) {
            throw new IllegalArgumentException("spec.rules: at least one rule is required");
        }
        for (int i = 0; i < in.size(); i++) {
            String f = "spec.rules[" + i + "]";
            if (!(in.get(i) instanceof Map<?, ?> r)) {
                throw new IllegalArgumentException(f + ": must be an object");
            }
            if (Boolean.TRUE.equals(r.get("disable"))) {
                continue;
            }
            rules.add(rule(r, namespace, f, (String) md.get("name")));
        }
        g.put("rules", rules);
        return g;
    }

    private static Map<String, Object> rule(Map<?, ?> r, String namespace, String f, String groupName) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (!(r.get("alert") instanceof String alert) || !ALERT.matcher(alert).matches()) {
            throw new IllegalArgumentException(f + ".alert: required, [A-Za-z_][A-Za-z0-9_]*");
        }
        out.put("alert", alert);
        boolean hasExpr = r.get("expr") instanceof String e && !e.isBlank();
        boolean hasMetric = r.get("metric") instanceof Map<?, ?>;
        if (hasExpr == hasMetric) {
            throw new IllegalArgumentException(f + ": exactly one of metric (a template) or expr (PromQL) is required");
        }
        if (hasExpr && namespace != null) {
            // raw PromQL could read any project's series: only ClusterRuleGroups (admin-only) take it
            throw new IllegalArgumentException(f + ".expr: project rules use metric templates; raw PromQL needs a ClusterRuleGroup");
        }
        out.put("expr", hasExpr ? ((String) r.get("expr")).trim()
                : RuleTemplates.expression((Map<?, ?>) r.get("metric"), namespace, f + ".metric"));
        String forDuration = r.get("for") == null ? "0s" : String.valueOf(r.get("for"));
        if (!DURATION.matcher(forDuration).matches()) {
            throw new IllegalArgumentException(f + ".for: \"" + forDuration + "\" is not a duration");
        }
        out.put("for", forDuration);
        String severity = r.get("severity") == null ? "warning" : String.valueOf(r.get("severity"));
        if (!SEVERITIES.contains(severity)) {
            throw new IllegalArgumentException(f + ".severity must be one of " + SEVERITIES);
        }
        Map<String, Object> labels = new LinkedHashMap<>(strings(r.get("labels"), f + ".labels", true));
        labels.put("severity", severity);
        labels.put("rule_group", groupName);
        labels.put("alerttype", "metric");
        if (namespace != null) {
            labels.put("namespace", namespace); // routing per tenant reads it
        }
        out.put("labels", labels);
        out.put("annotations", strings(r.get("annotations"), f + ".annotations", false));
        return out;
    }

    private static Map<String, String> strings(Object o, String field, boolean labelNames) {
        Map<String, String> out = new LinkedHashMap<>();
        if (o == null) {
            return out;
        }
        if (!(o instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(field + ": must be a map of strings");
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String k = String.valueOf(e.getKey());
            if (labelNames && (!LABEL.matcher(k).matches() || k.startsWith("__"))) {
                throw new IllegalArgumentException(field + ": \"" + k + "\" is not a label name");
            }
            out.put(k, String.valueOf(e.getValue()));
        }
        return out;
    }

    private Map<String, Object> prometheusRule(Map<String, Object> group, Map<String, Object> o, String namespace) {
        Map<?, ?> md = (Map<?, ?>) o.get("metadata");
        Map<String, Object> pr = new LinkedHashMap<>();
        pr.put("apiVersion", "monitoring.coreos.com/v1");
        pr.put("kind", "PrometheusRule");
        pr.put("metadata", Map.of("name", (namespace == null ? "cluster" : "ns-" + namespace) + "-" + md.get("name"),
                "namespace", context.namespace(), "labels", Map.of("alerting.kubesphere.io/managed-by", "tessera")));
        pr.put("spec", Map.of("groups", List.of(group)));
        return pr;
    }

    @SuppressWarnings("unchecked")
    private void writeStatus(String plural, Map<String, Object> o, String error) {
        Map<String, Object> old = o.get("status") instanceof Map<?, ?> s ? (Map<String, Object>) s : Map.of();
        Map<String, Object> wanted = new LinkedHashMap<>();
        Object generation = ((Map<?, ?>) o.get("metadata")).get("generation");
        wanted.put("observedGeneration", generation);
        wanted.put("state", error == null ? "Loaded" : "Invalid");
        if (error != null) {
            wanted.put("error", error);
        }
        if (wanted.equals(old)) {
            return;
        }
        Map<String, Object> updated = new LinkedHashMap<>(o);
        updated.put("status", wanted);
        context.kubernetes().resources(GROUP, VERSION, plural)
                .updateStatus((String) ((Map<?, ?>) o.get("metadata")).get("namespace"), updated);
    }
}
