package io.tessera.distribution.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.tessera.extension.testkit.TesseraKernel;
import io.tessera.extension.testkit.daemons.Daemons;
import jakarta.mail.internet.MimeMessage;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 10's acceptance, end to end: monitoring, alerting and notification installed from the
 * distribution's built-in repository; real node-exporter, Prometheus and Alertmanager; a rule on
 * node_load1 > -1 reaches a real SMTP server and a webhook through Alertmanager and the
 * notification extension; a silence stops further notifications; uninstalling all three removes
 * their routes and menus and keeps their objects.
 */
class ObservabilityE2EIT {

    static final String NODE = "e2e-node";
    static final String VERSION = "1.0.0";
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration DEADLINE = Duration.ofSeconds(60);

    @RegisterExtension
    @Order(1)
    static final Daemons daemons = new Daemons();
    static final GreenMail mail;
    static final HttpServer hookServer;
    static final List<JsonNode> hooks = new CopyOnWriteArrayList<>();
    static final Path ruleFile;
    static final Path amFile;
    static final String alertmanagerUrl;
    static final String prometheusUrl;

    static {
        try {
            ServerSetup smtp = new ServerSetup(Daemons.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
            smtp.setServerStartupTimeout(30_000); // GreenMail's 2 s ran out on a busy CI machine
            mail = new GreenMail(smtp);
            mail.setUser("alerts@example.com", "alerts-bot", "smtp-secret");
            mail.start();
            hookServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            hookServer.createContext("/hook", ex -> {
                hooks.add(JSON.readTree(ex.getRequestBody()));
                ex.sendResponseHeaders(200, -1);
                ex.close();
            });
            hookServer.start();
            ruleFile = daemons.dir().resolve("rules/tessera.yml");
            amFile = daemons.dir().resolve("alertmanager.yml");
            alertmanagerUrl = "http://" + daemons.alertmanager(amFile);
            prometheusUrl = daemons.prometheus(daemons.nodeExporter(), NODE, ruleFile);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @RegisterExtension
    @Order(2)
    static final TesseraKernel tessera = TesseraKernel
            .fromRepository(Path.of(System.getProperty("tessera.distribution"), "repository"))
            .install("monitoring", VERSION, "prometheus:\n  url: " + prometheusUrl + "\n")
            .install("alerting", VERSION, "prometheus:\n  url: " + prometheusUrl + "\n  ruleFile: " + ruleFile
                    + "\nalertmanager:\n  url: " + alertmanagerUrl + "\n  configFile: " + amFile + "\n  forwardIntervalSeconds: 1\n")
            .install("notification", VERSION, "delivery:\n  maxAttempts: 3\n  backoffMillis: 100\n");

    static ResourceDefinitionContext kind(String group, String version, String kind, String plural) {
        return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(kind).withPlural(plural)
                .withNamespaced(false).build();
    }

    static final ResourceDefinitionContext RULES = kind("alerting.kubesphere.io", "v2beta1", "ClusterRuleGroup", "clusterrulegroups");
    static final ResourceDefinitionContext AM_RECEIVERS = kind("alerting.tessera.io", "v1alpha1", "AlertReceiver", "alertreceivers");
    static final ResourceDefinitionContext ROUTES = kind("alerting.tessera.io", "v1alpha1", "AlertRoute", "alertroutes");
    static final ResourceDefinitionContext RECEIVERS = kind("notification.kubesphere.io", "v2beta2", "Receiver", "receivers");

    @AfterAll
    static void stopReceivers() {
        mail.stop();
        hookServer.stop(0);
    }

    static void create(ResourceDefinitionContext rdc, String name, Map<String, Object> spec) {
        GenericKubernetesResource o = new GenericKubernetesResource();
        o.setApiVersion(rdc.getGroup() + "/" + rdc.getVersion());
        o.setKind(rdc.getKind());
        o.setMetadata(new ObjectMetaBuilder().withName(name).build());
        o.setAdditionalProperty("spec", spec);
        tessera.kubernetes().genericKubernetesResources(rdc).resource(o).create();
    }

    static void secret(String namespace, String name, String key, String value) {
        var k = tessera.kubernetes();
        if (k.namespaces().withName(namespace).get() == null) {
            k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
        }
        k.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName(name).endMetadata()
                .addToData(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))).build()).create();
    }

    /** A token Alertmanager uses to call the notification webhook (the admin's, in this test). */
    static String adminToken() throws Exception {
        String form = "grant_type=password&client_id=kubesphere&client_secret=kubesphere&username=admin&password="
                + URLEncoder.encode("P@88w0rd", StandardCharsets.UTF_8);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(tessera.baseUri().resolve("/oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body()).path("access_token").asText();
    }

    static List<String> subjects() {
        return java.util.Arrays.stream(mail.getReceivedMessages()).map(m -> {
            try {
                return ((MimeMessage) m).getSubject();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    static long hooksAbout(String title) {
        return hooks.stream().filter(h -> h.path("title").asText().contains(title)).count();
    }

    @Test
    void alertReachesMailAndWebhookSilenceStopsItUninstallKeepsObjects() throws Exception {
        // notification: where alerts end up
        secret("extension-notification", "smtp", "value", "smtp-secret");
        create(RECEIVERS, "ops-mail", Map.of("type", "email", "email", Map.of("host", "127.0.0.1", "port", mail.getSmtp().getPort(),
                "tls", "none", "from", "alerts@example.com", "to", List.of("ops@example.com"), "username", "alerts-bot",
                "passwordSecret", Map.of("name", "smtp"))));
        create(RECEIVERS, "ops-hook", Map.of("type", "webhook", "webhook", Map.of("url",
                "http://127.0.0.1:" + hookServer.getAddress().getPort() + "/hook")));
        // alerting: Alertmanager → the notification extension's webhook, a route, the rule
        secret("extension-alerting", "notification-token", "token", adminToken());
        create(AM_RECEIVERS, "notification", Map.of("webhook", Map.of("url",
                tessera.baseUri().resolve("/kapis/notification.kubesphere.io/v2beta2/alerts").toString(),
                "bearerTokenSecret", Map.of("name", "notification-token"))));
        create(ROUTES, "everything", Map.of("receiver", "notification", "groupBy", List.of("alertname"), "groupWait", "1s",
                "groupInterval", "1s", "repeatInterval", "2s"));
        create(RULES, "node-load", Map.of("rules", List.of(Map.of("alert", "NodeLoad", "for", "0s", "severity", "warning",
                "metric", Map.of("name", "node_load1", "comparator", ">", "threshold", -1),
                "annotations", Map.of("summary", "load on the node")))));

        await().atMost(DEADLINE).until(() -> subjects().contains("[FIRING] NodeLoad (warning)") && hooksAbout("NodeLoad") > 0);
        JsonNode payload = hooks.stream().filter(h -> h.path("title").asText().contains("NodeLoad")).findFirst().orElseThrow();
        assertThat(payload.path("source").asText()).isEqualTo("alertmanager");
        assertThat(payload.path("alerts").get(0).path("labels").path("node").asText()).isEqualTo(NODE);

        // the monitoring API reads the same node
        JsonNode nodes = JSON.readTree(tessera.http("platform-admin").get("/kapis/monitoring.kubesphere.io/v1alpha3/nodes/" + NODE
                + "?metrics_filter=node_load1").body());
        assertThat(nodes.path("results").get(0).path("data").path("result").get(0).path("metric").path("node").asText()).isEqualTo(NODE);

        // a silence: no further NodeLoad notifications, judged against a canary on the same route
        HttpResponse<String> silence = tessera.http("platform-admin").send("POST", "/kapis/alerting.kubesphere.io/v2beta1/silences",
                JSON.writeValueAsString(Map.of("matchers", List.of(Map.of("name", "alertname", "value", "NodeLoad")), "duration", "1h")));
        assertThat(silence.statusCode()).as(silence.body()).isEqualTo(201);
        await().atMost(DEADLINE).until(() -> JSON.readTree(tessera.http("platform-admin")
                .get("/kapis/alerting.kubesphere.io/v2beta1/alerts?state=silenced").body()).path("totalItems").asInt() == 1);
        create(RULES, "canary", Map.of("rules", List.of(Map.of("alert", "Canary", "for", "0s", "severity", "info",
                "metric", Map.of("name", "node_load5", "comparator", ">", "threshold", -1)))));
        await().atMost(DEADLINE).until(() -> hooksAbout("Canary") >= 1);
        long mails = subjects().stream().filter(s -> s.contains("NodeLoad")).count();
        long silencedHooks = hooksAbout("NodeLoad");
        await().atMost(DEADLINE).until(() -> hooksAbout("Canary") >= 4); // three repeat intervals later
        assertThat(hooksAbout("NodeLoad")).isEqualTo(silencedHooks);
        assertThat(subjects().stream().filter(s -> s.contains("NodeLoad")).count()).isEqualTo(mails);

        // uninstall all three: routes 404, menus gone, objects kept
        for (String ext : List.of("notification", "alerting", "monitoring")) {
            tessera.uninstall(ext);
        }
        var admin = tessera.http("platform-admin");
        for (String route : List.of("/kapis/monitoring.kubesphere.io/v1alpha3/cluster", "/kapis/alerting.kubesphere.io/v2beta1/alerts",
                "/kapis/notification.kubesphere.io/v2beta2/receivers")) {
            await().atMost(DEADLINE).until(() -> admin.get(route).statusCode() == 404);
        }
        await().atMost(DEADLINE).until(() -> {
            JsonNode entries = JSON.readTree(admin.get("/kapis/extensions.tessera.io/v1alpha1/consoleentries").body());
            return entries.path("items").findValuesAsText("name").stream()
                    .noneMatch(n -> List.of("monitoring", "alerting", "notification").contains(n));
        });
        assertThat(admin.get("/dist/monitoring/index.js").statusCode()).isEqualTo(404);
        assertThat(tessera.kubernetes().genericKubernetesResources(RULES).withName("node-load").get()).isNotNull();
        assertThat(tessera.kubernetes().genericKubernetesResources(RECEIVERS).withName("ops-mail").get()).isNotNull();
        assertThat(tessera.kubernetes().genericKubernetesResources(ROUTES).withName("everything").get()).isNotNull();
    }
}
