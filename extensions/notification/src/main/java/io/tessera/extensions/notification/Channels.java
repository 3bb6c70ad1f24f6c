package io.tessera.extensions.notification;

import io.tessera.extensions.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Formats and sends one message to one receiver in the format its service documents:
 * Slack incoming webhook ({@code {"text"}}), DingTalk robot (markdown, signed with
 * HMAC-SHA256 over "timestamp\nsecret"), WeCom group robot (markdown), a generic JSON webhook,
 * and email over SMTP. A failure throws with a message free of credentials.
 */
final class Channels {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Receivers receivers;

    Channels(Receivers receivers) {
        this.receivers = receivers;
    }

    void send(Map<String, Object> receiver, Message m) throws IOException {
        Map<?, ?> spec = Receivers.spec(receiver);
        String type = String.valueOf(spec.get("type"));
        String language = "zh".equals(spec.get("language")) ? "zh" : "en";
        String subject = Templates.subject(m, language);
        String body = Templates.body(m, language);
        Map<?, ?> cfg = spec.get(type) instanceof Map<?, ?> c ? c : Map.of();
        switch (type) {
            case "email" -> email(cfg, subject, body);
            case "slack" -> {
                Map<String, Object> payload = new LinkedHashMap<>();
                payload.put("text", "*" + subject + "*\n" + body);
                if (cfg.get("channel") instanceof String ch) {
                    payload.put("channel", ch);
                }
                post(receivers.secret(cfg.get("urlSecret"), "spec.slack.urlSecret"), payload, false);
            }
            case "dingtalk" -> {
                String url = receivers.secret(cfg.get("urlSecret"), "spec.dingtalk.urlSecret");
                if (cfg.get("signSecret") != null) {
                    url = signDingTalk(url, receivers.secret(cfg.get("signSecret"), "spec.dingtalk.signSecret"), System.currentTimeMillis());
                }
                post(url, Map.of("msgtype", "markdown", "markdown", Map.of("title", subject, "text", "### " + subject + "\n\n" + body)), true);
            }
            case "wecom" -> post(receivers.secret(cfg.get("urlSecret"), "spec.wecom.urlSecret"),
                    Map.of("msgtype", "markdown", "markdown", Map.of("content", "**" + subject + "**\n" + body)), true);
            case "webhook" -> {
                if (!(cfg.get("url") instanceof String url)) {
                    throw new IllegalArgumentException("spec.webhook.url is required");
                }
                Map<String, Object> payload = new LinkedHashMap<>();
                payload.put("source", m.source());
                payload.put("status", m.status());
                payload.put("severity", m.severity());
                payload.put("namespace", m.namespace());
                payload.put("title", subject);
                payload.put("message", body);
                payload.put("labels", m.labels());
                payload.put("annotations", m.annotations());
                payload.put("alerts", m.alerts());
                String token = cfg.get("tokenSecret") == null ? null : receivers.secret(cfg.get("tokenSecret"), "spec.webhook.tokenSecret");
                postWith(url, payload, false, token);
            }
            default -> throw new IllegalArgumentException("spec.type must be one of " + Receivers.TYPES);
        }
    }

    /** DingTalk's signing: sign = urlencode(base64(HmacSHA256(secret, timestamp + "\n" + secret))). */
    static String signDingTalk(String url, String secret, long timestamp) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] sig = mac.doFinal((timestamp + "\n" + secret).getBytes(StandardCharsets.UTF_8));
            String sign = URLEncoder.encode(java.util.Base64.getEncoder().encodeToString(sig), StandardCharsets.UTF_8);
            return url + (url.contains("?") ? "&" : "?") + "timestamp=" + timestamp + "&sign=" + sign;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private void email(Map<?, ?> cfg, String subject, String body) throws IOException {
        if (!(cfg.get("host") instanceof String host) || !(cfg.get("from") instanceof String from)
                || !(cfg.get("to") instanceof List<?> to) || to.isEmpty()) {
            throw new IllegalArgumentException("spec.email needs host, from and to");
        }
        int port = cfg.get("port") instanceof Number n ? n.intValue() : 25;
        Smtp.Tls tls = switch (cfg.get("tls") == null ? "starttls" : String.valueOf(cfg.get("tls"))) {
            case "none" -> Smtp.Tls.NONE;
            case "tls" -> Smtp.Tls.TLS;
            case "starttls" -> Smtp.Tls.STARTTLS;
            default -> throw new IllegalArgumentException("spec.email.tls must be none, starttls or tls");
        };
        String user = cfg.get("username") instanceof String u ? u : null;
        String password = user == null ? null : receivers.secret(cfg.get("passwordSecret"), "spec.email.passwordSecret");
        List<String> rcpts = new ArrayList<>();
        to.forEach(t -> rcpts.add(String.valueOf(t)));
        Smtp.send(new Smtp.Server(host, port, tls, !Boolean.FALSE.equals(cfg.get("requireTLS")),
                Boolean.TRUE.equals(cfg.get("insecureSkipVerify")), user, password), from, rcpts,
                subject, body);
    }

    private static void post(String url, Map<String, Object> payload, boolean errcode) throws IOException {
        postWith(url, payload, errcode, null);
    }

    private static void postWith(String url, Map<String, Object> payload, boolean errcode, String token) throws IOException {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("receiver URL is not a URL");
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(payload)));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r;
        try {
            r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        // the host only: a webhook URL's path or query may carry its secret token
        String where = uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        if (r.statusCode() / 100 != 2) {
            throw new IOException(where + " answered " + r.statusCode());
        }
        if (errcode && r.body() != null && r.body().trim().startsWith("{")) {
            Object parsed = Json.parse(r.body());
            if (parsed instanceof Map<?, ?> m && m.get("errcode") instanceof Number n && n.intValue() != 0) {
                throw new IOException(where + " answered errcode " + n + ": " + m.get("errmsg"));
            }
        }
    }
}
