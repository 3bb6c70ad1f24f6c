package io.tessera.kernel.extensions;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.tessera.extension.api.http.KapisRoutes;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Application;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * KubeSphere's integration objects for out-of-process extensions (reference §6.3):
 * {@code APIService} (a /kapis group/version proxied to a backend), {@code ReverseProxy}
 * ({@code /proxy/…}), {@code JSBundle} ({@code /dist/…}) and {@code ExtensionEntry} (menu entries).
 * Objects are served while {@code status.state} is {@code Available}; this class sets the state:
 * Available, or Disabled when the object names (label {@code kubesphere.io/extension-ref}) an
 * extension whose InstallPlan is not enabled.
 */
final class Integrations implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Integrations.class);

    static final ResourceDefinitionContext API_SERVICES = rdc("APIService", "apiservices");
    static final ResourceDefinitionContext REVERSE_PROXIES = rdc("ReverseProxy", "reverseproxies");
    static final ResourceDefinitionContext JS_BUNDLES = rdc("JSBundle", "jsbundles");
    static final ResourceDefinitionContext EXTENSION_ENTRIES = rdc("ExtensionEntry", "extensionentries");

    private final KubernetesClient client;
    private final BundleContext host;
    private final Runnable entriesChanged;
    private final List<SharedIndexInformer<GenericKubernetesResource>> informers = new ArrayList<>();
    private final Map<String, ServiceRegistration<Application>> apiRoutes = new ConcurrentHashMap<>();
    private SharedIndexInformer<GenericKubernetesResource> apiServices;
    private SharedIndexInformer<GenericKubernetesResource> reverseProxies;
    private SharedIndexInformer<GenericKubernetesResource> jsBundles;
    private SharedIndexInformer<GenericKubernetesResource> entries;
    private SharedIndexInformer<GenericKubernetesResource> plans;

    Integrations(KubernetesClient client, BundleContext host, Runnable entriesChanged) {
        this.client = client;
        this.host = host;
        this.entriesChanged = entriesChanged;
    }

    private static ResourceDefinitionContext rdc(String kind, String plural) {
        return new ResourceDefinitionContext.Builder().withGroup(ExtensionTypes.EXT_GROUP).withVersion(ExtensionTypes.VERSION)
                .withKind(kind).withPlural(plural).withNamespaced(false).build();
    }

    void start() {
        plans = client.genericKubernetesResources(ExtensionTypes.INSTALL_PLANS).inform(handler(null, () -> {
            for (var i : java.util.Arrays.asList(apiServices, reverseProxies, jsBundles, entries)) { // null until started: plans may exist at start
                if (i != null) {
                    i.getStore().list().forEach(o -> updateState(i == apiServices ? API_SERVICES : i == reverseProxies
                            ? REVERSE_PROXIES : i == jsBundles ? JS_BUNDLES : EXTENSION_ENTRIES, o));
                }
            }
        }));
        apiServices = client.genericKubernetesResources(API_SERVICES).inform(handler(API_SERVICES, this::syncApiRoutes));
        reverseProxies = client.genericKubernetesResources(REVERSE_PROXIES).inform(handler(REVERSE_PROXIES, () -> { }));
        jsBundles = client.genericKubernetesResources(JS_BUNDLES).inform(handler(JS_BUNDLES, entriesChanged));
        entries = client.genericKubernetesResources(EXTENSION_ENTRIES).inform(handler(EXTENSION_ENTRIES, entriesChanged));
        informers.addAll(List.of(plans, apiServices, reverseProxies, jsBundles, entries));
    }

    private ResourceEventHandler<GenericKubernetesResource> handler(ResourceDefinitionContext kind, Runnable after) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource obj) {
                if (kind != null) {
                    updateState(kind, obj);
                }
                after.run();
            }

            @Override
            public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
                if (kind != null) {
                    updateState(kind, newObj);
                }
                after.run();
            }

            @Override
            public void onDelete(GenericKubernetesResource obj, boolean unknown) {
                after.run();
            }
        };
    }

    static boolean available(GenericKubernetesResource o) {
        return o.getAdditionalProperties().get("status") instanceof Map<?, ?> s && "Available".equals(s.get("state"));
    }

    static Map<?, ?> spec(GenericKubernetesResource o) {
        return o.getAdditionalProperties().get("spec") instanceof Map<?, ?> s ? s : Map.of();
    }

    private String desiredState(GenericKubernetesResource o) {
        String ext = o.getMetadata().getLabels() == null ? null : o.getMetadata().getLabels().get(ExtensionTypes.EXTENSION_REF);
        if (ext == null || plans == null) {
            return "Available";
        }
        GenericKubernetesResource plan = plans.getStore().getByKey(ext);
        if (plan == null) {
            return "Available"; // an out-of-process extension deployed without a plan
        }
        return Boolean.FALSE.equals(spec(plan).get("enabled")) ? "Disabled" : "Available";
    }

    private void updateState(ResourceDefinitionContext kind, GenericKubernetesResource o) {
        String want = desiredState(o);
        Map<String, Object> status = o.getAdditionalProperties().get("status") instanceof Map<?, ?> s
                ? new LinkedHashMap<>((Map<String, Object>) s) : new LinkedHashMap<>();
        String link = kind == JS_BUNDLES ? "/dist/" + extensionOf(o) + "/index.js" : null;
        if (want.equals(status.get("state")) && (link == null || status.get("link") != null)) {
            return;
        }
        status.put("state", want);
        if (link != null) {
            status.putIfAbsent("link", link);
        }
        try {
            GenericKubernetesResource copy = client.getKubernetesSerialization().clone(o);
            copy.setAdditionalProperty("status", status);
            client.genericKubernetesResources(kind).resource(copy).updateStatus();
            LOG.info("event=extensions.integration.state kind={} name={} state={}", kind.getKind(), o.getMetadata().getName(), want);
        } catch (RuntimeException e) {
            // another replica wrote it first (409) or the object went away: the informer brings the next event
            LOG.debug("event=extensions.integration.state.skipped kind={} name={} error=\"{}\"", kind.getKind(),
                    o.getMetadata().getName(), e.toString());
        }
    }

    private static String extensionOf(GenericKubernetesResource o) {
        String ext = o.getMetadata().getLabels() == null ? null : o.getMetadata().getLabels().get(ExtensionTypes.EXTENSION_REF);
        return ext == null ? o.getMetadata().getName() : ext;
    }

    /** One whiteboard Application per Available APIService group/version; gone when the object is. */
    private synchronized void syncApiRoutes() {
        Map<String, GenericKubernetesResource> wanted = new LinkedHashMap<>();
        for (GenericKubernetesResource o : apiServices.getStore().list()) {
            Map<?, ?> spec = spec(o);
            if (spec.get("group") instanceof String g && spec.get("version") instanceof String v) {
                wanted.putIfAbsent(g + "/" + v, o);
            }
        }
        for (String key : List.copyOf(apiRoutes.keySet())) {
            if (!wanted.containsKey(key)) {
                apiRoutes.remove(key).unregister();
                LOG.info("event=extensions.apiservice.unmounted prefix=/kapis/{}", key);
            }
        }
        wanted.forEach((key, o) -> apiRoutes.computeIfAbsent(key, k -> {
            String[] gv = k.split("/", 2);
            Hashtable<String, Object> props = new Hashtable<>();
            props.put(KapisRoutes.GROUP, gv[0]);
            props.put(KapisRoutes.VERSION, gv[1]);
            LOG.info("event=extensions.apiservice.mounted prefix=/kapis/{} name={}", k, o.getMetadata().getName());
            return host.registerService(Application.class, new ApiServiceApp(k), props);
        }));
    }

    /** The Available APIService for group/version, looked up per request so spec changes apply at once. */
    private GenericKubernetesResource apiService(String groupVersion) {
        for (GenericKubernetesResource o : apiServices.getStore().list()) {
            Map<?, ?> spec = spec(o);
            if (groupVersion.equals(spec.get("group") + "/" + spec.get("version"))) {
                return o;
            }
        }
        return null;
    }

    final class ApiServiceApp extends Application {
        private final String groupVersion;

        ApiServiceApp(String groupVersion) {
            this.groupVersion = groupVersion;
        }

        @Override
        public Set<Object> getSingletons() {
            return Set.of(new ApiServiceResource(Integrations.this, groupVersion));
        }
    }

    /** A request under an APIService's mount, forwarded to its backend with the original path and query. */
    Response apiService(String groupVersion, HttpServletRequest request, byte[] body) {
        GenericKubernetesResource o = apiService(groupVersion);
        if (o == null || !available(o)) {
            return Forwarder.status(503, "ServiceUnavailable", "the API service for " + groupVersion + " is not available");
        }
        String base = Forwarder.endpoint(spec(o));
        if (base == null) {
            return Forwarder.status(503, "ServiceUnavailable", "APIService " + o.getMetadata().getName() + " has no url or service");
        }
        String query = request.getQueryString();
        return Forwarder.forward(request, base + request.getRequestURI() + (query == null ? "" : "?" + query), body,
                List.of(), true);
    }

    /** Every method and path under the mount: {@link #apiService(String, HttpServletRequest, byte[])}. Static, as {@link ReverseProxyResource}. */
    @Path("{path: .*}")
    public static final class ApiServiceResource {
        private final Integrations integrations;
        private final String groupVersion;

        ApiServiceResource(Integrations integrations, String groupVersion) {
            this.integrations = integrations;
            this.groupVersion = groupVersion;
        }

        private Response go(HttpServletRequest request, byte[] body) {
            return integrations.apiService(groupVersion, request, body);
        }

        @GET public Response get(@Context HttpServletRequest r) { return go(r, null); }
        @HEAD public Response head(@Context HttpServletRequest r) { return go(r, null); }
        @OPTIONS public Response options(@Context HttpServletRequest r) { return go(r, null); }
        @DELETE public Response delete(@Context HttpServletRequest r, byte[] b) { return go(r, b); }
        @POST public Response post(@Context HttpServletRequest r, byte[] b) { return go(r, b); }
        @PUT public Response put(@Context HttpServletRequest r, byte[] b) { return go(r, b); }
        @PATCH public Response patch(@Context HttpServletRequest r, byte[] b) { return go(r, b); }
    }

    /** A request under /proxy, forwarded by the ReverseProxy whose matcher fits, with its directives. */
    Response reverseProxy(HttpServletRequest request, byte[] body) {
        String path = request.getRequestURI();
        GenericKubernetesResource match = null;
        for (GenericKubernetesResource o : reverseProxies.getStore().list()) {
            Map<?, ?> matcher = spec(o).get("matcher") instanceof Map<?, ?> m ? m : Map.of();
            String p = matcher.get("path") instanceof String s ? s : "";
            String method = matcher.get("method") instanceof String s ? s : "*";
            boolean pathOk = p.endsWith("*") ? path.startsWith(p.substring(0, p.length() - 1)) : path.equals(p);
            if (pathOk && (method.equals("*") || method.equalsIgnoreCase(request.getMethod()))) {
                match = o;
                break;
            }
        }
        if (match == null) {
            return Forwarder.status(404, "NotFound", "no extension proxy serves " + path);
        }
        if (!available(match)) {
            return Forwarder.status(503, "ServiceUnavailable", "reverse proxy " + match.getMetadata().getName() + " is not available");
        }
        Map<?, ?> spec = spec(match);
        Map<?, ?> upstream = spec.get("upstream") instanceof Map<?, ?> u ? u : Map.of();
        Map<?, ?> d = spec.get("directives") instanceof Map<?, ?> x ? x : Map.of();
        String base = Forwarder.endpoint(upstream);
        if (base == null) {
            return Forwarder.status(503, "ServiceUnavailable", "reverse proxy " + match.getMetadata().getName() + " has no upstream");
        }
        String target = path;
        if (d.get("stripPathPrefix") instanceof String prefix && target.startsWith(prefix)) {
            target = target.substring(prefix.length());
        }
        if (d.get("stripPathSuffix") instanceof String suffix && target.endsWith(suffix)) {
            target = target.substring(0, target.length() - suffix.length());
        }
        if (d.get("replace") instanceof List<?> rules) {
            for (Object rule : rules) {
                String[] ft = String.valueOf(rule).split("\\s+", 2);
                if (ft.length == 2) {
                    target = target.replace(ft[0], ft[1]);
                }
            }
        }
        if (d.get("pathRegexp") instanceof List<?> rules) {
            for (Object rule : rules) {
                String[] ft = String.valueOf(rule).split("\\s+", 2);
                if (ft.length == 2) {
                    target = target.replaceAll(ft[0], ft[1]);
                }
            }
        }
        if (!target.startsWith("/")) {
            target = "/" + target;
        }
        String query = request.getQueryString();
        List<String> headerUp = d.get("headerUp") instanceof List<?> h ? h.stream().map(String::valueOf).toList() : List.of();
        Response r = Forwarder.forward(request, base + target + (query == null ? "" : "?" + query), body, headerUp,
                Boolean.TRUE.equals(d.get("authProxy")));
        if (d.get("headerDown") instanceof List<?> down && !down.isEmpty()) {
            Response.ResponseBuilder b = Response.fromResponse(r);
            for (Object o : down) {
                String t = String.valueOf(o).strip();
                if (t.startsWith("-")) {
                    b.header(t.substring(1), null);
                } else {
                    String[] kv = (t.startsWith("+") ? t.substring(1) : t).split("\\s+", 2);
                    b.header(kv[0], kv.length > 1 ? kv[1].replaceAll("^\"|\"$", "") : "");
                }
            }
            return b.build();
        }
        return r;
    }

    /** Mounted at /proxy: {@link #reverseProxy}. Static, as Jersey takes a non-static member class for one it cannot build and warns. */
    @Path("{path: .*}")
    public static final class ReverseProxyResource {
        private final Integrations integrations;

        public ReverseProxyResource(Integrations integrations) {
            this.integrations = integrations;
        }

        private Response go(HttpServletRequest request, byte[] body) {
            return integrations.reverseProxy(request, body);
        }

        @GET public Response get(@Context HttpServletRequest r) { return go(r, null); }
        @HEAD public Response head(@Context HttpServletRequest r) { return go(r, null); }
        @OPTIONS public Response options(@Context HttpServletRequest r) { return go(r, null); }
        @DELETE public Response delete(@Context HttpServletRequest r, byte[] b) { return go(r, b); }
        @POST public Response post(@Context HttpServletRequest r, byte[] b) { return go(r, b); }
        @PUT public Response put(@Context HttpServletRequest r, byte[] b) { return go(r, b); }
        @PATCH public Response patch(@Context HttpServletRequest r, byte[] b) { return go(r, b); }
    }

    /** An Available JSBundle whose status.link is {@code path}: its script (raw or a ConfigMap key), or null. */
    byte[] jsBundle(String path) {
        for (GenericKubernetesResource o : jsBundles.getStore().list()) {
            Map<?, ?> status = o.getAdditionalProperties().get("status") instanceof Map<?, ?> s ? s : Map.of();
            if (!available(o) || !path.equals(status.get("link"))) {
                continue;
            }
            Map<?, ?> spec = spec(o);
            if (spec.get("raw") instanceof String raw) {
                return Base64.getDecoder().decode(raw);
            }
            if (spec.get("rawFrom") instanceof Map<?, ?> from && from.get("configMapKeyRef") instanceof Map<?, ?> ref) {
                var cm = client.configMaps().inNamespace(String.valueOf(ref.get("namespace"))).withName(String.valueOf(ref.get("name"))).get();
                if (cm == null) {
                    return null;
                }
                String key = String.valueOf(ref.get("key"));
                if (cm.getData() != null && cm.getData().get(key) != null) {
                    return cm.getData().get(key).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                }
                if (cm.getBinaryData() != null && cm.getBinaryData().get(key) != null) {
                    return Base64.getDecoder().decode(cm.getBinaryData().get(key));
                }
            }
        }
        return null;
    }

    /** Console items from Available JSBundles and ExtensionEntries, joined by extension (reference §6.4). */
    List<Map<String, Object>> consoleItems() {
        Map<String, Map<String, Object>> byExt = new LinkedHashMap<>();
        if (jsBundles != null) {
            for (GenericKubernetesResource o : jsBundles.getStore().list()) {
                if (!available(o)) {
                    continue;
                }
                Map<String, Object> item = item(byExt, extensionOf(o));
                Map<?, ?> status = (Map<?, ?>) o.getAdditionalProperties().get("status");
                item.put("name", o.getMetadata().getName());
                item.put("link", status.get("link"));
                item.put("resourceVersion", o.getMetadata().getResourceVersion());
            }
        }
        if (entries != null) {
            for (GenericKubernetesResource o : entries.getStore().list()) {
                if (!available(o) || !(spec(o).get("entries") instanceof List<?> list)) {
                    continue;
                }
                @SuppressWarnings("unchecked")
                List<Object> es = (List<Object>) item(byExt, extensionOf(o)).get("entries");
                es.addAll(list);
            }
        }
        return new ArrayList<>(byExt.values());
    }

    private static Map<String, Object> item(Map<String, Map<String, Object>> byExt, String ext) {
        return byExt.computeIfAbsent(ext, e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", e);
            m.put("extensionName", e);
            m.put("version", null);
            m.put("link", null);
            m.put("styleLink", null);
            m.put("entries", new ArrayList<>());
            return m;
        });
    }

    @Override
    public synchronized void close() {
        informers.forEach(SharedIndexInformer::close);
        apiRoutes.values().forEach(r -> {
            try {
                r.unregister();
            } catch (IllegalStateException gone) {
                // the framework stopped first
            }
        });
        apiRoutes.clear();
    }
}
