package io.tessera.extensions.notification;

import io.tessera.extension.api.Extension;
import io.tessera.extension.api.ExtensionContext;
import jakarta.ws.rs.core.Application;
import java.util.Set;

/** The notification extension: receivers, tenant routing, delivery with retries and a delivery log. */
public final class NotificationExtension implements Extension {

    private Dispatcher dispatcher;

    @Override
    public void start(ExtensionContext context) {
        Receivers receivers = new Receivers(context);
        DeliveryLog log = new DeliveryLog(context);
        try {
            log.ensureNamespace();
        } catch (RuntimeException e) {
            // deliveries still go out; recording them fails (and is logged) until the namespace exists
            context.logger().warn("event=notification.namespace.failed namespace={} error=\"{}\"", context.namespace(), e.getMessage());
        }
        dispatcher = new Dispatcher(context, new Channels(receivers), log);
        NotificationResource resource = new NotificationResource(context, receivers, dispatcher);
        context.kapis(Receivers.GROUP, Receivers.VERSION, new Application() {
            @Override
            public Set<Object> getSingletons() {
                return Set.of(resource);
            }
        });
        context.logger().info("event=notification.started version={}", context.version());
    }

    @Override
    public void stop() {
        if (dispatcher != null) {
            dispatcher.close();
        }
    }
}
