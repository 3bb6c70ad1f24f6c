package io.tessera.extensions.monitoring;

import io.tessera.extension.api.Extension;
import io.tessera.extension.api.ExtensionContext;

/**
 * The monitoring extension: KubeSphere's monitoring API over the Prometheus named in the
 * InstallPlan configuration ({@code prometheus.url}), and the ApplicationMonitor controller. It
 * starts whether or not Prometheus answers; {@link Backend} reports reachability.
 */
public final class MonitoringExtension implements Extension {

    static final String GROUP = "monitoring.kubesphere.io";
    static final String VERSION = "v1alpha3";
    static final String APP_GROUP = "monitoring.tessera.io";
    static final String APP_VERSION = "v1alpha1";
    static final String APP_MONITORS = "applicationmonitors";

    private Backend backend;

    @Override
    public void start(ExtensionContext context) {
        backend = new Backend(context);
        context.kapis(GROUP, VERSION, new MonitoringApplication(context, backend));
        context.controller(APP_GROUP, APP_VERSION, APP_MONITORS, new ApplicationMonitors(context));
        context.logger().info("event=monitoring.started version={}", context.version());
    }

    @Override
    public void stop() {
        if (backend != null) {
            backend.close();
        }
    }
}
