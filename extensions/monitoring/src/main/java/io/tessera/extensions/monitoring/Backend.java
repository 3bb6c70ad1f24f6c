package io.tessera.extensions.monitoring;

import io.tessera.extension.api.ExtensionContext;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The configured Prometheus and whether it answers. A probe every 5 s (and at once after a
 * configuration change) keeps the InstallPlan condition {@code PrometheusReachable} current, so
 * an unreachable backend is visible where the extension is managed, not only in failed requests.
 */
final class Backend implements AutoCloseable {

    static final String CONDITION = "PrometheusReachable";

    private final ExtensionContext context;
    private final ScheduledExecutorService probe = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "monitoring-prometheus-probe");
        t.setDaemon(true);
        return t;
    });
    private volatile Prometheus prometheus;
    private volatile String configError;

    Backend(ExtensionContext context) {
        this.context = context;
        configure(context.config());
        context.onConfigChange(c -> {
            configure(c);
            probe.execute(this::probeOnce);
        });
        probe.scheduleWithFixedDelay(this::probeOnce, 0, 5, TimeUnit.SECONDS);
    }

    private void configure(Map<String, Object> config) {
        Object url = config.get("prometheus") instanceof Map<?, ?> p ? p.get("url") : config.get("prometheus.url");
        if (!(url instanceof String s) || s.isBlank()) {
            prometheus = null;
            configError = "prometheus.url is not configured (InstallPlan spec.config)";
            return;
        }
        try {
            prometheus = new Prometheus(s.trim());
            configError = null;
            context.logger().info("event=monitoring.configured prometheus={}", prometheus.base());
        } catch (IllegalArgumentException e) {
            prometheus = null;
            configError = e.getMessage();
        }
    }

    private void probeOnce() {
        try {
            Prometheus p = prometheus;
            if (p == null) {
                context.condition(CONDITION, false, "NotConfigured", configError);
            } else if (p.ready()) {
                context.condition(CONDITION, true, "Reachable", "Prometheus at " + p.base() + " is ready");
            } else {
                context.condition(CONDITION, false, "Unreachable", "Prometheus at " + p.base() + " does not answer /-/ready");
            }
        } catch (RuntimeException e) {
            context.logger().warn("event=monitoring.probe.failed error=\"{}\"", e.toString());
        }
    }

    /** The client, or {@link Prometheus.Unavailable} when none is configured. */
    Prometheus prometheus() throws Prometheus.Unavailable {
        Prometheus p = prometheus;
        if (p == null) {
            throw new Prometheus.Unavailable(configError);
        }
        return p;
    }

    @Override
    public void close() {
        probe.shutdownNow();
    }
}
