package io.tessera.kernel.audit;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-kernel event bus for audit events. Delivery is synchronous on the request's completion
 * path, so subscribers must be quick and hand slow work (shipping to a sink) to their own threads;
 * a failing subscriber is logged and never fails the request.
 */
public final class AuditBus {

    private static final Logger LOG = LoggerFactory.getLogger(AuditBus.class);

    private final List<Consumer<AuditEvent>> subscribers = new CopyOnWriteArrayList<>();

    /** @return a handle that unsubscribes */
    public AutoCloseable subscribe(Consumer<AuditEvent> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    public boolean hasSubscribers() {
        return !subscribers.isEmpty();
    }

    public void publish(AuditEvent event) {
        for (Consumer<AuditEvent> subscriber : subscribers) {
            try {
                subscriber.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("event=audit.subscriber.failed requestId={} error={}", event.requestId(), e.toString());
            }
        }
    }
}
