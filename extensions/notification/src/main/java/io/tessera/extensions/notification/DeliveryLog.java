package io.tessera.extensions.notification;

import io.tessera.extension.api.ExtensionContext;
import io.tessera.extension.api.kube.ScopedClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The delivery log, kept in Kubernetes: one {@code Delivery} object
 * ({@code notification.tessera.io/v1alpha1}) per message and receiver in the extension's namespace,
 * its {@code status.attempts} growing with each attempt. Objects outlive the kernel and every
 * replica reads the same log. Bounded: {@link #prune} deletes records older than
 * {@code delivery.retentionDays} (default 7) and all but the newest {@code delivery.maxRecords}
 * (default 1000).
 */
final class DeliveryLog {

    static final String GROUP = "notification.tessera.io";
    static final String VERSION = "v1alpha1";
    static final String PLURAL = "deliveries";

    private final ExtensionContext context;

    DeliveryLog(ExtensionContext context) {
        this.context = context;
    }

    private ScopedClient.Resources api() {
        return context.kubernetes().resources(GROUP, VERSION, PLURAL);
    }

    /** Creates the extension's namespace if it is missing: the records live there (the runtime does not create it). */
    void ensureNamespace() {
        var namespaces = context.kubernetes().resources("", "v1", "namespaces");
        if (namespaces.get(null, context.namespace()) == null) {
            namespaces.create(null, Map.of("apiVersion", "v1", "kind", "Namespace", "metadata", Map.of("name", context.namespace())));
            context.logger().info("event=notification.namespace.created namespace={}", context.namespace());
        }
    }

    /** A new record for one delivery; its name is the delivery id. */
    String open(String id, Map<String, Object> receiver, String type, Message m) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("receiver", Receivers.name(receiver));
        spec.put("type", type);
        spec.put("source", m.source());
        spec.put("title", m.title());
        if (m.namespace() != null) {
            spec.put("namespace", m.namespace());
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("apiVersion", GROUP + "/" + VERSION);
        o.put("kind", "Delivery");
        o.put("metadata", Map.of("name", id, "namespace", context.namespace(),
                "labels", Map.of("notification.tessera.io/receiver", Receivers.name(receiver))));
        o.put("spec", spec);
        o.put("status", Map.of("state", "Retrying", "attemptCount", 0, "attempts", List.of()));
        api().create(context.namespace(), o);
        return id;
    }

    /** Appends one attempt ({@code attempt}, {@code time}, {@code status}, {@code error}) to the record. */
    @SuppressWarnings("unchecked")
    void record(String id, Map<String, Object> attempt) {
        Map<String, Object> o = api().get(context.namespace(), id);
        if (o == null) {
            throw new IllegalStateException("delivery record " + id + " is gone");
        }
        Map<String, Object> status = o.get("status") instanceof Map<?, ?> s ? new LinkedHashMap<>((Map<String, Object>) s) : new LinkedHashMap<>();
        List<Object> attempts = status.get("attempts") instanceof List<?> l ? new ArrayList<>(l) : new ArrayList<>();
        attempts.add(attempt);
        status.put("attempts", attempts);
        status.put("attemptCount", attempts.size());
        status.put("state", attempt.get("status"));
        Map<String, Object> updated = new LinkedHashMap<>(o);
        updated.put("status", status);
        api().update(context.namespace(), updated);
    }

    /** Every attempt of every record (optionally of one receiver), newest first, in the API's entry shape. */
    List<Map<String, Object>> entries(String receiver) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> o : api().list(context.namespace())) {
            Map<?, ?> spec = o.get("spec") instanceof Map<?, ?> s ? s : Map.of();
            if (receiver != null && !receiver.equals(spec.get("receiver"))) {
                continue;
            }
            Map<?, ?> status = o.get("status") instanceof Map<?, ?> s ? s : Map.of();
            for (Object a : status.get("attempts") instanceof List<?> l ? l : List.of()) {
                Map<?, ?> attempt = (Map<?, ?>) a;
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("id", ((Map<?, ?>) o.get("metadata")).get("name"));
                e.put("receiver", spec.get("receiver"));
                e.put("type", spec.get("type"));
                e.put("source", spec.get("source"));
                e.put("title", spec.get("title"));
                e.put("namespace", spec.get("namespace"));
                e.put("attempt", attempt.get("attempt"));
                e.put("time", attempt.get("time"));
                e.put("status", attempt.get("status"));
                if (attempt.get("error") != null) {
                    e.put("error", attempt.get("error"));
                }
                out.add(e);
            }
        }
        out.sort(Comparator.comparing((Map<String, Object> e) -> String.valueOf(e.get("time")))
                .thenComparing(e -> ((Number) e.get("attempt")).intValue()).reversed());
        return out;
    }

    /** Deletes records older than {@code retention} and all but the newest {@code maxRecords}; the number deleted. */
    int prune(Duration retention, int maxRecords) {
        List<Map<String, Object>> all = new ArrayList<>(api().list(context.namespace()));
        all.sort(Comparator.comparing((Map<String, Object> o) -> String.valueOf(((Map<?, ?>) o.get("metadata")).get("creationTimestamp")))
                .reversed());
        Instant oldest = Instant.now().minus(retention);
        int deleted = 0;
        for (int i = 0; i < all.size(); i++) {
            Map<?, ?> md = (Map<?, ?>) all.get(i).get("metadata");
            Object created = md.get("creationTimestamp");
            boolean expired = created != null && Instant.parse(String.valueOf(created)).isBefore(oldest);
            if (i >= maxRecords || expired) {
                if (api().delete(context.namespace(), String.valueOf(md.get("name")))) {
                    deleted++;
                }
            }
        }
        return deleted;
    }
}
