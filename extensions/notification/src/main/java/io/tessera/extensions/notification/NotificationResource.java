package io.tessera.extensions.notification;

import io.tessera.extension.api.ExtensionContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /kapis/notification.kubesphere.io/v2beta2}: the Alertmanager webhook ({@code alerts}),
 * platform events ({@code events}), receivers without credentials, "send test" and the delivery
 * log. The kernel has authorized the caller for the resource first.
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public final class NotificationResource {

    private static final Set<String> SEVERITIES = Set.of("critical", "error", "warning", "info");
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    private final ExtensionContext context;
    private final Receivers receivers;
    private final Dispatcher dispatcher;

    NotificationResource(ExtensionContext context, Receivers receivers, Dispatcher dispatcher) {
        this.context = context;
        this.receivers = receivers;
        this.dispatcher = dispatcher;
    }

    /** Alertmanager's webhook payload (version 4); alerts are split by project for tenant routing. */
    @POST
    @Path("alerts")
    @Consumes(MediaType.APPLICATION_JSON)
    @SuppressWarnings("unchecked")
    public Response alerts(Map<String, Object> body) {
        if (body == null || !(body.get("alerts") instanceof List<?> alerts) || !(body.get("status") instanceof String status)) {
            return Status.badRequest("an Alertmanager webhook payload (status, alerts) is required");
        }
        Map<String, List<Map<String, Object>>> byNamespace = new LinkedHashMap<>();
        for (Object a : alerts) {
            if (!(a instanceof Map<?, ?> am) || !(am.get("labels") instanceof Map<?, ?> labels)) {
                return Status.badRequest("alerts[]: each alert needs labels");
            }
            Object ns = labels.get("namespace");
            byNamespace.computeIfAbsent(ns == null ? "" : String.valueOf(ns), k -> new ArrayList<>()).add((Map<String, Object>) am);
        }
        Map<String, String> common = strings(body.get("commonLabels"));
        Map<String, String> annotations = strings(body.get("commonAnnotations"));
        List<String> ids = new ArrayList<>();
        for (Map.Entry<String, List<Map<String, Object>>> e : byNamespace.entrySet()) {
            String title = common.getOrDefault("alertname", String.valueOf(((Map<?, ?>) e.getValue().get(0).get("labels")).get("alertname")));
            Message m = new Message("alertmanager", status, common.get("severity"), e.getKey().isEmpty() ? null : e.getKey(), title,
                    common, annotations, e.getValue());
            ids.addAll(dispatcher.submit(m, receivers.route(m)));
        }
        return Response.accepted(Map.of("deliveries", ids)).build();
    }

    /** A platform event: {reason, message, severity, namespace?}. */
    @POST
    @Path("events")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response event(Map<String, Object> body) {
        if (body == null || !(body.get("reason") instanceof String reason) || reason.isBlank()) {
            return Status.badRequest("reason is required");
        }
        String severity = body.get("severity") == null ? "info" : String.valueOf(body.get("severity"));
        if (!SEVERITIES.contains(severity)) {
            return Status.badRequest("severity must be one of " + SEVERITIES);
        }
        String namespace = body.get("namespace") instanceof String ns && !ns.isEmpty() ? ns : null;
        if (namespace != null && !NAME.matcher(namespace).matches()) {
            return Status.badRequest("invalid namespace");
        }
        Map<String, String> annotations = Map.of("message", String.valueOf(body.getOrDefault("message", "")));
        Message m = new Message("event", "firing", severity, namespace, reason, Map.of("reason", reason), annotations, List.of());
        return Response.accepted(Map.of("deliveries", dispatcher.submit(m, receivers.route(m)))).build();
    }

    /** Receivers as configured: type, language, scope and which Secrets they use, never values. */
    @GET
    @Path("receivers")
    public Map<String, Object> list() {
        List<Map<String, Object>> items = new ArrayList<>();
        for (Map<String, Object> r : receivers.all()) {
            Map<?, ?> spec = Receivers.spec(r);
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("name", Receivers.name(r));
            item.put("type", spec.get("type"));
            item.put("language", spec.get("language") == null ? "en" : spec.get("language"));
            item.put("scope", spec.get("scope") == null ? Map.of() : spec.get("scope"));
            item.put("enabled", !Boolean.FALSE.equals(spec.get("enabled")));
            items.add(item);
        }
        return Map.of("items", items, "totalItems", items.size());
    }

    @POST
    @Path("receivers/{name}/test")
    public Response test(@PathParam("name") String name) {
        if (!NAME.matcher(name).matches()) {
            return Status.badRequest("invalid receiver name");
        }
        Map<String, Object> r = receivers.get(name);
        if (r == null) {
            return Status.of(404, "NotFound", "receivers \"" + name + "\" not found");
        }
        Message m = new Message("test", "test", null, null, "Tessera", Map.of(), Map.of(), List.of());
        Map<String, Object> entry = dispatcher.sendNow(r, m);
        return Response.ok(entry).build();
    }

    @GET
    @Path("deliveries")
    public Map<String, Object> deliveries(@QueryParam("receiver") String receiver) {
        List<Map<String, Object>> items = dispatcher.log(receiver);
        return Map.of("items", items, "totalItems", items.size());
    }

    private static Map<String, String> strings(Object o) {
        Map<String, String> out = new LinkedHashMap<>();
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        }
        return out;
    }
}
