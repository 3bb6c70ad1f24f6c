package io.tessera.extensions.alerting;

import io.tessera.extension.api.ExtensionContext;
import io.tessera.extensions.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sends the alerts that Prometheus' rules produce to Alertmanager, as Prometheus' own notifier
 * would: every interval, each firing alert from {@code GET /api/v1/alerts} is posted to
 * {@code /api/v2/alerts} with {@code endsAt} three intervals ahead, and an alert that stopped
 * firing is posted once more with {@code endsAt} now (resolved).
 *
 * <p>Why not rely on Prometheus' {@code alerting.alertmanagers}: the extension reloads Prometheus
 * after every rule change, and Prometheus 2.42 (Debian 12's) drops its statically configured
 * Alertmanagers on a reload whose alerting section is unchanged, sending nothing until discovery
 * runs again — with rules changing often, alerts could be lost for minutes. Forwarding from here
 * also means Prometheus needs no Alertmanager configuration at all. If Prometheus is configured to
 * send as well, Alertmanager deduplicates (same labels → same alert).
 */
final class AlertForwarder implements Runnable {

    private final ExtensionContext context;
    private final Settings settings;
    /** fingerprint (sorted labels) → the alert last sent as firing */
    private final Map<String, Map<String, Object>> sent = new HashMap<>();

    AlertForwarder(ExtensionContext context, Settings settings) {
        this.context = context;
        this.settings = settings;
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized void run() {
        try {
            Backend prometheus = settings.prometheus();
            Backend alertmanager = settings.alertmanager();
            Backend.Answer a = prometheus.send("GET", "/api/v1/alerts", null);
            if (a.status() != 200) {
                return;
            }
            Map<String, Object> body = (Map<String, Object>) Json.parse(a.body());
            List<Object> alerts = (List<Object>) ((Map<String, Object>) body.get("data")).get("alerts");
            Instant now = Instant.now();
            String endsAt = now.plus(settings.forwardInterval().multipliedBy(3).plus(Duration.ofSeconds(5))).toString();
            Map<String, Map<String, Object>> firing = new LinkedHashMap<>();
            for (Object o : alerts) {
                Map<String, Object> alert = (Map<String, Object>) o;
                if (!"firing".equals(alert.get("state"))) {
                    continue; // pending: its for-duration has not passed
                }
                Map<String, Object> labels = (Map<String, Object>) alert.get("labels");
                if (!labels.containsKey("rule_group") || !labels.containsKey("alerttype")) {
                    continue; // only the rules this extension wrote
                }
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("labels", labels);
                out.put("annotations", alert.getOrDefault("annotations", Map.of()));
                out.put("startsAt", alert.get("activeAt"));
                out.put("endsAt", endsAt);
                out.put("generatorURL", prometheus.base + "/alerts");
                firing.put(new TreeMap<>(labels).toString(), out);
            }
            List<Map<String, Object>> batch = new ArrayList<>(firing.values());
            for (Map.Entry<String, Map<String, Object>> e : sent.entrySet()) {
                if (!firing.containsKey(e.getKey())) {
                    Map<String, Object> resolved = new LinkedHashMap<>(e.getValue());
                    resolved.put("endsAt", now.toString());
                    batch.add(resolved);
                }
            }
            if (batch.isEmpty()) {
                return;
            }
            Backend.Answer r = alertmanager.send("POST", "/api/v2/alerts", Json.write(batch));
            if (r.status() == 200) {
                sent.clear();
                sent.putAll(firing);
            } else {
                context.logger().warn("event=alerting.forward.refused status={} body=\"{}\"", r.status(), r.body().trim());
            }
        } catch (Backend.Unavailable e) {
            context.logger().debug("event=alerting.forward.skipped reason=\"{}\"", e.getMessage());
        } catch (RuntimeException e) {
            context.logger().warn("event=alerting.forward.failed error=\"{}\"", e.toString());
        }
    }
}
