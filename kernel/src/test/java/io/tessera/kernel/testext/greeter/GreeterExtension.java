package io.tessera.kernel.testext.greeter;

import io.tessera.extension.api.Extension;
import io.tessera.extension.api.ExtensionContext;

/**
 * A test extension (packed into a bundle by the tests, never loaded from the test class path):
 * serves /kapis/{group}/v1alpha1/greetings with its version and configured message; its start
 * throws when the configuration says {@code failStart: true}; its health check fails with
 * {@code healthy: false}.
 */
public class GreeterExtension implements Extension {

    @Override
    public void start(ExtensionContext context) {
        if (Boolean.TRUE.equals(context.config().get("failStart"))) {
            throw new IllegalStateException("greeter refuses to start: failStart is set");
        }
        String group = String.valueOf(context.config().getOrDefault("group", "greeter.tessera.io"));
        context.kapis(group, "v1alpha1", new GreeterApplication(context));
        // healthy unless the configuration says healthy: false (read live, so a config change flips it)
        context.healthCheck("backend", () -> {
            if (Boolean.FALSE.equals(context.config().get("healthy"))) {
                throw new IllegalStateException("backend unreachable: healthy is false");
            }
        });
        // a controller too, so install/uninstall cycles and replicas exercise leader election and its cleanup
        context.controller("", "v1", "configmaps", configMap -> io.tessera.extension.api.kube.Reconciler.Result.DONE);
    }
}
