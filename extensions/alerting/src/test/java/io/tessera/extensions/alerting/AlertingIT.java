package io.tessera.extensions.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.tessera.extension.testkit.TesseraKernel;
import io.tessera.extension.testkit.daemons.Daemons;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The alerting extension against real Prometheus (evaluating the rule file the extension writes),
 * real Alertmanager (running the configuration the extension writes) and node-exporter. A local
 * webhook receiver records what Alertmanager sends; "no further notification" is judged against
 * a canary alert routed the same way, never against a fixed wait.
 */
class AlertingIT {

    static final String NODE = "obs-node-1";
    static final ObjectMapper JSON = new ObjectMapper();
    static final String API = "/kapis/alerting.kubesphere.io/v2beta1";
    static final Duration DEADLINE = Duration.ofSeconds(60);

    @RegisterExtension
    @Order(1)
    static final Daemons daemons = new Daemons();
    static final WebhookReceiver hook;
    static final Path ruleFile;
    static final Path amFile;
    static final String alertmanagerUrl;
    static final String prometheusUrl;

    static {
        try {
            hook = new WebhookReceiver();
            ruleFile = daemons.dir().resolve("rules/tessera.yml");
            amFile = daemons.dir().resolve("alertmanager.yml");
            alertmanagerUrl = "http://" + daemons.alertmanager(amFile);
            prometheusUrl = daemons.prometheus(daemons.nodeExporter(), NODE, ruleFile);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String config(String am) {
        return "prometheus:\n  url: " + prometheusUrl + "\n  ruleFile: " + ruleFile + "\nalertmanager:\n  url: " + am
                + "\n  configFile: " + amFile + "\n  forwardIntervalSeconds: 1\n";
    }

    @RegisterExtension
    @Order(2)
    static final TesseraKernel tessera = TesseraKernel.installing(Path.of(System.getProperty("tessera.extension.package")))
            .withConfig(config(alertmanagerUrl));

    static ResourceDefinitionContext kind(String group, String version, String kind, String plural, boolean namespaced) {
        return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(kind).withPlural(plural)
                .withNamespaced(namespaced).build();
    }

    static final ResourceDefinitionContext CLUSTER_RULES = kind("alerting.kubesphere.io", "v2beta1", "ClusterRuleGroup", "clusterrulegroups", false);
    static final ResourceDefinitionContext RULES = kind("alerting.kubesphere.io", "v2beta1", "RuleGroup", "rulegroups", true);
    static final ResourceDefinitionContext RECEIVERS = kind("alerting.tessera.io", "v1alpha1", "AlertReceiver", "alertreceivers", false);
    static final ResourceDefinitionContext ROUTES = kind("alerting.tessera.io", "v1alpha1", "AlertRoute", "alertroutes", false);
    static final ResourceDefinitionContext INHIBIT = kind("alerting.tessera.io", "v1alpha1", "InhibitRule", "inhibitrules", false);
    static final ResourceDefinitionContext PLANS = kind("kubesphere.io", "v1alpha1", "InstallPlan", "installplans", false);

    static GenericKubernetesResource create(ResourceDefinitionContext rdc, String namespace, String name, Map<String, Object> spec) {
        GenericKubernetesResource o = new GenericKubernetesResource();
        o.setApiVersion(rdc.getGroup() + "/" + rdc.getVersion());
        o.setKind(rdc.getKind());
        o.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        o.setAdditionalProperty("spec", spec);
        var ops = tessera.kubernetes().genericKubernetesResources(rdc);
        return namespace == null ? ops.resource(o).create() : ops.inNamespace(namespace).resource(o).create();
    }

    static Map<?, ?> status(ResourceDefinitionContext rdc, String namespace, String name) {
        var ops = tessera.kubernetes().genericKubernetesResources(rdc);
        GenericKubernetesResource o = namespace == null ? ops.withName(name).get() : ops.inNamespace(namespace).withName(name).get();
        return o.getAdditionalProperties().get("status") instanceof Map<?, ?> s ? s : Map.of();
    }

    static Map<String, Object> rule(String alert, Object how, String severity) {
        return how instanceof String expr
                ? Map.of("alert", alert, "expr", expr, "for", "0s", "severity", severity, "annotations", Map.of("summary", alert + " fired"))
                : Map.of("alert", alert, "metric", how, "for", "0s", "severity", severity);
    }

    @BeforeAll
    static void routing() {
        create(RECEIVERS, null, "hook", Map.of("webhook", Map.of("url", hook.url())));
        // fast repeats for the silence test; everything else is never repeated within a test
        create(ROUTES, null, "repeating", Map.of("receiver", "hook", "matchers", List.of("alertname=~\"Repeating|Heartbeat\""),
                "groupBy", List.of("alertname"), "groupWait", "1s", "groupInterval", "1s", "repeatInterval", "1s", "order", 1));
        create(ROUTES, null, "all", Map.of("receiver", "hook", "groupBy", List.of("alertname"), "groupWait", "1s",
                "groupInterval", "1s", "repeatInterval", "1h", "order", 100));
        create(INHIBIT, null, "critical-mutes-warning", Map.of("sourceMatchers", List.of("alertname=\"InhibitCritical\""),
                "targetMatchers", List.of("alertname=\"InhibitWarning\""), "equal", List.of("node")));
        await().atMost(DEADLINE).until(() -> "Applied".equals(status(ROUTES, null, "all").get("state"))
                && "Applied".equals(status(INHIBIT, null, "critical-mutes-warning").get("state")));
    }

    /** Waits for a condition; on timeout the failure shows what the webhook, Alertmanager and Prometheus hold. */
    static void eventually(java.util.concurrent.Callable<Boolean> condition) {
        try {
            await().atMost(DEADLINE).until(condition);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            String diagnostics;
            try {
                var http = java.net.http.HttpClient.newHttpClient();
                diagnostics = "webhook received: " + hook.received + "\nalertmanager alerts: "
                        + http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(alertmanagerUrl + "/api/v2/alerts")).build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString()).body()
                        + "\nprometheus rules: " + http.send(java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create(prometheusUrl + "/api/v1/rules")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            } catch (Exception d) {
                diagnostics = "(diagnostics failed: " + d + ")";
            }
            throw new AssertionError(e.getMessage() + "\n" + diagnostics, e);
        }
    }

    static JsonNode alerts(String role, String query) throws Exception {
        HttpResponse<String> r = tessera.http(role).get(API + "/alerts" + query);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("items");
    }

    static boolean hasAlert(JsonNode items, String alertname, String state) {
        for (JsonNode a : items) {
            if (a.path("labels").path("alertname").asText().equals(alertname) && a.path("state").asText().equals(state)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void ruleOnARealMetricFiresIsGroupedAndDeduplicated() throws Exception {
        // two series from one rule: one group (by alertname), one notification with both alerts
        create(CLUSTER_RULES, null, "grouped", Map.of("rules", List.of(rule("GroupedLoad",
                "label_replace(node_load1, \"replica\", \"a\", \"\", \"\") > -1 or label_replace(node_load1, \"replica\", \"b\", \"\", \"\") > -1",
                "warning"))));
        eventually(() -> !hook.about("GroupedLoad").isEmpty());
        JsonNode first = hook.about("GroupedLoad").get(0);
        assertThat(first.path("status").asText()).isEqualTo("firing");
        assertThat(first.path("alerts")).hasSize(2);
        assertThat(first.path("commonLabels").path("severity").asText()).isEqualTo("warning");
        assertThat(first.path("commonAnnotations").path("summary").asText()).isEqualTo("GroupedLoad fired");
        // a canary through the same route (a metric template this time): once it is delivered,
        // the first group has had several group_interval ticks in which to send duplicates
        create(CLUSTER_RULES, null, "canary", Map.of("rules", List.of(rule("CanaryLoad",
                Map.of("name", "node_load1", "comparator", ">", "threshold", -1), "info"))));
        eventually(() -> !hook.about("CanaryLoad").isEmpty());
        assertThat(hook.about("CanaryLoad").get(0).path("commonLabels").path("node").asText()).isEqualTo(NODE);
        assertThat(hook.about("GroupedLoad")).hasSize(1);
        JsonNode rules = JSON.readTree(tessera.http("platform-admin").get(API + "/rules").body()).path("items");
        assertThat(rules.findValuesAsText("alert")).contains("GroupedLoad", "CanaryLoad");
        assertThat(hasAlert(alerts("platform-admin", "?state=firing"), "GroupedLoad", "firing")).isTrue();
    }

    @Test
    void silenceStopsNotificationsUntilItExpires() throws Exception {
        create(CLUSTER_RULES, null, "repeating", Map.of("rules", List.of(
                rule("Repeating", Map.of("name", "node_load1", "comparator", ">=", "threshold", -1), "warning"),
                rule("Heartbeat", Map.of("name", "node_load5", "comparator", ">=", "threshold", -1), "info"))));
        eventually(() -> hook.about("Repeating").size() >= 2);
        HttpResponse<String> created = tessera.http("platform-admin").send("POST", API + "/silences", JSON.writeValueAsString(
                Map.of("matchers", List.of(Map.of("name", "alertname", "value", "Repeating")), "duration", "1h", "comment", "maintenance")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = JSON.readTree(created.body()).path("id").asText();
        await().atMost(DEADLINE).until(() -> hasAlert(alerts("platform-admin", "?state=silenced"), "Repeating", "silenced"));
        // let a flush that began before the silence finish: one more heartbeat
        int beats = hook.about("Heartbeat").size();
        eventually(() -> hook.about("Heartbeat").size() > beats);
        int whileSilenced = hook.about("Repeating").size();
        int beats2 = hook.about("Heartbeat").size();
        eventually(() -> hook.about("Heartbeat").size() >= beats2 + 3);
        assertThat(hook.about("Repeating")).hasSize(whileSilenced);
        JsonNode silences = JSON.readTree(tessera.http("platform-admin").get(API + "/silences").body()).path("items");
        assertThat(silences.findValuesAsText("createdBy")).contains("admin");
        assertThat(tessera.http("platform-admin").send("DELETE", API + "/silences/" + id, null).statusCode()).isEqualTo(200);
        eventually(() -> hook.about("Repeating").size() > whileSilenced);
    }

    @Test
    void higherSeverityAlertInhibitsTheOther() throws Exception {
        create(CLUSTER_RULES, null, "inhibit", Map.of("rules", List.of(
                rule("InhibitCritical", Map.of("name", "node_load1", "comparator", ">", "threshold", -1), "critical"),
                rule("InhibitWarning", Map.of("name", "node_load1", "comparator", ">", "threshold", -1), "warning"))));
        await().atMost(DEADLINE).until(() -> hasAlert(alerts("platform-admin", ""), "InhibitWarning", "inhibited"));
        JsonNode all = alerts("platform-admin", "");
        assertThat(hasAlert(all, "InhibitCritical", "firing")).isTrue();
        eventually(() -> !hook.about("InhibitCritical").isEmpty());
        assertThat(hook.about("InhibitWarning")).isEmpty();
    }

    @Test
    void invalidRulesAreReportedOnTheirObjectAndLeaveOthersLoaded() throws Exception {
        tessera.kubernetes().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("team-a").endMetadata().build())
                .create();
        create(RULES, "team-a", "raw", Map.of("rules", List.of(rule("Raw", "vector(1)", "warning"))));
        create(CLUSTER_RULES, null, "unknown", Map.of("rules", List.of(rule("Unknown",
                Map.of("name", "node_wibble", "threshold", 1), "warning"))));
        create(RULES, "team-a", "pods", Map.of("rules", List.of(rule("PodMemory",
                Map.of("name", "pod_memory_usage_wo_cache", "comparator", ">", "threshold", 1e9), "error"))));
        await().atMost(DEADLINE).until(() -> "Invalid".equals(status(RULES, "team-a", "raw").get("state")));
        assertThat(String.valueOf(status(RULES, "team-a", "raw").get("error"))).contains("spec.rules[0].expr");
        await().atMost(DEADLINE).until(() -> "Invalid".equals(status(CLUSTER_RULES, null, "unknown").get("state")));
        assertThat(String.valueOf(status(CLUSTER_RULES, null, "unknown").get("error"))).contains("unknown metric \"node_wibble\"");
        await().atMost(DEADLINE).until(() -> "Loaded".equals(status(RULES, "team-a", "pods").get("state")));
        await().atMost(DEADLINE).until(() -> JSON.readTree(tessera.http("platform-admin").get(API + "/rules").body())
                .path("items").findValuesAsText("expr").stream().anyMatch(e -> e.contains("namespace=\"team-a\"")));
        // bad routing is refused before it reaches Alertmanager
        create(ROUTES, null, "nowhere", Map.of("receiver", "missing"));
        await().atMost(DEADLINE).until(() -> "Invalid".equals(status(ROUTES, null, "nowhere").get("state")));
        tessera.kubernetes().genericKubernetesResources(ROUTES).withName("nowhere").delete();
    }

    @Test
    void apiChecksInputAndCallers() throws Exception {
        assertThat(tessera.http("platform-regular").get(API + "/alerts").statusCode()).isEqualTo(403);
        assertThat(tessera.http("platform-regular").send("POST", API + "/silences", "{}").statusCode()).isEqualTo(403);
        for (String body : new String[] {"{}", "{\"matchers\":[{\"name\":\"alertname\",\"value\":\"x\"}]}",
                "{\"matchers\":[{\"name\":\"alertname\",\"value\":\"x\"}],\"duration\":\"forever\"}"}) {
            HttpResponse<String> r = tessera.http("platform-admin").send("POST", API + "/silences", body);
            assertThat(r.statusCode()).as(body + " → " + r.body()).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).path("kind").asText()).isEqualTo("Status");
        }
        assertThat(tessera.http("platform-admin").get(API + "/alerts?state=sleeping").statusCode()).isEqualTo(400);
        assertThat(tessera.http("platform-admin").send("DELETE", API + "/silences/not-an-id", null).statusCode()).isEqualTo(400);
    }

    @Test
    void unreachableAlertmanagerIsAConditionAnd503UntilItIsBack() throws Exception {
        String dead = "http://127.0.0.1:" + Daemons.freePort();
        setConfig(config(dead));
        try {
            await().atMost(DEADLINE).until(() -> "False".equals(condition("AlertmanagerReachable")));
            HttpResponse<String> r = tessera.http("platform-admin").get(API + "/alerts");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(r.body()).path("reason").asText()).isEqualTo("ServiceUnavailable");
            assertThat(condition("PrometheusReachable")).isEqualTo("True");
        } finally {
            setConfig(config(alertmanagerUrl));
        }
        await().atMost(DEADLINE).until(() -> "True".equals(condition("AlertmanagerReachable")));
        await().atMost(DEADLINE).until(() -> tessera.http("platform-admin").get(API + "/alerts").statusCode() == 200);
    }

    /**
     * Mode {@code operator}: the same objects become prometheus-operator's AlertmanagerConfig
     * (v1alpha1 field names, structured matchers, tokens by Secret reference) and PrometheusRules.
     * No operator runs here: the test reads the objects it would load. The CRDs are trimmed to
     * names and versions (the embedded cluster does not validate schemas).
     */
    @Test
    @SuppressWarnings("unchecked")
    void operatorModeEmitsAnAlertmanagerConfigAndPrometheusRules() throws Exception {
        for (String[] crd : new String[][] {{"alertmanagerconfigs", "AlertmanagerConfig", "v1alpha1"},
                {"prometheusrules", "PrometheusRule", "v1"}}) {
            if (tessera.kubernetes().apiextensions().v1().customResourceDefinitions().withName(crd[0] + ".monitoring.coreos.com").get() == null) {
                tessera.kubernetes().apiextensions().v1().customResourceDefinitions().resource(
                        new io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder()
                                .withNewMetadata().withName(crd[0] + ".monitoring.coreos.com").endMetadata()
                                .withNewSpec().withGroup("monitoring.coreos.com").withScope("Namespaced")
                                .withNewNames().withKind(crd[1]).withPlural(crd[0]).withSingular(crd[1].toLowerCase()).endNames()
                                .addNewVersion().withName(crd[2]).withServed(true).withStorage(true).withNewSchema().withNewOpenAPIV3Schema()
                                .withType("object").withXKubernetesPreserveUnknownFields(true).endOpenAPIV3Schema().endSchema().endVersion()
                                .endSpec().build()).create();
            }
        }
        if (tessera.kubernetes().namespaces().withName("extension-alerting").get() == null) {
            tessera.kubernetes().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("extension-alerting").endMetadata()
                    .build()).create();
        }
        tessera.kubernetes().secrets().inNamespace("extension-alerting").resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata().withName("am-token").endMetadata()
                .addToData("token", java.util.Base64.getEncoder().encodeToString("s3cret-token".getBytes())).build()).create();
        create(RECEIVERS, null, "secured", Map.of("webhook", Map.of("url", "https://hooks.example.com/am",
                "bearerTokenSecret", Map.of("name", "am-token"))));
        create(CLUSTER_RULES, null, "operator-nodes", Map.of("rules", List.of(rule("OperatorLoad",
                Map.of("name", "node_load1", "comparator", ">", "threshold", 100), "warning"))));
        var configs = tessera.kubernetes().genericKubernetesResources(kind("monitoring.coreos.com", "v1alpha1", "AlertmanagerConfig",
                "alertmanagerconfigs", true)).inNamespace("extension-alerting");
        var prometheusRules = tessera.kubernetes().genericKubernetesResources(kind("monitoring.coreos.com", "v1", "PrometheusRule",
                "prometheusrules", true)).inNamespace("extension-alerting");
        setConfig("mode: operator\n" + config(alertmanagerUrl));
        try {
            await().atMost(DEADLINE).until(() -> configs.withName("tessera").get() != null
                    && String.valueOf(configs.withName("tessera").get().getAdditionalProperties().get("spec")).contains("am-token"));
            Map<String, Object> spec = (Map<String, Object>) configs.withName("tessera").get().getAdditionalProperties().get("spec");
            String json = JSON.writeValueAsString(spec);
            assertThat(json).doesNotContain("s3cret-token").doesNotContain("_");
            JsonNode root = JSON.valueToTree(spec);
            assertThat(root.path("route").path("receiver").asText()).isEqualTo("tessera-blackhole");
            JsonNode repeating = root.path("route").path("routes").get(0);
            assertThat(repeating.path("receiver").asText()).isEqualTo("hook");
            assertThat(repeating.path("matchers").get(0)).isEqualTo(JSON.valueToTree(
                    Map.of("name", "alertname", "matchType", "=~", "value", "Repeating|Heartbeat")));
            assertThat(repeating.path("groupWait").asText()).isEqualTo("1s");
            assertThat(repeating.path("repeatInterval").asText()).isEqualTo("1s");
            assertThat(root.path("route").path("routes").get(1).path("repeatInterval").asText()).isEqualTo("1h");
            JsonNode secured = null;
            for (JsonNode r : root.path("receivers")) {
                if (r.path("name").asText().equals("secured")) {
                    secured = r;
                }
                if (r.path("name").asText().equals("hook")) {
                    assertThat(r.path("webhookConfigs").get(0).path("url").asText()).isEqualTo(hook.url());
                    assertThat(r.path("webhookConfigs").get(0).path("sendResolved").asBoolean()).isTrue();
                }
            }
            assertThat(secured).isNotNull();
            assertThat(secured.path("webhookConfigs").get(0).path("httpConfig").path("authorization")).isEqualTo(JSON.valueToTree(
                    Map.of("type", "Bearer", "credentials", Map.of("name", "am-token", "key", "token"))));
            JsonNode inhibit = root.path("inhibitRules").get(0);
            assertThat(inhibit.path("sourceMatch").get(0)).isEqualTo(JSON.valueToTree(
                    Map.of("name", "alertname", "matchType", "=", "value", "InhibitCritical")));
            assertThat(inhibit.path("targetMatch").get(0).path("value").asText()).isEqualTo("InhibitWarning");
            assertThat(inhibit.path("equal").get(0).asText()).isEqualTo("node");

            await().atMost(DEADLINE).until(() -> prometheusRules.withName("cluster-operator-nodes").get() != null);
            assertThat(String.valueOf(prometheusRules.withName("cluster-operator-nodes").get().getAdditionalProperties().get("spec")))
                    .contains("OperatorLoad").contains("node_load1");
            // a deleted group's PrometheusRule goes too
            tessera.kubernetes().genericKubernetesResources(CLUSTER_RULES).withName("operator-nodes").delete();
            await().atMost(DEADLINE).until(() -> prometheusRules.withName("cluster-operator-nodes").get() == null);
        } finally {
            setConfig(config(alertmanagerUrl));
            tessera.kubernetes().genericKubernetesResources(RECEIVERS).withName("secured").delete();
        }
    }

    static String condition(String type) {
        GenericKubernetesResource plan = tessera.kubernetes().genericKubernetesResources(PLANS).withName("alerting").get();
        if (plan.getAdditionalProperties().get("status") instanceof Map<?, ?> st && st.get("conditions") instanceof List<?> l) {
            for (Object c : l) {
                if (c instanceof Map<?, ?> cm && type.equals(cm.get("type"))) {
                    return String.valueOf(cm.get("status"));
                }
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    static void setConfig(String yaml) {
        tessera.kubernetes().genericKubernetesResources(PLANS).withName("alerting").edit(p -> {
            ((Map<String, Object>) p.getAdditionalProperties().get("spec")).put("config", yaml);
            return p;
        });
    }
}
