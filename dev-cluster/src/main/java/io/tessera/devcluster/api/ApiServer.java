package io.tessera.devcluster.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tessera.devcluster.store.Store;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes API semantics on top of {@link Store}: routing, discovery, create/get/list/update/patch/
 * delete, status subresources, finalizers, selectors, paging and watches. Transport-free: it takes a
 * {@link Request} and returns a {@link Response} (or, for a watch, feeds a sink).
 */
public final class ApiServer {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    public static final String KUBE_MAJOR = "1";
    /** kubectl 1.32+ sends protobuf for its typed commands (create configmap, create namespace, …), which this server does not decode; a 1.31 server makes version-matching kubectl speak JSON. */
    public static final String KUBE_MINOR = "31";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ObjectMapper YAML = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());

    public record Request(String method, String path, Map<String, List<String>> query, String contentType, byte[] body) {
        String param(String name) {
            List<String> v = query.get(name);
            return v == null || v.isEmpty() ? null : v.get(0);
        }

        boolean flag(String name) {
            String v = param(name);
            return v != null && (v.equals("true") || v.equals("1"));
        }
    }

    public record Response(int code, String contentType, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** A parsed resource URL. {@code name} and {@code subresource} may be null. */
    record Target(ResourceType type, String version, String namespace, String name, String subresource) {
        String apiVersion() {
            return type.apiVersion(version);
        }
    }

    private final Store store;
    private final ResourceRegistry registry;
    private final ObjectMapper mapper;
    private volatile String serverAddress = "127.0.0.1:0";

    public ApiServer(Store store, ResourceRegistry registry, ObjectMapper mapper) {
        this.store = store;
        this.registry = registry;
        this.mapper = mapper;
        // CRDs already stored define served types before the first request.
        store.list(ResourceRegistry.CRD_KEY, null, LabelSelector.EVERYTHING, null)
                .forEachRemaining(o -> registerCrd(store.parse(o)));
    }

    /** The host:port clients reach this server at, reported by {@code /api}. */
    public void setServerAddress(String hostPort) {
        this.serverAddress = hostPort;
    }

    public ResourceRegistry registry() {
        return registry;
    }

    // ------------------------------------------------------------------ entry points

    public boolean isWatch(Request r) {
        return r.method().equals("GET") && r.flag("watch");
    }

    public Response handle(Request r) {
        try {
            return route(r);
        } catch (ApiException e) {
            return json(e.code(), e.toStatus());
        } catch (UncheckedIOException e) {
            LOG.error("event=request.failed method={} path={} error={}", r.method(), r.path(), e.toString());
            return json(500, new ApiException(500, "InternalError", "storage error: " + e.getMessage()).toStatus());
        } catch (RuntimeException e) {
            LOG.error("event=request.failed method={} path={} error={}", r.method(), r.path(), e.toString(), e);
            return json(500, new ApiException(500, "InternalError", "internal error: " + e).toStatus());
        }
    }

    private Response route(Request r) {
        String raw = r.path();
        String path = raw.length() > 1 && raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
        switch (path) {
            case "/version":
                return json(200, Discovery.version(mapper));
            case "/healthz", "/livez", "/readyz":
                return new Response(200, "text/plain", "ok".getBytes(StandardCharsets.UTF_8));
            case "/api":
                return json(200, Discovery.apiVersions(mapper, serverAddress));
            case "/apis":
                return json(200, Discovery.apiGroupList(mapper, registry));
            case "/openapi/v3":
                return json(200, OpenApi.root(mapper, registry));
            default:
                break;
        }
        if (path.startsWith("/openapi/v3/")) {
            return OpenApi.groupVersion(mapper, registry, path.substring("/openapi/v3/".length()))
                    .map(doc -> json(200, doc))
                    .orElseThrow(() -> new ApiException(404, "NotFound", "no OpenAPI document for " + path));
        }
        String[] seg = path.substring(1).split("/");
        String group;
        String version;
        int rest;
        if (seg[0].equals("api") && seg.length >= 2) {
            group = "";
            version = seg[1];
            rest = 2;
        } else if (seg[0].equals("apis") && seg.length >= 2) {
            group = seg[1];
            if (seg.length == 2) {
                return Discovery.apiGroup(mapper, registry, group).map(g -> json(200, g))
                        .orElseThrow(() -> notFoundPath(path));
            }
            version = seg[2];
            rest = 3;
        } else {
            throw notFoundPath(path);
        }
        if (seg.length == rest) {
            List<ResourceType> types = registry.inGroupVersion(group, version);
            if (types.isEmpty()) {
                throw notFoundPath(path);
            }
            return json(200, Discovery.resourceList(mapper, group, version, types));
        }
        Target t = target(group, version, seg, rest, path);
        return switch (r.method()) {
            case "GET" -> t.name() == null ? list(t, r) : get(t);
            case "POST" -> {
                if (t.name() != null) {
                    throw new ApiException(405, "MethodNotAllowed", "POST is not supported on a named " + t.type().kind());
                }
                yield create(t, r);
            }
            case "PUT" -> update(t, r);
            case "PATCH" -> patch(t, r);
            case "DELETE" -> t.name() == null ? deleteCollection(t, r) : delete(t, r);
            default -> throw new ApiException(405, "MethodNotAllowed", "method " + r.method() + " is not supported");
        };
    }

    private static ApiException notFoundPath(String path) {
        return new ApiException(404, "NotFound", "the server could not find the requested resource (" + path + ")");
    }

    private Target target(String group, String version, String[] seg, int i, String path) {
        String namespace = null;
        int n = seg.length - i;
        if (seg[i].equals("namespaces") && n >= 3) {
            // /namespaces/{ns}/{plural}/... unless it is the namespace's own subresource (/namespaces/{name}/status)
            ResourceType inner = registry.find(group, version, seg[i + 2]).orElse(null);
            if (inner != null && inner.namespaced()) {
                namespace = seg[i + 1];
                i += 2;
                n -= 2;
            }
        }
        ResourceType type = registry.find(group, version, seg[i]).orElseThrow(() -> notFoundPath(path));
        if (type.namespaced() && namespace == null && n >= 2) {
            throw notFoundPath(path);
        }
        if (!type.namespaced() && namespace != null) {
            throw notFoundPath(path);
        }
        String name = n >= 2 ? seg[i + 1] : null;
        String sub = n >= 3 ? seg[i + 2] : null;
        if (n > 3) {
            throw notFoundPath(path);
        }
        if (sub != null && !(sub.equals("status") && type.statusSubresource())) {
            // The real server has no such subresource for this kind (a CRD without subresources.status included).
            throw notFoundPath(path);
        }
        return new Target(type, version, namespace, name, sub);
    }

    // ------------------------------------------------------------------ reads

    private Response get(Target t) {
        Store.Obj o = store.get(t.type().key(), ns(t), t.name());
        if (o == null) {
            throw ApiException.notFound(t.type(), t.name());
        }
        return new Response(200, "application/json", served(o, t));
    }

    /** The stored bytes, with apiVersion rewritten when the client asked for another served version. */
    private byte[] served(Store.Obj o, Target t) {
        if (t.type().versions().size() == 1 || t.version().equals(t.type().preferredVersion())) {
            return o.json();
        }
        ObjectNode n = store.parse(o);
        n.put("apiVersion", t.apiVersion());
        return bytes(n);
    }

    private static String ns(Target t) {
        return t.type().namespaced() ? t.namespace() : "";
    }

    private Response list(Target t, Request r) {
        LabelSelector labels = parseLabels(r.param("labelSelector"));
        FieldSelector fields = parseFields(r.param("fieldSelector"));
        long limit = parseLong(r.param("limit"), "limit", 0);
        String after = null;
        String token = r.param("continue");
        if (token != null && !token.isEmpty()) {
            after = decodeContinue(token);
        }
        long listRv = store.resourceVersion(); // read before the scan: a later watch may repeat, but never miss, a change
        String namespace = t.type().namespaced() ? t.namespace() : "";
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        List<byte[]> items = new ArrayList<>();
        String lastKey = null;
        boolean more = false;
        String requiredName = fields.requiredName();
        Iterator<Store.Obj> it;
        if (requiredName != null && namespace != null) {
            Store.Obj o = store.get(t.type().key(), namespace, requiredName);
            it = o == null || !labels.matches(o.labels()) || (after != null && o.key().compareTo(after) <= 0)
                    ? java.util.Collections.emptyIterator() : List.of(o).iterator();
        } else {
            it = store.list(t.type().key(), t.type().namespaced() ? t.namespace() : "", labels, after);
        }
        while (it.hasNext()) {
            Store.Obj o = it.next();
            if (!fields.isEmpty() && !fields.matches(store.parse(o))) {
                continue;
            }
            if (limit > 0 && items.size() == limit) {
                more = true;
                break;
            }
            items.add(served(o, t));
            lastKey = o.key();
        }
        String header = "{\"apiVersion\":" + quote(t.apiVersion()) + ",\"kind\":" + quote(t.type().listKind())
                + ",\"metadata\":{\"resourceVersion\":\"" + listRv + "\""
                + (more ? ",\"continue\":" + quote(encodeContinue(listRv, lastKey)) : "") + "},\"items\":[";
        out.writeBytes(header.getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(items.get(i));
        }
        out.writeBytes("]}".getBytes(StandardCharsets.UTF_8));
        return new Response(200, "application/json", out.toByteArray());
    }

    private static String encodeContinue(long rv, String lastKey) {
        String raw = "{\"v\":\"tessera.dev/v1\",\"rv\":" + rv + ",\"start\":" + quote(lastKey) + "}";
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    private String decodeContinue(String token) {
        try {
            JsonNode n = mapper.readTree(Base64.getUrlDecoder().decode(token));
            if (!"tessera.dev/v1".equals(n.path("v").asText()) || !n.path("start").isTextual()) {
                throw new IllegalArgumentException("unknown token version");
            }
            return n.path("start").asText();
        } catch (IOException | IllegalArgumentException e) {
            throw badContinue();
        }
    }

    private static ApiException badContinue() {
        return ApiException.badRequest("continue key is not valid: use the continue value returned by the previous list call");
    }

    private static LabelSelector parseLabels(String s) {
        try {
            return LabelSelector.parse(s);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("unable to parse labelSelector: " + e.getMessage());
        }
    }

    private static FieldSelector parseFields(String s) {
        try {
            return FieldSelector.parse(s);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("unable to parse fieldSelector: " + e.getMessage());
        }
    }

    private static long parseLong(String s, String what, long dflt) {
        if (s == null || s.isEmpty()) {
            return dflt;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid " + what + ": " + s);
        }
    }

    // ------------------------------------------------------------------ writes

    private ObjectNode body(Request r) {
        if (r.body() == null || r.body().length == 0) {
            throw ApiException.badRequest("the request needs a body");
        }
        String ct = r.contentType() == null ? "application/json" : r.contentType().split(";")[0].trim();
        boolean yaml = ct.equals("application/yaml");
        if (!ct.equals("application/json") && !yaml && !ct.equals("*/*")) {
            // 415 makes client-go fall back from protobuf to JSON for the rest of its session.
            throw new ApiException(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: "
                    + "application/json, application/yaml");
        }
        try {
            JsonNode n = yaml ? YAML.readTree(r.body()) : mapper.readTree(r.body());
            if (n == null || !n.isObject()) {
                throw ApiException.badRequest("the body must be a JSON object");
            }
            return (ObjectNode) n;
        } catch (IOException e) {
            throw ApiException.badRequest("the body is not valid JSON: " + e.getMessage());
        }
    }

    private static ObjectNode meta(ObjectNode o) {
        JsonNode m = o.get("metadata");
        if (m == null || !m.isObject()) {
            return o.putObject("metadata");
        }
        return (ObjectNode) m;
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private Response create(Target t, Request r) {
        ObjectNode obj = body(r);
        ResourceType type = t.type();
        checkKind(t, obj);
        ObjectNode m = meta(obj);
        String ns = ns(t);
        if (type.namespaced()) {
            String bodyNs = m.path("namespace").asText("");
            if (!bodyNs.isEmpty() && !bodyNs.equals(ns)) {
                throw ApiException.badRequest("the namespace of the provided object does not match the namespace sent on the request");
            }
            m.put("namespace", ns);
        } else {
            m.remove("namespace");
        }
        String name = m.path("name").asText("");
        if (name.isEmpty()) {
            String generate = m.path("generateName").asText("");
            if (generate.isEmpty()) {
                throw ApiException.invalid(type, "", "metadata.name: Required value: name or generateName is required");
            }
            name = generate + randomSuffix();
            m.put("name", name);
        }
        validateName(type, name);
        final String finalName = name;
        boolean dryRun = r.param("dryRun") != null;
        ObjectNode result = store.write(() -> {
            if (type.namespaced()) {
                Store.Obj nsObj = store.get("namespaces", "", ns);
                if (nsObj == null) {
                    throw new ApiException(404, "NotFound", "namespaces \"" + ns + "\" not found",
                            ApiException.details(registry.byKey("namespaces").orElseThrow(), ns));
                }
                if (store.parse(nsObj).path("metadata").has("deletionTimestamp")) {
                    throw new ApiException(403, "Forbidden", type.key() + " \"" + finalName + "\" is forbidden: unable to create new content in namespace "
                            + ns + " because it is being terminated");
                }
            }
            if (store.get(type.key(), ns, finalName) != null) {
                throw ApiException.alreadyExists(type, finalName);
            }
            obj.put("apiVersion", type.apiVersion(type.preferredVersion()));
            obj.put("kind", type.kind());
            m.put("uid", UUID.randomUUID().toString());
            m.put("creationTimestamp", now());
            m.remove(List.of("deletionTimestamp", "deletionGracePeriodSeconds", "resourceVersion", "selfLink", "managedFields"));
            if (type.tracksGeneration()) {
                m.put("generation", 1);
            } else {
                m.remove("generation");
            }
            prepareForCreate(type, obj);
            pruneUnknown(type, obj, r);
            MetadataValidation.validate(type, finalName, obj);
            if (dryRun) {
                m.put("resourceVersion", "");
                return obj;
            }
            Store.Obj o = store.put(type.key(), ns, finalName, obj);
            afterWrite(type, obj);
            return store.parse(o);
        });
        return object(201, result, t);
    }

    private void checkKind(Target t, ObjectNode obj) {
        String kind = obj.path("kind").asText("");
        if (!kind.isEmpty() && !kind.equals(t.type().kind())) {
            throw ApiException.badRequest("the API version in the data (" + obj.path("apiVersion").asText() + ") and kind "
                    + kind + " do not match the resource " + t.type().key());
        }
    }

    private static String randomSuffix() {
        String alphabet = "bcdfghjklmnpqrstvwxz2456789";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    private static void validateName(ResourceType type, String name) {
        boolean ok = name.length() <= 253 && name.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
        if (type.kind().equals("Namespace")) {
            ok = name.length() <= 63 && name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
        }
        if (type.group().equals("rbac.authorization.k8s.io")) {
            ok = !name.isEmpty() && !name.contains("/") && !name.equals(".") && !name.equals("..");
        }
        if (!ok) {
            throw ApiException.invalid(type, name, "metadata.name: Invalid value: \"" + name
                    + "\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'");
        }
    }

    /** What the real server's strategies do on create: clear status behind a status subresource, set defaults. */
    private void prepareForCreate(ResourceType type, ObjectNode obj) {
        switch (type.kind()) {
            case "Namespace" -> {
                obj.putObject("status").put("phase", "Active");
                ObjectNode labels = meta(obj).has("labels") && meta(obj).get("labels").isObject()
                        ? (ObjectNode) meta(obj).get("labels") : meta(obj).putObject("labels");
                labels.put("kubernetes.io/metadata.name", meta(obj).path("name").asText());
            }
            case "Node" -> { } // a node registers with its status, as a kubelet would
            case "Pod" -> {
                obj.putObject("status").put("phase", "Pending").put("qosClass", "BestEffort");
            }
            case "CustomResourceDefinition" -> crdStatus(obj);
            default -> {
                if (type.statusSubresource()) {
                    obj.remove("status");
                }
            }
        }
    }

    private void crdStatus(ObjectNode crd) {
        ObjectNode status = crd.putObject("status");
        status.set("acceptedNames", crd.path("spec").path("names").deepCopy());
        ArrayNode conditions = status.putArray("conditions");
        String now = now();
        for (String c : List.of("NamesAccepted", "Established")) {
            conditions.addObject().put("type", c).put("status", "True").put("lastTransitionTime", now)
                    .put("reason", c.equals("Established") ? "InitialNamesAccepted" : "NoConflicts")
                    .put("message", c.equals("Established") ? "the initial names have been accepted" : "no conflicts found");
        }
        ArrayNode stored = status.putArray("storedVersions");
        for (JsonNode v : crd.path("spec").path("versions")) {
            if (v.path("storage").asBoolean(false)) {
                stored.add(v.path("name").asText());
            }
        }
    }

    private void afterWrite(ResourceType type, ObjectNode obj) {
        if (type.key().equals(ResourceRegistry.CRD_KEY)) {
            registerCrd(obj);
        }
    }

    private void registerCrd(ObjectNode crd) {
        ResourceType t = ResourceRegistry.fromCrd(crd);
        if (t != null) {
            registry.putCustom(t);
            LOG.info("event=crd.served resource={} versions={}", t.key(), t.versions());
        }
    }

    /**
     * Drops fields the kind does not have, as the real server does (built-in kinds decode into typed
     * structs, custom resources are pruned to their structural schema); with {@code fieldValidation=Strict}
     * (kubectl's default) an unknown field is a 400 instead.
     */
    private void pruneUnknown(ResourceType type, ObjectNode obj, Request r) {
        List<String> unknown = new ArrayList<>();
        JsonNode metadata = obj.get("metadata");
        if (metadata instanceof ObjectNode m) {
            for (Iterator<String> it = m.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!KnownFields.OBJECT_META.contains(f)) {
                    unknown.add("metadata." + f);
                    it.remove();
                }
            }
        }
        JsonNode schema = type.custom() ? type.schema() : null;
        boolean preserveAll = type.custom() && (schema == null || schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false));
        for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String f = e.getKey();
            if (f.equals("apiVersion") || f.equals("kind") || f.equals("metadata")) {
                continue;
            }
            if (!type.custom()) {
                if (!KnownFields.topLevel(type).contains(f)) {
                    unknown.add(f);
                    it.remove();
                }
                continue;
            }
            JsonNode fieldSchema = schema == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : schema.path("properties").path(f);
            if (fieldSchema.isMissingNode()) {
                if (!preserveAll) {
                    unknown.add(f);
                    it.remove();
                }
            } else {
                SchemaPruner.prune(e.getValue(), fieldSchema, f, unknown);
            }
        }
        if (!unknown.isEmpty() && "Strict".equals(r.param("fieldValidation"))) {
            String version = obj.path("apiVersion").asText(type.apiVersion(type.preferredVersion()));
            throw ApiException.badRequest(type.kind() + " in version \"" + version + "\" cannot be handled as a " + type.kind()
                    + ": strict decoding error: " + String.join(", ", unknown.stream().map(u -> "unknown field \"" + u + "\"").toList()));
        }
    }

    private Response update(Target t, Request r) {
        if (t.name() == null) {
            throw new ApiException(405, "MethodNotAllowed", "PUT needs an object name");
        }
        ObjectNode body = body(r);
        checkKind(t, body);
        ObjectNode bm = meta(body);
        if (!bm.path("name").asText(t.name()).equals(t.name())) {
            throw ApiException.badRequest("the name of the object (" + bm.path("name").asText() + ") does not match the name on the URL ("
                    + t.name() + ")");
        }
        if (t.type().namespaced() && !bm.path("namespace").asText(t.namespace()).equals(t.namespace())) {
            throw ApiException.badRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
        boolean dryRun = r.param("dryRun") != null;
        ObjectNode result = store.write(() -> {
            Store.Obj old = store.get(t.type().key(), ns(t), t.name());
            if (old == null) {
                throw ApiException.notFound(t.type(), t.name());
            }
            checkResourceVersion(t, old, bm.path("resourceVersion").asText(""));
            return commit(t, store.parse(old), body, r, dryRun);
        });
        return object(200, result, t);
    }

    private static void checkResourceVersion(Target t, Store.Obj old, String given) {
        if (!given.isEmpty() && !given.equals(Long.toString(old.rv()))) {
            throw ApiException.conflict(t.type(), t.name(),
                    "the object has been modified; please apply your changes to the latest version and try again");
        }
    }

    /** Applies {@code incoming} (a full object) over {@code old} for the main resource or the status subresource. */
    private ObjectNode commit(Target t, ObjectNode old, ObjectNode incoming, Request r, boolean dryRun) {
        ResourceType type = t.type();
        ObjectNode next;
        if ("status".equals(t.subresource())) {
            next = old.deepCopy();
            if (incoming.has("status")) {
                next.set("status", incoming.get("status").deepCopy());
            } else {
                next.remove("status");
            }
        } else {
            next = incoming.deepCopy();
            ObjectNode nm = meta(next);
            ObjectNode om = meta(old);
            // Fields the server owns: a client cannot change them through an update.
            for (String f : List.of("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "namespace", "name")) {
                if (om.has(f)) {
                    nm.set(f, om.get(f));
                } else {
                    nm.remove(f);
                }
            }
            nm.remove(List.of("selfLink", "managedFields"));
            if (type.statusSubresource()) {
                if (old.has("status")) {
                    next.set("status", old.get("status").deepCopy());
                } else {
                    next.remove("status");
                }
            }
            if (type.key().equals(ResourceRegistry.CRD_KEY)) {
                next.set("status", old.path("status").deepCopy());
                crdStatus(next);
            }
            pruneUnknown(type, next, r);
        }
        next.put("apiVersion", type.apiVersion(type.preferredVersion()));
        next.put("kind", type.kind());
        ObjectNode nm = meta(next);
        nm.put("resourceVersion", meta(old).path("resourceVersion").asText());
        if (type.tracksGeneration() && !"status".equals(t.subresource()) && specChanged(type, old, next)) {
            nm.put("generation", meta(old).path("generation").asLong(0) + 1);
        }
        boolean terminating = nm.has("deletionTimestamp");
        JsonNode finalizers = nm.path("finalizers");
        if (terminating && (!finalizers.isArray() || finalizers.isEmpty())) {
            // The last finalizer is gone: the deletion that was waiting completes now.
            if (dryRun) {
                return next;
            }
            Store.Obj gone = store.delete(type.key(), ns(t), t.name());
            afterDelete(type, ns(t), t.name());
            ObjectNode result = next.deepCopy();
            meta(result).put("resourceVersion", Long.toString(gone.rv()));
            return result;
        }
        if (next.equals(old)) {
            return old; // a no-op write keeps its resourceVersion and wakes no watcher
        }
        if (!"status".equals(t.subresource())) {
            MetadataValidation.validate(type, t.name(), next);
        }
        if (dryRun) {
            return next;
        }
        Store.Obj o = store.put(type.key(), ns(t), t.name(), next);
        afterWrite(type, next);
        return store.parse(o);
    }

    private static boolean specChanged(ResourceType type, ObjectNode old, ObjectNode next) {
        ObjectNode a = old.deepCopy();
        ObjectNode b = next.deepCopy();
        a.remove("metadata");
        b.remove("metadata");
        if (type.statusSubresource()) {
            a.remove("status");
            b.remove("status");
        }
        return !a.equals(b);
    }

    private Response patch(Target t, Request r) {
        if (t.name() == null) {
            throw new ApiException(405, "MethodNotAllowed", "PATCH needs an object name");
        }
        String ct = r.contentType() == null ? "" : r.contentType().split(";")[0].trim();
        JsonNode patch;
        try {
            patch = mapper.readTree(r.body() == null ? new byte[0] : r.body());
        } catch (IOException e) {
            throw ApiException.badRequest("the patch is not valid JSON: " + e.getMessage());
        }
        if (patch == null || patch.isMissingNode()) {
            throw ApiException.badRequest("the patch is empty");
        }
        if (!ct.equals("application/merge-patch+json") && !ct.equals("application/json-patch+json")
                && !ct.equals("application/strategic-merge-patch+json")) {
            throw new ApiException(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: "
                    + "application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json"
                    + " (server-side apply is not served by the development cluster)");
        }
        boolean dryRun = r.param("dryRun") != null;
        ObjectNode result = store.write(() -> {
            Store.Obj old = store.get(t.type().key(), ns(t), t.name());
            if (old == null) {
                throw ApiException.notFound(t.type(), t.name());
            }
            ObjectNode current = store.parse(old);
            JsonNode patched;
            switch (ct) {
                case "application/json-patch+json" -> {
                    try {
                        patched = Patches.jsonPatch(current, patch);
                    } catch (RuntimeException e) {
                        throw new ApiException(422, "Invalid", "the JSON patch could not be applied, nothing was changed: " + e.getMessage(),
                                ApiException.details(t.type(), t.name()));
                    }
                }
                case "application/strategic-merge-patch+json" -> {
                    requireObject(patch);
                    patched = Patches.strategicMergePatch(current, patch);
                }
                default -> {
                    requireObject(patch);
                    patched = Patches.mergePatch(current, patch);
                }
            }
            if (!patched.isObject()) {
                throw ApiException.badRequest("the patch did not produce an object");
            }
            checkResourceVersion(t, old, patched.path("metadata").path("resourceVersion").asText(""));
            ObjectNode incoming = (ObjectNode) patched;
            if (!meta(incoming).path("name").asText().equals(t.name())) {
                throw ApiException.invalid(t.type(), t.name(), "metadata.name: Invalid value: the name cannot be changed");
            }
            return commit(t, current, incoming, r, dryRun);
        });
        return object(200, result, t);
    }

    private static void requireObject(JsonNode patch) {
        if (!patch.isObject()) {
            throw ApiException.badRequest("a merge patch must be a JSON object");
        }
    }

    private Response delete(Target t, Request r) {
        if (t.subresource() != null) {
            throw new ApiException(405, "MethodNotAllowed", "DELETE is not supported on a subresource");
        }
        JsonNode options = deleteOptions(r);
        boolean dryRun = r.param("dryRun") != null || options.path("dryRun").size() > 0;
        ObjectNode result = store.write(() -> deleteOne(t, t.name(), options, dryRun));
        return object(200, result, t);
    }

    private JsonNode deleteOptions(Request r) {
        if (r.body() == null || r.body().length == 0) {
            return mapper.createObjectNode();
        }
        try {
            JsonNode n = mapper.readTree(r.body());
            return n == null ? mapper.createObjectNode() : n;
        } catch (IOException e) {
            throw ApiException.badRequest("DeleteOptions are not valid JSON: " + e.getMessage());
        }
    }

    private ObjectNode deleteOne(Target t, String name, JsonNode options, boolean dryRun) {
        ResourceType type = t.type();
        Store.Obj old = store.get(type.key(), ns(t), name);
        if (old == null) {
            throw ApiException.notFound(type, name);
        }
        ObjectNode current = store.parse(old);
        JsonNode pre = options.path("preconditions");
        String uid = meta(current).path("uid").asText();
        if (pre.hasNonNull("uid") && !pre.get("uid").asText().equals(uid)) {
            throw ApiException.conflict(type, name, "Precondition failed: UID in precondition: " + pre.get("uid").asText()
                    + ", UID in object meta: " + uid);
        }
        if (pre.hasNonNull("resourceVersion") && !pre.get("resourceVersion").asText().equals(Long.toString(old.rv()))) {
            throw ApiException.conflict(type, name, "Precondition failed: ResourceVersion in precondition: "
                    + pre.get("resourceVersion").asText() + ", ResourceVersion in object meta: " + old.rv());
        }
        if (dryRun) {
            return current;
        }
        JsonNode finalizers = meta(current).path("finalizers");
        boolean waits = finalizers.isArray() && !finalizers.isEmpty();
        if (type.kind().equals("Namespace")) {
            return deleteNamespace(name, current);
        }
        if (waits) {
            if (meta(current).has("deletionTimestamp")) {
                return current; // already waiting for its finalizers
            }
            meta(current).put("deletionTimestamp", now());
            meta(current).put("deletionGracePeriodSeconds", 0);
            return store.parse(store.put(type.key(), ns(t), name, current));
        }
        Store.Obj gone = store.delete(type.key(), ns(t), name);
        afterDelete(type, ns(t), name);
        return store.parse(gone);
    }

    /**
     * Namespace deletion as the namespace controller does it: the namespace turns Terminating, its
     * content is deleted (objects with finalizers wait), and it goes away once empty.
     */
    private ObjectNode deleteNamespace(String name, ObjectNode current) {
        if (!meta(current).has("deletionTimestamp")) {
            meta(current).put("deletionTimestamp", now());
            meta(current).put("deletionGracePeriodSeconds", 0);
            ((ObjectNode) current.with("status")).put("phase", "Terminating");
            current = store.parse(store.put("namespaces", "", name, current));
        }
        for (ResourceType rt : List.copyOf(registry.all())) {
            if (!rt.namespaced()) {
                continue;
            }
            List<Store.Obj> inside = new ArrayList<>();
            store.list(rt.key(), name, LabelSelector.EVERYTHING, null).forEachRemaining(inside::add);
            for (Store.Obj o : inside) {
                ObjectNode n = store.parse(o);
                JsonNode f = meta(n).path("finalizers");
                if (f.isArray() && !f.isEmpty()) {
                    if (!meta(n).has("deletionTimestamp")) {
                        meta(n).put("deletionTimestamp", now());
                        meta(n).put("deletionGracePeriodSeconds", 0);
                        store.put(rt.key(), name, o.name(), n);
                    }
                } else {
                    store.delete(rt.key(), name, o.name());
                }
            }
        }
        ObjectNode finished = finishNamespace(name);
        return finished != null ? finished : current;
    }

    private ObjectNode finishNamespace(String name) {
        Store.Obj nsObj = store.get("namespaces", "", name);
        if (nsObj == null) {
            return null;
        }
        ObjectNode ns = store.parse(nsObj);
        if (!meta(ns).has("deletionTimestamp")) {
            return null;
        }
        JsonNode f = meta(ns).path("finalizers");
        if (f.isArray() && !f.isEmpty()) {
            return null;
        }
        for (ResourceType rt : registry.all()) {
            if (rt.namespaced() && store.list(rt.key(), name, LabelSelector.EVERYTHING, null).hasNext()) {
                return null;
            }
        }
        return store.parse(store.delete("namespaces", "", name));
    }

    private void afterDelete(ResourceType type, String namespace, String name) {
        if (type.key().equals(ResourceRegistry.CRD_KEY)) {
            ResourceType served = registry.byKey(name).orElse(null);
            if (served != null && served.custom()) {
                List<Store.Obj> all = new ArrayList<>();
                store.list(served.key(), null, LabelSelector.EVERYTHING, null).forEachRemaining(all::add);
                all.forEach(o -> store.delete(served.key(), o.namespace(), o.name()));
                registry.removeCustom(served.key());
                LOG.info("event=crd.removed resource={} objects={}", served.key(), all.size());
            }
        }
        if (type.namespaced()) {
            finishNamespace(namespace);
        }
    }

    private Response deleteCollection(Target t, Request r) {
        LabelSelector labels = parseLabels(r.param("labelSelector"));
        FieldSelector fields = parseFields(r.param("fieldSelector"));
        JsonNode options = deleteOptions(r);
        boolean dryRun = r.param("dryRun") != null;
        List<ObjectNode> deleted = store.write(() -> {
            List<Store.Obj> matching = new ArrayList<>();
            store.list(t.type().key(), t.type().namespaced() ? t.namespace() : "", labels, null).forEachRemaining(o -> {
                if (fields.isEmpty() || fields.matches(store.parse(o))) {
                    matching.add(o);
                }
            });
            List<ObjectNode> out = new ArrayList<>();
            for (Store.Obj o : matching) {
                Target one = new Target(t.type(), t.version(), o.namespace(), o.name(), null);
                out.add(deleteOne(one, o.name(), options, dryRun));
            }
            return out;
        });
        ObjectNode list = mapper.createObjectNode();
        list.put("apiVersion", t.apiVersion());
        list.put("kind", t.type().listKind());
        list.putObject("metadata").put("resourceVersion", Long.toString(store.resourceVersion()));
        ArrayNode items = list.putArray("items");
        deleted.forEach(items::add);
        return json(200, list);
    }

    // ------------------------------------------------------------------ watch

    /** A running watch; closing it unregisters from the store. */
    public interface WatchHandle extends AutoCloseable {
        void bookmark();

        @Override
        void close();
    }

    /**
     * Starts a watch for {@code r}: events go to {@code sink} as one JSON line each. Throws
     * {@link ApiException} for a bad request; a resourceVersion that is too old produces a single
     * ERROR event (410 Expired) and {@code onEnd} — which is what makes clients relist.
     */
    public WatchHandle watch(Request r, Consumer<String> sink, Runnable onEnd) {
        String path = r.path();
        String[] seg = path.substring(1).split("/");
        boolean core = seg[0].equals("api");
        if (!core && !seg[0].equals("apis") || seg.length < (core ? 3 : 4)) {
            throw notFoundPath(path);
        }
        Target t = target(core ? "" : seg[1], core ? seg[1] : seg[2], seg, core ? 2 : 3, path);
        LabelSelector labels = parseLabels(r.param("labelSelector"));
        FieldSelector fields = parseFields(r.param("fieldSelector"));
        if (t.name() != null) {
            fields = parseFields("metadata.name=" + t.name() + (r.param("fieldSelector") == null ? "" : "," + r.param("fieldSelector")));
        }
        String rvParam = r.param("resourceVersion");
        Long from = null;
        if (rvParam != null && !rvParam.isEmpty() && !rvParam.equals("0")) {
            from = parseLong(rvParam, "resourceVersion", 0);
        }
        boolean initialEventsEnd = r.flag("sendInitialEvents") && from == null;
        String namespace = t.type().namespaced() ? t.namespace() : null;
        FieldSelector f = fields;
        Consumer<Store.Event> filter = e -> {
            if (e.type().equals("BOOKMARK")) {
                sink.accept(bookmarkLine(t, e.rv(), false));
                return;
            }
            if (namespace != null && !namespace.equals(e.newObj().namespace())) {
                return;
            }
            boolean nowMatches = matches(e.newObj(), labels, f);
            boolean before = e.oldObj() != null && matches(e.oldObj(), labels, f);
            String type = e.type();
            if (type.equals("MODIFIED")) {
                if (!nowMatches && !before) {
                    return;
                }
                type = !before ? "ADDED" : !nowMatches ? "DELETED" : "MODIFIED";
            } else if (type.equals("DELETED") ? !before && !nowMatches : !nowMatches) {
                return;
            }
            sink.accept("{\"type\":\"" + type + "\",\"object\":" + new String(served(e.newObj(), t), StandardCharsets.UTF_8) + "}");
        };
        Store.Registration reg;
        try {
            reg = store.watch(t.type().key(), from, filter);
        } catch (Store.GoneException e) {
            ObjectNode status = new ApiException(410, "Expired", e.getMessage()).toStatus();
            sink.accept("{\"type\":\"ERROR\",\"object\":" + status + "}");
            onEnd.run();
            return new WatchHandle() {
                @Override
                public void bookmark() {
                }

                @Override
                public void close() {
                }
            };
        }
        if (initialEventsEnd) {
            sink.accept(bookmarkLine(t, store.resourceVersion(), true));
        }
        Store.Registration registration = reg;
        return new WatchHandle() {
            @Override
            public void bookmark() {
                registration.bookmark();
            }

            @Override
            public void close() {
                registration.close();
            }
        };
    }

    private String bookmarkLine(Target t, long rv, boolean initialEventsEnd) {
        return "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":" + quote(t.type().kind()) + ",\"apiVersion\":" + quote(t.apiVersion())
                + ",\"metadata\":{\"resourceVersion\":\"" + rv + "\""
                + (initialEventsEnd ? ",\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}" : "") + "}}}";
    }

    private boolean matches(Store.Obj o, LabelSelector labels, FieldSelector fields) {
        return labels.matches(o.labels()) && (fields.isEmpty() || fields.matches(store.parse(o)));
    }

    // ------------------------------------------------------------------ helpers

    private Response object(int code, ObjectNode o, Target t) {
        if (!t.version().equals(t.type().preferredVersion())) {
            o.put("apiVersion", t.apiVersion());
        }
        return json(code, o);
    }

    private Response json(int code, JsonNode n) {
        return new Response(code, "application/json", bytes(n));
    }

    private byte[] bytes(JsonNode n) {
        try {
            return mapper.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
