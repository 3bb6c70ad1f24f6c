package io.tessera.extensions.alerting;

import io.tessera.extension.api.ExtensionContext;
import io.tessera.extensions.json.Json;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code /kapis/alerting.kubesphere.io/v2beta1}: the alert list (firing, silenced, inhibited)
 * and silences through Alertmanager API v2, and rule states (inactive, pending, firing) through
 * Prometheus' rules API. The kernel has authorized the caller for {@code alerts},
 * {@code silences} or {@code rules} (cluster) or {@code alerts} in a namespace.
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public final class AlertingResource {

    private static final Set<String> STATES = Set.of("firing", "silenced", "inhibited", "unprocessed");
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern ID = Pattern.compile("[0-9a-fA-F-]{36}");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final ExtensionContext context;
    private final Settings settings;

    AlertingResource(ExtensionContext context, Settings settings) {
        this.context = context;
        this.settings = settings;
    }

    @GET
    @Path("alerts")
    public Response alerts(@QueryParam("state") String state) {
        return alertList(null, state);
    }

    @GET
    @Path("namespaces/{namespace}/alerts")
    public Response namespaceAlerts(@PathParam("namespace") String namespace, @QueryParam("state") String state) {
        if (!NAME.matcher(namespace).matches()) {
            return Status.badRequest("invalid namespace \"" + namespace + "\"");
        }
        return alertList(namespace, state);
    }

    @SuppressWarnings("unchecked")
    private Response alertList(String namespace, String state) {
        if (state != null && !state.isEmpty() && !STATES.contains(state)) {
            return Status.badRequest("state must be one of " + STATES);
        }
        String query = namespace == null ? "" : "?filter=" + URLEncoder.encode("namespace=\"" + namespace + "\"", StandardCharsets.UTF_8);
        Object body;
        try {
            Backend.Answer a = settings.alertmanager().send("GET", "/api/v2/alerts" + query, null);
            if (a.status() != 200) {
                return Status.unavailable("Alertmanager answered " + a.status());
            }
            body = Json.parse(a.body());
        } catch (Backend.Unavailable e) {
            return Status.unavailable(e.getMessage());
        }
        List<Map<String, Object>> items = new ArrayList<>();
        for (Object o : (List<Object>) body) {
            Map<String, Object> alert = (Map<String, Object>) o;
            Map<String, Object> st = (Map<String, Object>) alert.get("status");
            List<?> silencedBy = st.get("silencedBy") instanceof List<?> l ? l : List.of();
            List<?> inhibitedBy = st.get("inhibitedBy") instanceof List<?> l ? l : List.of();
            String s = !silencedBy.isEmpty() ? "silenced" : !inhibitedBy.isEmpty() ? "inhibited"
                    : "active".equals(st.get("state")) ? "firing" : String.valueOf(st.get("state"));
            if (state != null && !state.isEmpty() && !state.equals(s)) {
                continue;
            }
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("fingerprint", alert.get("fingerprint"));
            item.put("labels", alert.get("labels"));
            item.put("annotations", alert.get("annotations"));
            item.put("startsAt", alert.get("startsAt"));
            item.put("state", s);
            item.put("silencedBy", silencedBy);
            item.put("inhibitedBy", inhibitedBy);
            items.add(item);
        }
        return Response.ok(Map.of("items", items, "totalItems", items.size())).build();
    }

    /** Every rule loaded from the extension's groups with Prometheus' evaluation state. */
    @GET
    @Path("rules")
    @SuppressWarnings("unchecked")
    public Response rules() {
        Map<String, Object> data;
        try {
            Backend.Answer a = settings.prometheus().send("GET", "/api/v1/rules?type=alert", null);
            if (a.status() != 200) {
                return Status.unavailable("Prometheus answered " + a.status());
            }
            data = (Map<String, Object>) ((Map<String, Object>) Json.parse(a.body())).get("data");
        } catch (Backend.Unavailable e) {
            return Status.unavailable(e.getMessage());
        }
        List<Map<String, Object>> items = new ArrayList<>();
        for (Object g : (List<Object>) data.get("groups")) {
            Map<String, Object> group = (Map<String, Object>) g;
            for (Object r : (List<Object>) group.get("rules")) {
                Map<String, Object> rule = (Map<String, Object>) r;
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("group", group.get("name"));
                item.put("alert", rule.get("name"));
                item.put("expr", rule.get("query"));
                item.put("state", rule.get("state"));
                item.put("health", rule.get("health"));
                item.put("lastError", rule.get("lastError"));
                item.put("activeAlerts", rule.get("alerts") instanceof List<?> l ? l.size() : 0);
                items.add(item);
            }
        }
        return Response.ok(Map.of("items", items, "totalItems", items.size())).build();
    }

    @GET
    @Path("silences")
    public Response silences() {
        try {
            Backend.Answer a = settings.alertmanager().send("GET", "/api/v2/silences", null);
            if (a.status() != 200) {
                return Status.unavailable("Alertmanager answered " + a.status());
            }
            List<?> items = (List<?>) Json.parse(a.body());
            return Response.ok(Map.of("items", items, "totalItems", items.size())).build();
        } catch (Backend.Unavailable e) {
            return Status.unavailable(e.getMessage());
        }
    }

    /**
     * Creates a silence: {@code matchers} [{name, value, isRegex, isEqual}], {@code endsAt} or
     * {@code duration} (e.g. "2h"), {@code comment}; the creator is always the caller.
     */
    @POST
    @Path("silences")
    @Consumes(MediaType.APPLICATION_JSON)
    @SuppressWarnings("unchecked")
    public Response createSilence(Map<String, Object> body, @Context ContainerRequestContext request) {
        if (body == null || !(body.get("matchers") instanceof List<?> ms) || ms.isEmpty()) {
            return Status.badRequest("matchers: at least one matcher is required");
        }
        List<Map<String, Object>> matchers = new ArrayList<>();
        for (Object m : ms) {
            if (!(m instanceof Map<?, ?> mm) || !(mm.get("name") instanceof String n) || !LABEL.matcher(n).matches()
                    || !(mm.get("value") instanceof String v)) {
                return Status.badRequest("matchers: each needs a label name and a string value");
            }
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("name", n);
            one.put("value", v);
            one.put("isRegex", Boolean.TRUE.equals(mm.get("isRegex")));
            one.put("isEqual", !Boolean.FALSE.equals(mm.get("isEqual")));
            matchers.add(one);
        }
        Instant start = Instant.now();
        Instant end;
        try {
            if (body.get("endsAt") instanceof String e) {
                end = Instant.parse(e);
            } else if (body.get("duration") instanceof String d) {
                end = start.plus(Duration.parse("PT" + d.toUpperCase(java.util.Locale.ROOT)));
            } else {
                return Status.badRequest("endsAt (RFC 3339) or duration (e.g. 2h) is required");
            }
        } catch (DateTimeParseException e) {
            return Status.badRequest("endsAt/duration: " + e.getParsedString() + " is not a time or duration");
        }
        if (!end.isAfter(start)) {
            return Status.badRequest("endsAt must be in the future");
        }
        String comment = body.get("comment") instanceof String c && !c.isBlank() ? c : "silenced from Tessera";
        Map<String, Object> silence = new LinkedHashMap<>();
        silence.put("matchers", matchers);
        silence.put("startsAt", start.toString());
        silence.put("endsAt", end.toString());
        silence.put("createdBy", context.currentUser(request).name());
        silence.put("comment", comment);
        try {
            Backend.Answer a = settings.alertmanager().send("POST", "/api/v2/silences", Json.write(silence));
            if (a.status() == 400) {
                return Status.badRequest("Alertmanager refused the silence: " + a.body().trim());
            }
            if (a.status() != 200) {
                return Status.unavailable("Alertmanager answered " + a.status());
            }
            Map<String, Object> answer = (Map<String, Object>) Json.parse(a.body());
            context.logger().info("event=alerting.silence.created id={} user={}", answer.get("silenceID"),
                    context.currentUser(request).name());
            return Response.status(201).entity(Map.of("id", answer.get("silenceID"))).build();
        } catch (Backend.Unavailable e) {
            return Status.unavailable(e.getMessage());
        }
    }

    @DELETE
    @Path("silences/{id}")
    public Response expireSilence(@PathParam("id") String id) {
        if (!ID.matcher(id).matches()) {
            return Status.badRequest("invalid silence id");
        }
        try {
            Backend.Answer a = settings.alertmanager().send("DELETE", "/api/v2/silence/" + id, null);
            if (a.status() == 404) {
                return Status.of(404, "NotFound", "silence " + id + " not found");
            }
            if (a.status() != 200) {
                return Status.of(a.status() >= 500 ? 503 : 400, "Failure", "Alertmanager: " + a.body().trim());
            }
            return Response.ok(Map.of("id", id, "state", "expired")).build();
        } catch (Backend.Unavailable e) {
            return Status.unavailable(e.getMessage());
        }
    }
}
