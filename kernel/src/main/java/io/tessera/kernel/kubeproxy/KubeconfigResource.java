package io.tessera.kernel.kubeproxy;

import io.tessera.kernel.config.KernelConfig;
import io.tessera.kernel.security.UserInfo;
import io.tessera.kernel.spi.RequestAttributes;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Locale;

/**
 * {@code GET /kapis/resources.kubesphere.io/v1alpha2/users/{user}/kubeconfig} (KubeSphere's path):
 * a kubeconfig for the caller, pointing at this platform's {@code /clusters/{host}} with the bearer
 * token the caller used. Only one's own: the platform cannot hand out someone else's token.
 * Errors are plain text, as KubeSphere's kapis.
 */
@Path("users/{user}/kubeconfig")
public final class KubeconfigResource {

    private final KernelConfig config;
    private final URI httpsUri;
    private final String trustAnchorPem;

    /**
     * @param httpsUri the HTTPS listener, or null
     * @param trustAnchorPem the certificate kubectl must trust to reach it (the top of the
     *        serving chain), or null without HTTPS
     */
    public KubeconfigResource(KernelConfig config, URI httpsUri, String trustAnchorPem) {
        this.config = config;
        this.httpsUri = httpsUri;
        this.trustAnchorPem = trustAnchorPem;
    }

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public Response kubeconfig(@PathParam("user") String user, @Context HttpServletRequest request) {
        Object u = request.getAttribute(RequestAttributes.USER);
        UserInfo caller = u instanceof UserInfo info ? info : UserInfo.ANONYMOUS;
        if (!caller.name().equals(user)) {
            return text(403, "a kubeconfig can only be requested for oneself; user \"" + caller.name() + "\" asked for \"" + user + "\"");
        }
        String authorization = request.getHeader("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return text(400, "sign in with a token (POST /oauth/token) to get a kubeconfig: it carries the token you used");
        }
        String token = authorization.substring(7).trim();
        String server = serverFor(request) + "/clusters/" + config.hostClusterName();
        String ca = server.startsWith("https:") ? trustAnchorPem : null;
        return Response.ok(Kubeconfig.render(server, config.hostClusterName(), user, token, ca), MediaType.TEXT_PLAIN).build();
    }

    /**
     * The platform as the caller reached it; when that was plain HTTP and the kernel also serves
     * HTTPS, the HTTPS address on the same host, because kubectl sends no credentials without TLS.
     */
    private String serverFor(HttpServletRequest request) {
        String scheme = request.getScheme().toLowerCase(Locale.ROOT);
        String host = request.getServerName();
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        if (scheme.equals("http") && httpsUri != null) {
            return "https://" + host + ":" + httpsUri.getPort();
        }
        int port = request.getServerPort();
        boolean defaultPort = (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        return scheme + "://" + host + (defaultPort || port <= 0 ? "" : ":" + port);
    }

    private static Response text(int status, String message) {
        return Response.status(status).type(MediaType.TEXT_PLAIN).entity(message).build();
    }
}
