package io.tessera.kernel.spi;

/**
 * Names of the servlet request attributes the chain sets before a JAX-RS resource runs; read
 * them through {@code @Context HttpServletRequest} or {@code ContainerRequestContext#getProperty}.
 */
public final class RequestAttributes {

    /** The authenticated {@link io.tessera.kernel.security.UserInfo}. */
    public static final String USER = "tessera.user";

    /** The parsed {@link io.tessera.kernel.routing.RequestInfo}. */
    public static final String REQUEST_INFO = "tessera.requestInfo";

    /** A unique id for the request, also sent back in the {@code X-Request-Id} response header. */
    public static final String REQUEST_ID = "tessera.requestId";

    private RequestAttributes() {
    }
}
