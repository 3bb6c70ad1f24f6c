package io.tessera.kernel.extensions;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.kernel.routing.RequestInfo;
import io.tessera.kernel.routing.RequestInfoResolver;
import io.tessera.kernel.security.Authorizer;
import io.tessera.kernel.security.UserInfo;
import io.tessera.kernel.spi.RequestAttributes;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The console's view of the running extensions (docs/extension-api.md): the list, a
 * server-sent-events stream of it, and the extensions' console assets under {@code /dist}.
 */
final class ConsoleEntries {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long KEEPALIVE_MILLIS = 15_000;

    private final ExtensionRuntime runtime;
    private final Supplier<Authorizer> authorizer;
    private final AtomicLong resourceVersion = new AtomicLong(1);
    private final Object signal = new Object();
    private volatile boolean closed;
    private volatile Integrations integrations;

    ConsoleEntries(ExtensionRuntime runtime, Supplier<Authorizer> authorizer) {
        this.runtime = runtime;
        this.authorizer = authorizer;
    }

    /** Adds out-of-process extensions' JSBundles and ExtensionEntries to the list and to /dist. */
    void integrations(Integrations value) {
        this.integrations = value;
    }

    void changed() {
        resourceVersion.incrementAndGet();
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    void close() {
        closed = true;
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    /**
     * The list as {@code user} may see it: an entry that names the API calls its page makes
     * ({@code requires: ["GET /kapis/…"]}) is shown only if the kernel's authorizer allows every
     * one of them to this user; an extension left without visible entries is left out entirely.
     */
    @SuppressWarnings("unchecked")
    Map<String, Object> snapshot(UserInfo user) {
        Map<String, Object> all = snapshot();
        Authorizer authz = authorizer.get();
        List<Map<String, Object>> items = new ArrayList<>();
        for (Map<String, Object> item : (List<Map<String, Object>>) all.get("items")) {
            List<Map<String, Object>> entries = item.get("entries") instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
            List<Map<String, Object>> visible = entries.stream().filter(e -> allowed(e, user, authz)).toList();
            if (!entries.isEmpty() && visible.isEmpty()) {
                continue;
            }
            Map<String, Object> copy = new LinkedHashMap<>(item);
            copy.put("entries", visible);
            items.add(copy);
        }
        Map<String, Object> out = new LinkedHashMap<>(all);
        out.put("items", items);
        return out;
    }

    static boolean allowed(Map<String, Object> entry, UserInfo user, Authorizer authz) {
        if (!(entry.get("requires") instanceof List<?> requires)) {
            return true;
        }
        for (Object r : requires) {
            String[] call = String.valueOf(r).trim().split("\\s+", 2);
            if (call.length != 2) {
                return false; // validated at install; an ExtensionEntry object may still hold garbage: hide
            }
            String path = call[1].contains("?") ? call[1].substring(0, call[1].indexOf('?')) : call[1];
            String query = call[1].contains("?") ? call[1].substring(call[1].indexOf('?') + 1) : null;
            try {
                RequestInfo info = RequestInfoResolver.resolve(call[0], path, query);
                if (!authz.authorize(user, info).allowed()) {
                    return false;
                }
            } catch (RuntimeException e) {
                return false;
            }
        }
        return true;
    }

    Map<String, Object> snapshot() {
        List<Map<String, Object>> items = new ArrayList<>();
        runtime.all().values().stream().sorted(Comparator.comparing(r -> r.pkg().manifest().name())).forEach(r -> {
            ExtensionManifest m = r.pkg().manifest();
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("name", m.name());
            item.put("extensionName", m.name());
            item.put("version", m.version());
            item.put("link", m.consoleEntry() == null ? null : "/dist/" + m.name() + "/index.js");
            item.put("styleLink", null);
            item.put("entries", m.consoleEntries());
            items.add(item);
        });
        Integrations external = integrations;
        if (external != null) {
            for (Map<String, Object> item : external.consoleItems()) {
                boolean inProcess = items.stream().anyMatch(i -> i.get("extensionName").equals(item.get("extensionName")));
                if (!inProcess) {
                    items.add(item);
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("resourceVersion", Long.toString(resourceVersion.get()));
        out.put("items", items);
        return out;
    }

    /** The caller's entries as server-sent events: one on every change of what they see, keepalives between. */
    void watch(HttpServletRequest request, HttpServletResponse response) throws IOException {
        UserInfo user = Api.caller(request);
        // written to the servlet response directly: Jersey buffers an entity stream (to compute its
        // length) and would hold the events back
        response.setStatus(200);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        OutputStream out = response.getOutputStream();
        long seen = -1;
        Object sentItems = null;
        while (!closed) {
            long rv;
            synchronized (signal) {
                rv = resourceVersion.get();
                if (rv == seen) {
                    try {
                        signal.wait(KEEPALIVE_MILLIS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
            // evaluated per event and per keepalive for this caller: a change of the list or of
            // the caller's roles sends an event only if what this caller sees changed
            Map<String, Object> snap = snapshot(user);
            seen = Long.parseLong((String) snap.get("resourceVersion"));
            try {
                if (snap.get("items").equals(sentItems)) {
                    write(out, ": keepalive\n\n");
                } else {
                    sentItems = snap.get("items");
                    write(out, "event: entries\nid: " + seen + "\ndata: " + JSON.writeValueAsString(snap) + "\n\n");
                }
            } catch (IOException clientGone) {
                return; // the client closed the stream: the normal end of a watch, not an error
            }
        }
    }

    private static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Mounted at /kapis/extensions.tessera.io/v1alpha1. Static, as {@link Dist}. */
    @Path("consoleentries")
    public static final class Api {
        private final ConsoleEntries entries;

        public Api(ConsoleEntries entries) {
            this.entries = entries;
        }

        @GET
        @Produces(MediaType.APPLICATION_JSON)
        public Map<String, Object> list(@Context HttpServletRequest request) {
            return entries.snapshot(caller(request));
        }

        @GET
        @Path("watch")
        @Produces("text/event-stream")
        public void watch(@Context HttpServletRequest request, @Context HttpServletResponse response) throws IOException {
            entries.watch(request, response);
        }

        private static UserInfo caller(HttpServletRequest request) {
            // the authentication stage ran before (the route is not public); anonymous never gets here
            return request.getAttribute(RequestAttributes.USER) instanceof UserInfo u ? u : UserInfo.ANONYMOUS;
        }
    }

    /** An in-process extension's console asset, or an external extension's JSBundle. */
    Response asset(String extension, String file) throws IOException {
        var running = runtime.running(extension);
        Integrations external = integrations;
        if (running.isEmpty() && external != null) {
            byte[] js = external.jsBundle("/dist/" + extension + "/" + file);
            if (js != null) {
                return Response.ok(js, "application/javascript; charset=utf-8").build();
            }
        }
        if (running.isEmpty()) {
            return notFound("no extension " + extension + " is running");
        }
        ExtensionManifest m = running.get().pkg().manifest();
        String relative = file;
        if (file.equals("index.js") && m.consoleEntry() != null) {
            relative = m.consoleEntry().startsWith("console/") ? m.consoleEntry().substring("console/".length()) : m.consoleEntry();
        }
        byte[] body = running.get().pkg().consoleAsset(relative);
        if (body == null) {
            return notFound("extension " + extension + " has no console asset " + file);
        }
        String type = file.endsWith(".js") ? "application/javascript; charset=utf-8"
                : file.endsWith(".json") ? "application/json" : file.endsWith(".css") ? "text/css"
                : file.endsWith(".svg") ? "image/svg+xml" : "application/octet-stream";
        return Response.ok(body, type).build();
    }

    private static Response notFound(String message) {
        return Forwarder.status(404, "NotFound", message);
    }

    /**
     * Mounted at /dist: an in-process extension's console assets ({@code console/} in its package).
     * Static, as Jersey takes a non-static member class for one it cannot build and warns.
     */
    @Path("{extension}/{file: .+}")
    public static final class Dist {
        private final ConsoleEntries entries;

        public Dist(ConsoleEntries entries) {
            this.entries = entries;
        }

        @GET
        public Response asset(@PathParam("extension") String extension, @PathParam("file") String file) throws IOException {
            return entries.asset(extension, file);
        }
    }
}
