package io.tessera.console;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;

/**
 * Serves the console's files from the classpath: {@code /} is the page, {@code /console-assets/…}
 * its modules and styles. Views are hash routes ({@code /#/…}), so no other path needs the page.
 */
@Path("/")
public final class StaticFiles {

    /** Under a name of its own so it never shadows an API prefix the platform may add later. */
    static final String ASSETS = "/console-assets";
    private static final String ROOT = "io/tessera/console/static/";
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "json", "application/json");

    private static final String PREACT = "META-INF/resources/webjars/preact/" + version("preact.version") + "/";
    /** The page's inline import map is the only inline script; the policy allows it by its hash. */
    private static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' "
            + importMapHash();

    @GET
    public Response page() throws IOException {
        // The page is tiny and names the module versions it loads: never cached.
        return file(ROOT + "index.html").header("Cache-Control", "no-cache").build();
    }

    /** Preact (module builds only) for the extension page host; the import map points here. */
    @GET
    @Path("console-assets/vendor/preact/{file: (?:dist/preact|hooks/dist/hooks)\\.module\\.js}")
    public Response preact(@PathParam("file") String file) throws IOException {
        return file(PREACT + file).header("Cache-Control", "public, max-age=86400").build();
    }

    @GET
    @Path("console-assets/{file: [A-Za-z0-9_\\-/]+\\.[a-z]+}")
    public Response asset(@PathParam("file") String file) throws IOException {
        if (file.contains("..") || file.startsWith("/")) {
            throw new NotFoundException();
        }
        return file(ROOT + file).header("Cache-Control", "no-cache").build();
    }

    private static Response.ResponseBuilder file(String name) throws IOException {
        String ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        String type = TYPES.get(ext);
        InputStream in = type == null ? null : StaticFiles.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new NotFoundException("the server could not find the requested resource");
        }
        byte[] body;
        try (in) {
            body = in.readAllBytes();
        }
        return Response.ok(body, type)
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", CSP);
    }

    private static byte[] resource(String name) {
        try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing console resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String version(String key) {
        java.util.Properties p = new java.util.Properties();
        try {
            p.load(new java.io.ByteArrayInputStream(resource("io/tessera/console/console.properties")));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return p.getProperty(key);
    }

    private static String importMapHash() {
        String page = new String(resource(ROOT + "index.html"), java.nio.charset.StandardCharsets.UTF_8);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<script type=\"importmap\">(.*?)</script>", java.util.regex.Pattern.DOTALL)
                .matcher(page);
        if (!m.find()) {
            return "";
        }
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(m.group(1).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "'sha256-" + java.util.Base64.getEncoder().encodeToString(digest) + "'";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
