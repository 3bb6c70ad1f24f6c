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

    @GET
    public Response page() throws IOException {
        // The page is tiny and names the module versions it loads: never cached.
        return file("index.html").header("Cache-Control", "no-cache").build();
    }

    @GET
    @Path("console-assets/{file: [A-Za-z0-9_\\-/]+\\.[a-z]+}")
    public Response asset(@PathParam("file") String file) throws IOException {
        if (file.contains("..") || file.startsWith("/")) {
            throw new NotFoundException();
        }
        return file(file).header("Cache-Control", "no-cache").build();
    }

    private static Response.ResponseBuilder file(String name) throws IOException {
        String ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        String type = TYPES.get(ext);
        InputStream in = type == null ? null : StaticFiles.class.getClassLoader().getResourceAsStream(ROOT + name);
        if (in == null) {
            throw new NotFoundException("the server could not find the requested resource");
        }
        byte[] body;
        try (in) {
            body = in.readAllBytes();
        }
        return Response.ok(body, type)
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'");
    }
}
