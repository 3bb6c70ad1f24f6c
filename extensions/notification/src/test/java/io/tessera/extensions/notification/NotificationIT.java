package io.tessera.extensions.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.tessera.extension.testkit.TesseraKernel;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The notification extension delivering to a real SMTP server (GreenMail, SMTPS with
 * authentication) and to local HTTP receivers that check each service's documented payload.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NotificationIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String API = "/kapis/notification.kubesphere.io/v2beta2";
    static final Duration DEADLINE = Duration.ofSeconds(30);
    static final String NS = "extension-notification";
    static final String DING_SECRET = "SEC0123456789abcdef";
    static final String SMTP_PASSWORD = "smtp-Pa55word";

    @RegisterExtension
    static final TesseraKernel tessera = TesseraKernel.installing(Path.of(System.getProperty("tessera.extension.package")))
            .withConfig("delivery:\n  maxAttempts: 4\n  backoffMillis: 50\n");

    static final ResourceDefinitionContext RECEIVERS = new ResourceDefinitionContext.Builder()
            .withGroup("notification.kubesphere.io").withVersion("v2beta2").withKind("Receiver").withPlural("receivers")
            .withNamespaced(false).build();

    static final ResourceDefinitionContext DELIVERIES = new ResourceDefinitionContext.Builder()
            .withGroup("notification.tessera.io").withVersion("v1alpha1").withKind("Delivery").withPlural("deliveries")
            .withNamespaced(true).build();

    static GreenMail mail;
    static StartTlsFront startTls;
    static HttpReceivers http;

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @BeforeAll
    static void receivers() throws Exception {
        ServerSetup[] setups = {new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTPS),
            new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP)};
        for (ServerSetup setup : setups) {
            setup.setServerStartupTimeout(30_000); // GreenMail's 2 s ran out on a busy CI machine
        }
        mail = new GreenMail(setups);
        mail.setUser("alerts@example.com", "alerts-bot", SMTP_PASSWORD);
        mail.start();
        startTls = new StartTlsFront(mail.getSmtp().getPort());
        http = new HttpReceivers();
        var k = tessera.kubernetes();
        if (k.namespaces().withName(NS).get() == null) {
            k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
        }
        for (String name : List.of("team-a", "team-b")) {
            k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
        }
        secret("smtp", SMTP_PASSWORD);
        secret("slack-url", http.url("/slack/T000/B000/XXXX"));
        secret("ding-url", http.url("/dingtalk?access_token=tok123"));
        secret("ding-sign", DING_SECRET);
        secret("wecom-url", http.url("/wecom?key=abc"));
        secret("hook-token", "hook-token-value");
        receiver("mail", Map.of("type", "email", "email", Map.of("host", "127.0.0.1", "port", mail.getSmtps().getPort(), "tls", "tls",
                "insecureSkipVerify", true, "from", "Tessera <alerts@example.com>", "to", List.of("ops@example.com"),
                "username", "alerts-bot", "passwordSecret", Map.of("name", "smtp", "key", "value"))));
        receiver("slack", Map.of("type", "slack", "slack", Map.of("urlSecret", Map.of("name", "slack-url"), "channel", "#alerts")));
        receiver("ding", Map.of("type", "dingtalk", "language", "zh", "dingtalk",
                Map.of("urlSecret", Map.of("name", "ding-url"), "signSecret", Map.of("name", "ding-sign"))));
        receiver("wecom", Map.of("type", "wecom", "wecom", Map.of("urlSecret", Map.of("name", "wecom-url"))));
        receiver("hook", Map.of("type", "webhook", "webhook", Map.of("url", http.url("/hook"), "tokenSecret", Map.of("name", "hook-token"))));
        receiver("team-a-only", Map.of("type", "webhook", "scope", Map.of("namespaces", List.of("team-a")),
                "webhook", Map.of("url", http.url("/team-a"))));
        // disabled: reached only by "send test", so alert routing in the other tests is unchanged
        receiver("mail-starttls", Map.of("type", "email", "enabled", false, "email", Map.of("host", "127.0.0.1", "port", startTls.port(),
                "tls", "starttls", "insecureSkipVerify", true, "from", "alerts@example.com", "to", List.of("starttls@example.com"),
                "username", "alerts-bot", "passwordSecret", Map.of("name", "smtp"))));
        receiver("mail-no-starttls", Map.of("type", "email", "enabled", false, "email", Map.of("host", "127.0.0.1",
                "port", mail.getSmtp().getPort(), "tls", "starttls", "from", "alerts@example.com", "to", List.of("plain@example.com"),
                "username", "alerts-bot", "passwordSecret", Map.of("name", "smtp"))));
        receiver("flaky", Map.of("type", "webhook", "severities", List.of("critical"), "webhook", Map.of("url", http.url("/flaky"))));
    }

    @AfterAll
    static void stop() throws Exception {
        if (mail != null) {
            mail.stop();
        }
        if (http != null) {
            http.close();
        }
        if (startTls != null) {
            startTls.close();
        }
    }

    static void secret(String name, String value) {
        tessera.kubernetes().secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName(name).endMetadata()
                .addToData("value", Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))).build()).create();
    }

    static void receiver(String name, Map<String, Object> spec) {
        GenericKubernetesResource r = new GenericKubernetesResource();
        r.setApiVersion("notification.kubesphere.io/v2beta2");
        r.setKind("Receiver");
        r.setMetadata(new ObjectMetaBuilder().withName(name).build());
        r.setAdditionalProperty("spec", spec);
        tessera.kubernetes().genericKubernetesResources(RECEIVERS).resource(r).create();
    }

    static Map<String, Object> alertmanagerPayload(String alertname, String severity, String namespace) {
        Map<String, Object> labels = namespace == null ? Map.of("alertname", alertname, "severity", severity, "node", "node-1")
                : Map.of("alertname", alertname, "severity", severity, "namespace", namespace, "pod", "web-1");
        return Map.of("version", "4", "status", "firing", "receiver", "notification", "groupKey", "{}:{alertname=\"" + alertname + "\"}",
                "groupLabels", Map.of("alertname", alertname), "commonLabels", labels,
                "commonAnnotations", Map.of("summary", alertname + " is high"),
                "alerts", List.of(Map.of("status", "firing", "labels", labels, "annotations", Map.of("summary", alertname + " is high"),
                        "startsAt", "2026-01-01T00:00:00Z")));
    }

    static HttpResponse<String> post(String path, Object body) throws Exception {
        return tessera.http("platform-admin").send("POST", API + path, JSON.writeValueAsString(body));
    }

    @Test
    void alertmanagerWebhookIsDeliveredToEveryChannelInItsFormat() throws Exception {
        HttpResponse<String> r = post("/alerts", alertmanagerPayload("NodeLoadHigh", "warning", null));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);

        await().atMost(DEADLINE).until(() -> subjects().stream().anyMatch(s -> s.equals("[FIRING] NodeLoadHigh (warning)")));
        MimeMessage email = messages().stream().filter(m -> subject(m).startsWith("[FIRING] NodeLoadHigh")).findFirst().orElseThrow();
        assertThat(String.valueOf(email.getContent())).contains("NodeLoadHigh: NodeLoadHigh is high").contains("node=node-1");
        assertThat(email.getAllRecipients()[0].toString()).isEqualTo("ops@example.com");

        // other tests deliver to the same receivers: pick this alert's requests
        await().atMost(DEADLINE).until(() -> about("/slack/T000/B000/XXXX") != null && about("/dingtalk") != null
                && about("/wecom") != null && about("/hook") != null);
        JsonNode slack = about("/slack/T000/B000/XXXX").body();
        assertThat(slack.path("text").asText()).startsWith("*[FIRING] NodeLoadHigh (warning)*");
        assertThat(slack.path("channel").asText()).isEqualTo("#alerts");

        HttpReceivers.Request ding = about("/dingtalk");
        assertThat(ding.body().path("msgtype").asText()).isEqualTo("markdown");
        assertThat(ding.body().path("markdown").path("title").asText()).isEqualTo("[告警] NodeLoadHigh (警告)"); // language zh
        Map<String, String> q = query(ding.query());
        assertThat(q.get("access_token")).isEqualTo("tok123");
        // DingTalk's documented signature, recomputed here independently
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(DING_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = Base64.getEncoder().encodeToString(mac.doFinal((q.get("timestamp") + "\n" + DING_SECRET)
                .getBytes(StandardCharsets.UTF_8)));
        assertThat(q.get("sign")).isEqualTo(expected);

        JsonNode wecom = about("/wecom").body();
        assertThat(wecom.path("msgtype").asText()).isEqualTo("markdown");
        assertThat(wecom.path("markdown").path("content").asText()).startsWith("**[FIRING] NodeLoadHigh (warning)**");

        HttpReceivers.Request hook = about("/hook");
        assertThat(hook.authorization()).isEqualTo("Bearer hook-token-value");
        assertThat(hook.body().path("source").asText()).isEqualTo("alertmanager");
        assertThat(hook.body().path("alerts").get(0).path("labels").path("alertname").asText()).isEqualTo("NodeLoadHigh");
        // a cluster alert is not a team-a alert
        assertThat(http.at("/team-a")).isEmpty();
    }

    @Test
    void tenantReceiversGetOnlyTheirProjectsAlerts() throws Exception {
        assertThat(post("/alerts", alertmanagerPayload("PodMemoryHigh", "warning", "team-b")).statusCode()).isEqualTo(202);
        assertThat(post("/alerts", alertmanagerPayload("PodCpuHigh", "warning", "team-a")).statusCode()).isEqualTo(202);
        await().atMost(DEADLINE).until(() -> http.at("/team-a").size() == 1
                && http.at("/hook").stream().anyMatch(r -> r.body().path("title").asText().contains("PodMemoryHigh")));
        assertThat(http.at("/team-a").get(0).body().path("namespace").asText()).isEqualTo("team-a");
        assertThat(http.at("/team-a").get(0).body().path("title").asText()).contains("PodCpuHigh");
    }

    @Test
    void failedDeliveriesAreRetriedWithBackoffAndLogged() throws Exception {
        HttpResponse<String> r = post("/events", Map.of("reason", "DiskFull", "message", "node-1 disk is full", "severity", "critical"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        await().atMost(DEADLINE).until(() -> http.at("/flaky").size() == HttpReceivers.FLAKY_FAILURES + 1);
        await().atMost(DEADLINE).until(() -> log("flaky").stream().anyMatch(e -> e.path("status").asText().equals("Succeeded")));
        List<JsonNode> attempts = log("flaky").stream().filter(e -> e.path("title").asText().equals("DiskFull")).toList();
        assertThat(attempts).extracting(e -> e.path("attempt").asInt() + ":" + e.path("status").asText())
                .containsExactly("3:Succeeded", "2:Retrying", "1:Retrying");
        assertThat(attempts.get(2).path("error").asText()).contains("answered 500").doesNotContain("/flaky");
        assertThat(http.at("/flaky").get(0).body().path("message").asText()).contains("node-1 disk is full");
    }

    @Test
    void sendTestReachesTheMailbox() throws Exception {
        HttpResponse<String> r = post("/receivers/mail/test", Map.of());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).path("status").asText()).isEqualTo("Succeeded");
        assertThat(subjects()).contains("[TEST] Tessera");
        assertThat(post("/receivers/nobody/test", Map.of()).statusCode()).isEqualTo(404);
    }

    @Test
    void emailGoesOverStartTlsAndAServerWithoutStartTlsIsRefusedBeforeAuth() throws Exception {
        HttpResponse<String> r = post("/receivers/mail-starttls/test", Map.of());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).path("status").asText()).as(r.body()).isEqualTo("Succeeded");
        assertThat(startTls.handshakes).containsAnyOf("TLSv1.3", "TLSv1.2");
        assertThat(startTls.plainCommands).as("commands sent before STARTTLS").isEmpty();
        assertThat(messages()).anySatisfy(m -> {
            assertThat(subject(m)).isEqualTo("[TEST] Tessera");
            assertThat(m.getAllRecipients()[0].toString()).isEqualTo("starttls@example.com");
        });

        // GreenMail's plain SMTP port offers no STARTTLS: refused (requireTLS defaults to true), nothing sent
        HttpResponse<String> refused = post("/receivers/mail-no-starttls/test", Map.of());
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(200);
        JsonNode entry = JSON.readTree(refused.body());
        assertThat(entry.path("status").asText()).isEqualTo("Failed");
        assertThat(entry.path("error").asText()).contains("does not offer STARTTLS and requireTLS is set").doesNotContain(SMTP_PASSWORD);
        assertThat(messages()).noneSatisfy(m -> assertThat(m.getAllRecipients()[0].toString()).isEqualTo("plain@example.com"));
    }

    @Test
    void credentialsAreNeverReturnedAndBadInputIsAStatus() throws Exception {
        HttpResponse<String> list = tessera.http("platform-admin").get(API + "/receivers");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(list.body()).path("totalItems").asInt()).isEqualTo(9);
        for (String secret : List.of(SMTP_PASSWORD, DING_SECRET, "tok123", "hook-token-value", "XXXX")) {
            assertThat(list.body()).doesNotContain(secret);
            assertThat(tessera.http("platform-admin").get(API + "/deliveries").body()).doesNotContain(secret);
        }
        HttpResponse<String> bad = post("/alerts", Map.of("nothing", true));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).path("kind").asText()).isEqualTo("Status");
        assertThat(post("/events", Map.of("reason", "X", "severity", "apocalyptic")).statusCode()).isEqualTo(400);
        assertThat(tessera.http("platform-regular").get(API + "/receivers").statusCode()).isEqualTo(403);
        assertThat(tessera.http("platform-regular").send("POST", API + "/events", "{\"reason\":\"x\"}").statusCode()).isEqualTo(403);
    }

    @Test
    @Order(Integer.MAX_VALUE) // restarts the shared kernel: last
    void deliveryLogIsKeptInKubernetesAndSurvivesAKernelRestart() throws Exception {
        HttpResponse<String> r = post("/events", Map.of("reason", "RestartProbe", "message", "before the restart", "namespace", "team-a"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        await().atMost(DEADLINE).until(() -> log("team-a-only").stream()
                .anyMatch(e -> e.path("title").asText().equals("RestartProbe") && e.path("status").asText().equals("Succeeded")));
        JsonNode before = log("team-a-only").stream().filter(e -> e.path("title").asText().equals("RestartProbe")).findFirst().orElseThrow();
        String id = before.path("id").asText();
        GenericKubernetesResource record = tessera.kubernetes().genericKubernetesResources(DELIVERIES).inNamespace(NS).withName(id).get();
        assertThat(record).as("Delivery object " + id).isNotNull();
        assertThat(record.getAdditionalProperties().get("spec").toString()).contains("receiver=team-a-only");
        assertThat(record.getAdditionalProperties().get("status").toString()).contains("state=Succeeded").contains("attemptCount=1");

        tessera.restart();

        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> log("team-a-only").stream()
                .anyMatch(e -> e.path("id").asText().equals(id)));
        JsonNode after = log("team-a-only").stream().filter(e -> e.path("id").asText().equals(id)).findFirst().orElseThrow();
        assertThat(after).isEqualTo(before);
    }

    static HttpReceivers.Request about(String path) {
        return http.at(path).stream().filter(r -> r.body().toString().contains("NodeLoadHigh")).findFirst().orElse(null);
    }

    static List<JsonNode> log(String receiver) throws Exception {
        JsonNode items = JSON.readTree(tessera.http("platform-admin").get(API + "/deliveries?receiver=" + receiver).body()).path("items");
        return java.util.stream.StreamSupport.stream(items.spliterator(), false).toList();
    }

    static List<MimeMessage> messages() {
        return List.of(mail.getReceivedMessages());
    }

    static List<String> subjects() {
        return messages().stream().map(NotificationIT::subject).toList();
    }

    static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> query(String raw) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String p : raw.split("&")) {
            int eq = p.indexOf('=');
            out.put(p.substring(0, eq), URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }
}
