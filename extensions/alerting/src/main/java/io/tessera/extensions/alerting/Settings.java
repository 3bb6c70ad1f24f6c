package io.tessera.extensions.alerting;

import io.tessera.extension.api.ExtensionContext;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The extension's configuration (InstallPlan spec.config) and the health of both backends,
 * reported as InstallPlan conditions {@code PrometheusReachable} and {@code AlertmanagerReachable}.
 *
 * <pre>
 * mode: files            # files: write rule/config files and reload (shared machine, the embedded default)
 *                        # operator: emit PrometheusRule objects (prometheus-operator reads them)
 * prometheus:   {url: http://127.0.0.1:9090, ruleFile: /var/lib/tessera/alerting/rules.yml}
 * alertmanager: {url: http://127.0.0.1:9093, configFile: /var/lib/tessera/alerting/alertmanager.yml}
 * </pre>
 */
final class Settings implements AutoCloseable {

    private final ExtensionContext context;
    private final ScheduledExecutorService probe = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "alerting-probe");
        t.setDaemon(true);
        return t;
    });
    private volatile Backend prometheus;
    private volatile Backend alertmanager;
    private volatile String prometheusError;
    private volatile String alertmanagerError;
    private volatile Path ruleFile;
    private volatile Path alertmanagerFile;
    private volatile boolean operatorMode;
    private volatile java.time.Duration forwardInterval = java.time.Duration.ofSeconds(5);
    private java.util.concurrent.ScheduledFuture<?> forwarding;
    private final java.util.List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    Settings(ExtensionContext context) {
        this.context = context;
        configure(context.config());
        context.onConfigChange(c -> {
            configure(c);
            probe.execute(this::probeOnce);
            listeners.forEach(Runnable::run);
        });
        probe.scheduleWithFixedDelay(this::probeOnce, 0, 5, TimeUnit.SECONDS);
    }

    /** Runs the forwarder at the configured interval (rescheduled when the configuration changes). */
    synchronized void forwardWith(Runnable forwarder) {
        if (forwarding != null) {
            forwarding.cancel(false);
        }
        forwarding = probe.scheduleWithFixedDelay(forwarder, 0, forwardInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    java.time.Duration forwardInterval() {
        return forwardInterval;
    }

    void onChange(Runnable r) {
        listeners.add(r);
    }

    private static Object at(Map<String, Object> config, String section, String key) {
        return config.get(section) instanceof Map<?, ?> m ? m.get(key) : config.get(section + "." + key);
    }

    private void configure(Map<String, Object> c) {
        operatorMode = "operator".equals(c.get("mode"));
        Object fi = at(c, "alertmanager", "forwardIntervalSeconds");
        forwardInterval = java.time.Duration.ofMillis((long) (1000 * (fi instanceof Number n && n.doubleValue() >= 0.2 ? n.doubleValue() : 5)));
        Object p = at(c, "prometheus", "url");
        Object a = at(c, "alertmanager", "url");
        try {
            prometheus = p instanceof String s && !s.isBlank() ? new Backend("Prometheus", s.trim()) : null;
            prometheusError = prometheus == null ? "prometheus.url is not configured" : null;
        } catch (IllegalArgumentException e) {
            prometheus = null;
            prometheusError = e.getMessage();
        }
        try {
            alertmanager = a instanceof String s && !s.isBlank() ? new Backend("Alertmanager", s.trim()) : null;
            alertmanagerError = alertmanager == null ? "alertmanager.url is not configured" : null;
        } catch (IllegalArgumentException e) {
            alertmanager = null;
            alertmanagerError = e.getMessage();
        }
        ruleFile = at(c, "prometheus", "ruleFile") instanceof String s && !s.isBlank() ? Path.of(s) : null;
        alertmanagerFile = at(c, "alertmanager", "configFile") instanceof String s && !s.isBlank() ? Path.of(s) : null;
        context.logger().info("event=alerting.configured mode={} prometheus={} alertmanager={} ruleFile={} alertmanagerFile={}",
                operatorMode ? "operator" : "files", prometheus == null ? "-" : prometheus.base,
                alertmanager == null ? "-" : alertmanager.base, ruleFile, alertmanagerFile);
    }

    private void probeOnce() {
        try {
            report("PrometheusReachable", prometheus, prometheusError);
            report("AlertmanagerReachable", alertmanager, alertmanagerError);
        } catch (RuntimeException e) {
            context.logger().warn("event=alerting.probe.failed error=\"{}\"", e.toString());
        }
    }

    private void report(String condition, Backend b, String error) {
        if (b == null) {
            context.condition(condition, false, "NotConfigured", error);
        } else if (b.ready()) {
            context.condition(condition, true, "Reachable", b.name + " at " + b.base + " is ready");
        } else {
            context.condition(condition, false, "Unreachable", b.name + " at " + b.base + " does not answer /-/ready");
        }
    }

    Backend prometheus() throws Backend.Unavailable {
        Backend b = prometheus;
        if (b == null) {
            throw new Backend.Unavailable(prometheusError);
        }
        return b;
    }

    Backend alertmanager() throws Backend.Unavailable {
        Backend b = alertmanager;
        if (b == null) {
            throw new Backend.Unavailable(alertmanagerError);
        }
        return b;
    }

    Path ruleFile() {
        return ruleFile;
    }

    Path alertmanagerFile() {
        return alertmanagerFile;
    }

    boolean operatorMode() {
        return operatorMode;
    }

    @Override
    public void close() {
        probe.shutdownNow();
    }
}
