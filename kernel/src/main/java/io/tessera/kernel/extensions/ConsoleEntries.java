package io.tessera.kernel.extensions;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The console's view of the running extensions (docs/extension-api.md): the list, a
 * server-sent-events stream of it, and the extensions' console assets under {@code /dist}.
 */
final class ConsoleEntries {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long KEEPALIVE_MILLIS = 15_000;
    private static final int COMMIT_PADDING = 8 * 1024 + 1;

    private final ExtensionRuntime runtime;
    private final AtomicLong resourceVersion = new AtomicLong(1);
    private final Object signal = new Object();
    private volatile boolean closed;
    private volatile Integrations integrations;

    ConsoleEntries(ExtensionRuntime runtime) {
        this.runtime = runtime;
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

    /** Mounted at /kapis/extensions.tessera.io/v1alpha1. */
    @Path("consoleentries")
    public final class Api {
        @GET
        @Produces(MediaType.APPLICATION_JSON)
        public Map<String, Object> list() {
            return snapshot();
        }

        @GET
        @Path("watch")
        @Produces("text/event-stream")
        public Response watch() {
            StreamingOutput stream = out -> {
                // Jersey holds a response in an 8 KiB buffer (OUTBOUND_CONTENT_LENGTH_BUFFER) and its
                // flush() does not send an uncommitted one, so small events would wait for hours. One
                // comment line (ignored by SSE readers) larger than the buffer commits the stream; from
                // then on every flush() reaches the client.
                write(out, ":" + " ".repeat(COMMIT_PADDING) + "\n\n");
                long sent = -1;
                while (!closed) {
                    long rv;
                    synchronized (signal) {
                        rv = resourceVersion.get();
                        if (rv == sent) {
                            try {
                                signal.wait(KEEPALIVE_MILLIS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return;
                            }
                            rv = resourceVersion.get();
                        }
                    }
                    if (rv == sent) {
                        write(out, ": keepalive\n\n");
                    } else {
                        Map<String, Object> snap = snapshot();
                        sent = Long.parseLong((String) snap.get("resourceVersion"));
                        write(out, "event: entries\nid: " + sent + "\ndata: " + JSON.writeValueAsString(snap) + "\n\n");
                    }
                }
            };
            return Response.ok(stream, "text/event-stream").header("Cache-Control", "no-cache").build();
        }

        private static void write(OutputStream out, String s) throws IOException {
            out.write(s.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    /** Mounted at /dist: an in-process extension's console assets ({@code console/} in its package). */
    @Path("{extension}/{file: .+}")
    public final class Dist {
        @GET
        public Response asset(@PathParam("extension") String extension, @PathParam("file") String file) throws IOException {
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

        private Response notFound(String message) {
            Map<String, Object> status = new LinkedHashMap<>();
            status.put("kind", "Status");
            status.put("apiVersion", "v1");
            status.put("metadata", Map.of());
            status.put("status", "Failure");
            status.put("message", message);
            status.put("reason", "NotFound");
            status.put("code", 404);
            return Response.status(404).type(MediaType.APPLICATION_JSON).entity(status).build();
        }
    }
}
