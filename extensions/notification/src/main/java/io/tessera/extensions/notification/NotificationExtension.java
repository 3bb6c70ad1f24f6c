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
        dispatcher = new Dispatcher(context, new Channels(receivers), new DeliveryLog(context));
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
