package io.tessera.extensions.notification;

import io.tessera.extension.api.ExtensionContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Delivers messages to receivers off the request thread, retrying failures with exponential
 * backoff ({@code delivery.backoffMillis} doubling up to 60 s, {@code delivery.maxAttempts}
 * attempts), and keeps the delivery log in Kubernetes ({@link DeliveryLog}: one object per
 * delivery, one entry per attempt), also written to the log as key=value lines.
 */
final class Dispatcher implements AutoCloseable {

    private final ExtensionContext context;
    private final Channels channels;
    private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "notification-delivery");
        t.setDaemon(true);
        return t;
    });
    private final DeliveryLog log;

    Dispatcher(ExtensionContext context, Channels channels, DeliveryLog log) {
        this.context = context;
        this.channels = channels;
        this.log = log;
        executor.scheduleWithFixedDelay(this::prune, 0, 1, TimeUnit.HOURS);
    }

    private Map<?, ?> delivery() {
        return context.config().get("delivery") instanceof Map<?, ?> m ? m : Map.of();
    }

    private void prune() {
        try {
            int retentionDays = delivery().get("retentionDays") instanceof Number n ? Math.max(1, n.intValue()) : 7;
            int maxRecords = delivery().get("maxRecords") instanceof Number n ? Math.max(1, n.intValue()) : 1000;
            int deleted = log.prune(Duration.ofDays(retentionDays), maxRecords);
            if (deleted > 0) {
                context.logger().info("event=notification.deliveries.pruned deleted={}", deleted);
            }
        } catch (RuntimeException e) {
            context.logger().warn("event=notification.deliveries.prune.failed error=\"{}\"", e.getMessage());
        }
    }

    /** The delivery's record; failing to write it (API server down) does not hold the notification back. */
    private String open(Map<String, Object> receiver, Message m) {
        String id = newId();
        try {
            log.open(id, receiver, type(receiver), m);
        } catch (RuntimeException e) {
            context.logger().warn("event=notification.delivery.record.failed id={} error=\"{}\"", id, e.getMessage());
        }
        return id;
    }

    /** Unique across replicas and restarts: the record's name. */
    private static String newId() {
        return "d-" + Long.toString(System.currentTimeMillis(), 36) + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private int maxAttempts() {
        return delivery().get("maxAttempts") instanceof Number n ? Math.max(1, n.intValue()) : 5;
    }

    private long backoffMillis() {
        return delivery().get("backoffMillis") instanceof Number n ? Math.max(10, n.longValue()) : 1000;
    }

    /** Queues delivery of {@code m} to each receiver; returns the delivery ids. */
    List<String> submit(Message m, List<Map<String, Object>> receivers) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> r : receivers) {
            String id = open(r, m);
            out.add(id);
            executor.execute(() -> attempt(id, r, m, 1, backoffMillis()));
        }
        return out;
    }

    /** One synchronous attempt ("send test"): the log entry of that attempt. */
    Map<String, Object> sendNow(Map<String, Object> receiver, Message m) {
        String id = open(receiver, m);
        return once(id, receiver, m, 1, false);
    }

    private void attempt(String id, Map<String, Object> receiver, Message m, int n, long backoff) {
        boolean retry = n < maxAttempts();
        Map<String, Object> entry = once(id, receiver, m, n, retry);
        if ("Retrying".equals(entry.get("status"))) {
            long next = Math.min(backoff * 2, Duration.ofSeconds(60).toMillis());
            executor.schedule(() -> attempt(id, receiver, m, n + 1, next), backoff, TimeUnit.MILLISECONDS);
        }
    }

    private Map<String, Object> once(String id, Map<String, Object> receiver, Message m, int n, boolean retryOnFailure) {
        String name = Receivers.name(receiver);
        String type = type(receiver);
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", id);
        entry.put("receiver", name);
        entry.put("type", type);
        entry.put("source", m.source());
        entry.put("title", m.title());
        entry.put("namespace", m.namespace());
        entry.put("attempt", n);
        entry.put("time", Instant.now().toString());
        try {
            channels.send(receiver, m);
            entry.put("status", "Succeeded");
        } catch (IllegalArgumentException e) {
            // configuration errors do not heal by retrying
            entry.put("status", "Failed");
            entry.put("error", e.getMessage());
        } catch (Exception e) {
            entry.put("status", retryOnFailure ? "Retrying" : "Failed");
            entry.put("error", e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        context.logger().info("event=notification.delivery id={} receiver={} type={} source={} attempt={} status={} error=\"{}\"", id,
                name, type, m.source(), n, entry.get("status"), entry.getOrDefault("error", ""));
        Map<String, Object> attempt = new LinkedHashMap<>();
        attempt.put("attempt", n);
        attempt.put("time", entry.get("time"));
        attempt.put("status", entry.get("status"));
        if (entry.get("error") != null) {
            attempt.put("error", entry.get("error"));
        }
        try {
            log.record(id, attempt);
        } catch (RuntimeException e) {
            // the notification went out (or not) either way; the log line above still has it
            context.logger().warn("event=notification.delivery.record.failed id={} error=\"{}\"", id, e.getMessage());
        }
        return entry;
    }

    private static String type(Map<String, Object> receiver) {
        return String.valueOf(Receivers.spec(receiver).get("type"));
    }

    List<Map<String, Object>> log(String receiver) {
        return log.entries(receiver);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
