package io.tessera.extensions.monitoring;

import io.tessera.extension.api.ExtensionContext;
import io.tessera.extensions.monitoring.Metrics.Level;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code /kapis/monitoring.kubesphere.io/v1alpha3}: KubeSphere's metrics API. The kernel has
 * authorized the caller for the path's resource ({@code cluster}, {@code nodes},
 * {@code workspaces}, {@code namespaces}, {@code workloads}, {@code pods}, {@code components},
 * {@code query}) before a method here runs; role templates decide who holds which.
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public final class MonitoringResource {

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    private static final Pattern NUMBER = Pattern.compile("[0-9]+(\\.[0-9]+)?");
    private static final Pattern DURATION = Pattern.compile("([0-9]+(ms|s|m|h|d|w|y))+|[0-9]+(\\.[0-9]+)?");
    private static final Set<String> WORKLOAD_KINDS = Set.of("deployments", "statefulsets", "daemonsets");

    private final ExtensionContext context;
    private final Backend backend;

    MonitoringResource(ExtensionContext context, Backend backend) {
        this.context = context;
        this.backend = backend;
    }

    /** The query parameters every endpoint shares, validated once. */
    record Params(Pattern filter, String time, String start, String end, String step, String sortMetric,
            boolean ascending, int page, int limit) {
        boolean range() {
            return start != null;
        }
    }

    @GET
    @Path("cluster")
    public Response cluster(@QueryParam("metrics_filter") String f, @QueryParam("time") String time,
            @QueryParam("start") String start, @QueryParam("end") String end, @QueryParam("step") String step) {
        return run(Level.CLUSTER, "", null, null, f, time, start, end, step, null, null, null, null);
    }

    @GET
    @Path("nodes")
    public Response nodes(@QueryParam("metrics_filter") String f, @QueryParam("time") String time,
            @QueryParam("start") String start, @QueryParam("end") String end, @QueryParam("step") String step,
            @QueryParam("sort_metric") String sortMetric, @QueryParam("sort_type") String sortType,
            @QueryParam("page") String page, @QueryParam("limit") String limit) {
        return run(Level.NODE, "", "node", null, f, time, start, end, step, sortMetric, sortType, page, limit);
    }

    @GET
    @Path("nodes/{node}")
    public Response node(@PathParam("node") String node, @QueryParam("metrics_filter") String f,
            @QueryParam("time") String time, @QueryParam("start") String start, @QueryParam("end") String end,
            @QueryParam("step") String step) {
        if (!NAME.matcher(node).matches()) {
            return Status.badRequest("invalid node name \"" + node + "\"");
        }
        return run(Level.NODE, "node=\"" + Metrics.quote(node) + "\"", null, null, f, time, start, end, step,
                null, null, null, null);
    }

    @GET
    @Path("workspaces/{workspace}")
    public Response workspace(@PathParam("workspace") String workspace, @QueryParam("metrics_filter") String f,
            @QueryParam("time") String time, @QueryParam("start") String start, @QueryParam("end") String end,
            @QueryParam("step") String step) {
        if (!NAME.matcher(workspace).matches()) {
            return Status.badRequest("invalid workspace name \"" + workspace + "\"");
        }
        // the workspace's projects, from the namespaces' kubesphere.io/workspace label
        List<String> namespaces = new ArrayList<>();
        for (Map<String, Object> ns : context.kubernetes().resources("", "v1", "namespaces").list(null)) {
            Map<?, ?> md = (Map<?, ?>) ns.get("metadata");
            if (md.get("labels") instanceof Map<?, ?> l && workspace.equals(l.get("kubesphere.io/workspace"))) {
                namespaces.add((String) md.get("name"));
            }
        }
        return run(Level.WORKSPACE, namespaces.isEmpty() ? null : "namespace=~\"" + Metrics.alternation(namespaces) + "\"",
                null, "workspace=" + workspace, f, time, start, end, step, null, null, null, null);
    }

    @GET
    @Path("namespaces/{namespace}")
    public Response namespace(@PathParam("namespace") String namespace, @QueryParam("metrics_filter") String f,
            @QueryParam("time") String time, @QueryParam("start") String start, @QueryParam("end") String end,
            @QueryParam("step") String step) {
        if (!NAME.matcher(namespace).matches()) {
            return Status.badRequest("invalid namespace name \"" + namespace + "\"");
        }
        return run(Level.NAMESPACE, "namespace=\"" + Metrics.quote(namespace) + "\"", null, null, f, time, start, end,
                step, null, null, null, null);
    }

    @GET
    @Path("namespaces/{namespace}/pods")
    public Response pods(@PathParam("namespace") String namespace, @QueryParam("metrics_filter") String f,
            @QueryParam("time") String time, @QueryParam("start") String start, @QueryParam("end") String end,
            @QueryParam("step") String step, @QueryParam("sort_metric") String sortMetric,
            @QueryParam("sort_type") String sortType, @QueryParam("page") String page, @QueryParam("limit") String limit) {
        if (!NAME.matcher(namespace).matches()) {
            return Status.badRequest("invalid namespace name \"" + namespace + "\"");
        }
        return run(Level.POD, "namespace=\"" + Metrics.quote(namespace) + "\"", "pod", null, f, time, start, end, step,
                sortMetric, sortType, page, limit);
    }

    @GET
    @Path("namespaces/{namespace}/pods/{pod}")
    public Response pod(@PathParam("namespace") String namespace, @PathParam("pod") String pod,
            @QueryParam("metrics_filter") String f, @QueryParam("time") String time, @QueryParam("start") String start,
            @QueryParam("end") String end, @QueryParam("step") String step) {
        if (!NAME.matcher(namespace).matches() || !NAME.matcher(pod).matches()) {
            return Status.badRequest("invalid namespace or pod name");
        }
        return run(Level.POD, "namespace=\"" + Metrics.quote(namespace) + "\",pod=\"" + Metrics.quote(pod) + "\"", null,
                null, f, time, start, end, step, null, null, null, null);
    }

    @GET
    @Path("namespaces/{namespace}/pods/{pod}/containers")
    public Response containers(@PathParam("namespace") String namespace, @PathParam("pod") String pod,
            @QueryParam("metrics_filter") String f, @QueryParam("time") String time, @QueryParam("start") String start,
            @QueryParam("end") String end, @QueryParam("step") String step) {
        if (!NAME.matcher(namespace).matches() || !NAME.matcher(pod).matches()) {
            return Status.badRequest("invalid namespace or pod name");
        }
        return run(Level.CONTAINER, "namespace=\"" + Metrics.quote(namespace) + "\",pod=\"" + Metrics.quote(pod) + "\"",
                null, null, f, time, start, end, step, null, null, null, null);
    }

    @GET
    @Path("namespaces/{namespace}/workloads/{kind}/{name}")
    public Response workload(@PathParam("namespace") String namespace, @PathParam("kind") String kind,
            @PathParam("name") String name, @QueryParam("metrics_filter") String f, @QueryParam("time") String time,
            @QueryParam("start") String start, @QueryParam("end") String end, @QueryParam("step") String step) {
        String k = kind.toLowerCase(Locale.ROOT);
        if (!k.endsWith("s")) {
            k = k + "s"; // KubeSphere accepts deployment and deployments
        }
        if (!WORKLOAD_KINDS.contains(k)) {
            return Status.badRequest("workload kind must be one of deployment, statefulset, daemonset; got \"" + kind + "\"");
        }
        if (!NAME.matcher(namespace).matches() || !NAME.matcher(name).matches()) {
            return Status.badRequest("invalid namespace or workload name");
        }
        List<String> pods = Workloads.pods(context.kubernetes(), namespace, k, name);
        String sel = pods.isEmpty() ? null
                : "namespace=\"" + Metrics.quote(namespace) + "\",pod=~\"" + Metrics.alternation(pods) + "\"";
        String kindName = Character.toUpperCase(k.charAt(0)) + k.substring(1, k.length() - 1);
        String label = "workload=" + kindName.replace("set", "Set") + ":" + name;
        return run(Level.WORKLOAD, sel, null, label, f, time, start, end, step, null, null, null, null);
    }

    @GET
    @Path("components/{component}")
    public Response component(@PathParam("component") String component, @QueryParam("metrics_filter") String f,
            @QueryParam("time") String time, @QueryParam("start") String start, @QueryParam("end") String end,
            @QueryParam("step") String step) {
        if (!Metrics.isComponent(component)) {
            return Status.of(404, "NotFound", "component \"" + component + "\" not found; known: apiserver, scheduler");
        }
        return runTemplates(Metrics.of(Level.COMPONENT, "", component), null, null, f, time, start, end, step,
                null, null, null, null);
    }

    /**
     * Raw PromQL, a separate resource ({@code query}) so that only roles granting it (platform
     * admins' wildcard) reach it; the named-metric endpoints are what everyone else uses.
     */
    @GET
    @Path("query")
    public Response query(@QueryParam("expr") String expr, @QueryParam("time") String time,
            @QueryParam("start") String start, @QueryParam("end") String end, @QueryParam("step") String step) {
        if (expr == null || expr.isBlank()) {
            return Status.badRequest("expr is required");
        }
        Map<String, String> one = new LinkedHashMap<>();
        one.put("expr", expr);
        return runTemplates(one, null, null, null, time, start, end, step, null, null, null, null);
    }

    private Response run(Level level, String selector, String identity, String extraLabel, String f, String time,
            String start, String end, String step, String sortMetric, String sortType, String page, String limit) {
        Map<String, String> templates = Metrics.of(level, selector == null ? "" : selector, null);
        if (selector == null) {
            // nothing belongs to the object (no projects, no pods): every metric has an empty result
            templates.replaceAll((k, v) -> "vector(0) < 0");
        } else if (extraLabel != null) {
            int eq = extraLabel.indexOf('=');
            String labelName = extraLabel.substring(0, eq);
            String labelValue = Metrics.quote(extraLabel.substring(eq + 1));
            templates.replaceAll((k, v) -> "label_replace(" + v + ", \"" + labelName + "\", \"" + labelValue + "\", \"\", \"\")");
        }
        return runTemplates(templates, identity, null, f, time, start, end, step, sortMetric, sortType, page, limit);
    }

    private Response runTemplates(Map<String, String> templates, String identity, Object unused, String f, String time,
            String start, String end, String step, String sortMetric, String sortType, String page, String limit) {
        Params p;
        try {
            p = params(f, time, start, end, step, sortMetric, sortType, page, limit, identity != null);
        } catch (IllegalArgumentException e) {
            return Status.badRequest(e.getMessage());
        }
        Prometheus prometheus;
        try {
            prometheus = backend.prometheus();
        } catch (Prometheus.Unavailable e) {
            return Status.unavailable(e.getMessage());
        }
        if (p.sortMetric() != null && !templates.containsKey(p.sortMetric())) {
            return Status.badRequest("sort_metric \"" + p.sortMetric() + "\" is not a metric of this endpoint");
        }
        List<Map<String, Object>> results = new ArrayList<>();
        try {
            for (Map.Entry<String, String> t : templates.entrySet()) {
                if (p.filter() != null && !p.filter().matcher(t.getKey()).find() && !t.getKey().equals(p.sortMetric())) {
                    continue;
                }
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("metric_name", t.getKey());
                try {
                    r.put("data", p.range() ? prometheus.queryRange(t.getValue(), p.start(), p.end(), p.step())
                            : prometheus.query(t.getValue(), p.time()));
                } catch (Prometheus.QueryError e) {
                    if (templates.size() == 1) {
                        return Status.badRequest(e.getMessage());
                    }
                    r.put("error", e.getMessage());
                }
                results.add(r);
            }
        } catch (Prometheus.Unavailable e) {
            context.logger().warn("event=monitoring.query.unavailable error=\"{}\"", e.getMessage());
            return Status.unavailable(e.getMessage());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        if (p.sortMetric() != null) {
            Ranking.apply(results, p, identity, out);
            if (p.filter() != null && !p.filter().matcher(p.sortMetric()).find()) {
                results.removeIf(r -> p.sortMetric().equals(r.get("metric_name")));
            }
        }
        out.put("results", results);
        return Response.ok(out).build();
    }

    private static Params params(String f, String time, String start, String end, String step, String sortMetric,
            String sortType, String page, String limit, boolean rankable) {
        Pattern filter = null;
        if (f != null && !f.isEmpty()) {
            try {
                filter = Pattern.compile(f);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("metrics_filter is not a valid regular expression: " + e.getDescription());
            }
        }
        if ((start == null) != (end == null)) {
            throw new IllegalArgumentException("start and end go together");
        }
        for (String[] v : new String[][] {{"time", time}, {"start", start}, {"end", end}}) {
            if (v[1] != null && !NUMBER.matcher(v[1]).matches()) {
                throw new IllegalArgumentException(v[0] + " must be a Unix timestamp in seconds, got \"" + v[1] + "\"");
            }
        }
        if (start != null) {
            if (time != null) {
                throw new IllegalArgumentException("time is for instant queries; give either time or start/end");
            }
            if (Double.parseDouble(end) < Double.parseDouble(start)) {
                throw new IllegalArgumentException("end is before start");
            }
        }
        String s = step == null || step.isEmpty() ? "600s" : step;
        if (!DURATION.matcher(s).matches()) {
            throw new IllegalArgumentException("step must be a duration such as 60s or 10m, got \"" + step + "\"");
        }
        if (start != null && end != null) {
            double seconds = stepSeconds(s);
            if (seconds <= 0 || (Double.parseDouble(end) - Double.parseDouble(start)) / seconds > 11000) {
                throw new IllegalArgumentException("step is too small for the range (more than 11000 points)");
            }
        }
        if (sortMetric != null && sortMetric.isEmpty()) {
            sortMetric = null;
        }
        if (sortMetric != null && !rankable) {
            throw new IllegalArgumentException("sort_metric applies to lists only (nodes, pods of a project)");
        }
        if (sortMetric != null && start != null) {
            throw new IllegalArgumentException("sort_metric ranks by an instant value; drop start/end");
        }
        boolean ascending = false;
        if (sortType != null && !sortType.isEmpty()) {
            if (!sortType.equals("asc") && !sortType.equals("desc")) {
                throw new IllegalArgumentException("sort_type must be asc or desc");
            }
            ascending = sortType.equals("asc");
        }
        int pg = positive("page", page, 1);
        int lim = positive("limit", limit, 10);
        return new Params(filter, time, start, end, s, sortMetric, ascending, pg, lim);
    }

    private static double stepSeconds(String step) {
        if (NUMBER.matcher(step).matches()) {
            return Double.parseDouble(step);
        }
        double total = 0;
        var m = Pattern.compile("([0-9]+)(ms|s|m|h|d|w|y)").matcher(step);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            total += switch (m.group(2)) {
                case "ms" -> n / 1000.0;
                case "s" -> n;
                case "m" -> n * 60.0;
                case "h" -> n * 3600.0;
                case "d" -> n * 86400.0;
                case "w" -> n * 604800.0;
                default -> n * 31536000.0;
            };
        }
        return total;
    }

    private static int positive(String name, String value, int dflt) {
        if (value == null || value.isEmpty()) {
            return dflt;
        }
        try {
            int v = Integer.parseInt(value);
            if (v < 1) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a positive integer, got \"" + value + "\"");
        }
    }

    /** KubeSphere's ranking: order identities by one metric's instant value, then page every metric. */
    static final class Ranking {
        private Ranking() {
        }

        @SuppressWarnings("unchecked")
        static void apply(List<Map<String, Object>> results, Params p, String identity, Map<String, Object> out) {
            Map<String, Double> order = new LinkedHashMap<>();
            Set<String> all = new LinkedHashSet<>();
            for (Map<String, Object> r : results) {
                for (Map<String, Object> s : series(r)) {
                    String id = String.valueOf(((Map<String, Object>) s.get("metric")).get(identity));
                    all.add(id);
                    if (p.sortMetric().equals(r.get("metric_name")) && s.get("value") instanceof List<?> v) {
                        order.put(id, parse(String.valueOf(v.get(1))));
                    }
                }
            }
            Comparator<String> byValue = Comparator.comparingDouble(id -> order.getOrDefault(id, Double.NaN));
            Comparator<String> cmp = (a, b) -> {
                boolean na = !order.containsKey(a) || order.get(a).isNaN();
                boolean nb = !order.containsKey(b) || order.get(b).isNaN();
                if (na || nb) {
                    return na == nb ? a.compareTo(b) : (na ? 1 : -1); // missing values last
                }
                int c = byValue.compare(a, b);
                return (p.ascending() ? c : -c) != 0 ? (p.ascending() ? c : -c) : a.compareTo(b);
            };
            List<String> ids = new ArrayList<>(all);
            ids.sort(cmp);
            int from = Math.min((p.page() - 1) * p.limit(), ids.size());
            int to = Math.min(from + p.limit(), ids.size());
            List<String> pageIds = ids.subList(from, to);
            for (Map<String, Object> r : results) {
                List<Map<String, Object>> kept = new ArrayList<>();
                for (String id : pageIds) {
                    for (Map<String, Object> s : series(r)) {
                        if (id.equals(String.valueOf(((Map<String, Object>) s.get("metric")).get(identity)))) {
                            kept.add(s);
                        }
                    }
                }
                if (r.get("data") instanceof Map<?, ?> d) {
                    ((Map<String, Object>) d).put("result", kept);
                }
            }
            out.put("page", p.page());
            out.put("total_page", (ids.size() + p.limit() - 1) / p.limit());
            out.put("total_item", ids.size());
        }

        @SuppressWarnings("unchecked")
        private static List<Map<String, Object>> series(Map<String, Object> r) {
            if (r.get("data") instanceof Map<?, ?> d && d.get("result") instanceof List<?> l) {
                return (List<Map<String, Object>>) l;
            }
            return List.of();
        }

        private static double parse(String s) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
    }
}
