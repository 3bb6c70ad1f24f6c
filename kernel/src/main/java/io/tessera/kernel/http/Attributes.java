package io.tessera.kernel.http;

import io.tessera.kernel.routing.RequestInfo;
import io.tessera.kernel.security.UserInfo;
import io.tessera.kernel.spi.RequestAttributes;
import org.eclipse.jetty.server.Request;

/** Typed access to the request attributes the chain sets. */
final class Attributes {

    /** A bounded label naming what served the request, for metrics. */
    static final String ROUTE = "tessera.route";

    private Attributes() {
    }

    static RequestInfo info(Request request) {
        return (RequestInfo) request.getAttribute(RequestAttributes.REQUEST_INFO);
    }

    static UserInfo user(Request request) {
        Object user = request.getAttribute(RequestAttributes.USER);
        return user instanceof UserInfo u ? u : UserInfo.ANONYMOUS;
    }

    static String requestId(Request request) {
        Object id = request.getAttribute(RequestAttributes.REQUEST_ID);
        return id == null ? "" : id.toString();
    }

    static String route(Request request) {
        Object route = request.getAttribute(ROUTE);
        return route == null ? "none" : route.toString();
    }
}
