package io.tessera.extensions.monitoring;

import io.tessera.extension.api.ExtensionContext;
import io.tessera.extension.api.kube.Reconciler;
import io.tessera.extension.api.kube.ScopedClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * ApplicationMonitor ({@code monitoring.tessera.io/v1alpha1}, per project): a Service, a port and
 * a path whose metrics Prometheus should scrape. The controller resolves the Service and writes
 * {@code status.target} or {@code status.error}; {@link TargetsResource} serves the same
 * resolution as Prometheus HTTP SD.
 */
final class ApplicationMonitors implements Reconciler {

    record Target(String service, String address, String path, String scheme, String error) {
    }

    private final ExtensionContext context;

    ApplicationMonitors(ExtensionContext context) {
        this.context = context;
    }

    @SuppressWarnings("unchecked")
    static Target resolve(ScopedClient client, Map<String, Object> monitor) {
        Map<?, ?> md = (Map<?, ?>) monitor.get("metadata");
        String ns = (String) md.get("namespace");
        Map<?, ?> spec = monitor.get("spec") instanceof Map<?, ?> s ? s : Map.of();
        String service = spec.get("service") instanceof String s ? s : null;
        Object port = spec.get("port");
        String path = spec.get("path") instanceof String p && p.startsWith("/") ? p : "/metrics";
        String scheme = "https".equals(spec.get("scheme")) ? "https" : "http";
        if (service == null || port == null) {
            return new Target(service, null, path, scheme, "spec.service and spec.port are required");
        }
        Map<String, Object> svc = client.resources("", "v1", "services").get(ns, service);
        if (svc == null) {
            return new Target(service, null, path, scheme, "service " + ns + "/" + service + " not found");
        }
        Map<?, ?> svcSpec = svc.get("spec") instanceof Map<?, ?> s ? s : Map.of();
        Integer number = null;
        if (svcSpec.get("ports") instanceof List<?> ports) {
            for (Object o : ports) {
                Map<?, ?> p = (Map<?, ?>) o;
                if (Objects.equals(String.valueOf(p.get("name")), String.valueOf(port))
                        || Objects.equals(String.valueOf(p.get("port")), String.valueOf(port))) {
                    number = ((Number) p.get("port")).intValue();
                }
            }
        }
        if (number == null) {
            return new Target(service, null, path, scheme, "service " + ns + "/" + service + " has no port " + port);
        }
        // the Service's cluster DNS name: what an in-cluster Prometheus resolves
        return new Target(service, service + "." + ns + ".svc:" + number, path, scheme, null);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Result reconcile(Map<String, Object> monitor) {
        Target t = resolve(context.kubernetes(), monitor);
        Map<String, Object> status = monitor.get("status") instanceof Map<?, ?> s ? (Map<String, Object>) s : Map.of();
        Map<String, Object> wanted = new LinkedHashMap<>();
        if (t.error() == null) {
            wanted.put("target", t.address() + t.path());
        } else {
            wanted.put("error", t.error());
        }
        if (wanted.equals(status)) {
            return Result.DONE;
        }
        Map<String, Object> updated = new LinkedHashMap<>(monitor);
        updated.put("status", wanted);
        context.kubernetes().resources(MonitoringExtension.APP_GROUP, MonitoringExtension.APP_VERSION, MonitoringExtension.APP_MONITORS)
                .updateStatus((String) ((Map<?, ?>) monitor.get("metadata")).get("namespace"), updated);
        return Result.DONE;
    }
}
