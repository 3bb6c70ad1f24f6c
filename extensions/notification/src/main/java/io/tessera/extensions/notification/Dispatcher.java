package io.tessera.extensions.notification;

import io.tessera.extension.api.ExtensionContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivers messages to receivers off the request thread, retrying failures with exponential
 * backoff ({@code delivery.backoffMillis} doubling up to 60 s, {@code delivery.maxAttempts}
 * attempts), and keeps the delivery log: one entry per attempt, the newest 1000, also written to
 * the log as key=value lines. The log is in memory: it restarts empty with the extension.
 */
final class Dispatcher implements AutoCloseable {

    private static final int LOG_SIZE = 1000;

    private final ExtensionContext context;
    private final Channels channels;
    private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "notification-delivery");
        t.setDaemon(true);
        return t;
    });
    private final Deque<Map<String, Object>> log = new ArrayDeque<>();
    private final AtomicLong ids = new AtomicLong();

    Dispatcher(ExtensionContext context, Channels channels) {
        this.context = context;
        this.channels = channels;
    }

    private int maxAttempts() {
        Object d = context.config().get("delivery");
        return d instanceof Map<?, ?> m && m.get("maxAttempts") instanceof Number n ? Math.max(1, n.intValue()) : 5;
    }

    private long backoffMillis() {
        Object d = context.config().get("delivery");
        return d instanceof Map<?, ?> m && m.get("backoffMillis") instanceof Number n ? Math.max(10, n.longValue()) : 1000;
    }

    /** Queues delivery of {@code m} to each receiver; returns the delivery ids. */
    List<String> submit(Message m, List<Map<String, Object>> receivers) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> r : receivers) {
            String id = "d-" + ids.incrementAndGet();
            out.add(id);
            executor.execute(() -> attempt(id, r, m, 1, backoffMillis()));
        }
        return out;
    }

    /** One synchronous attempt ("send test"): the log entry of that attempt. */
    Map<String, Object> sendNow(Map<String, Object> receiver, Message m) {
        String id = "d-" + ids.incrementAndGet();
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
        String type = String.valueOf(Receivers.spec(receiver).get("type"));
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
        synchronized (log) {
            log.addFirst(entry);
            while (log.size() > LOG_SIZE) {
                log.removeLast();
            }
        }
        return entry;
    }

    List<Map<String, Object>> log(String receiver) {
        synchronized (log) {
            return log.stream().filter(e -> receiver == null || receiver.equals(e.get("receiver"))).toList();
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
