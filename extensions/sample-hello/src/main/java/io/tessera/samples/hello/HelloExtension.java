package io.tessera.samples.hello;

import io.tessera.extension.api.Extension;
import io.tessera.extension.api.ExtensionContext;

/**
 * The entry point, named by the bundle's {@code Tessera-Extension} header. It mounts the
 * greetings API and starts the Greeting controller; the runtime removes both when the extension
 * is uninstalled or replaced by a new version.
 */
public final class HelloExtension implements Extension {

    static final String GROUP = "samples.tessera.io";
    static final String VERSION = "v1alpha1";
    static final String GREETINGS = "greetings";

    @Override
    public void start(ExtensionContext context) {
        context.kapis(GROUP, VERSION, new HelloApplication(context));
        context.controller(GROUP, VERSION, GREETINGS, new GreetingReconciler(context));
        context.logger().info("event=sample-hello.started version={} salutation={}", context.version(),
                context.config().get("salutation"));
    }
}
