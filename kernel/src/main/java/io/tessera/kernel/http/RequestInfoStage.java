package io.tessera.kernel.http;

import io.tessera.kernel.routing.RequestInfo;
import io.tessera.kernel.routing.RequestInfoResolver;
import io.tessera.kernel.spi.RequestAttributes;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * First stage: header fix-ups, then the request is parsed once into a {@link RequestInfo} that
 * every later stage reads (KubeSphere's WithRequestInfo).
 */
final class RequestInfoStage extends Handler.Wrapper {

    static final String KUBESPHERE_AUTHORIZATION = "X-KubeSphere-Authorization";
    static final String REQUEST_ID_HEADER = "X-Request-Id";
    static final String KUBESPHERE_RAWQUERY = "X-KubeSphere-Rawquery";

    RequestInfoStage(Handler next) {
        super(next);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Request effective = request;
        // A host proxying to a member through the kube-apiserver service proxy loses the
        // Authorization header and sends it as X-KubeSphere-Authorization instead.
        String moved = request.getHeaders().get(KUBESPHERE_AUTHORIZATION);
        if (moved != null && !request.getHeaders().contains(HttpHeader.AUTHORIZATION)) {
            HttpFields fixed = HttpFields.build(request.getHeaders()).put(HttpHeader.AUTHORIZATION, moved);
            effective = new Request.Wrapper(request) {
                @Override
                public HttpFields getHeaders() {
                    return fixed;
                }
            };
        }
        effective = restoreQuery(effective);
        // UUID.randomUUID() draws from a shared SecureRandom, a lock on every request; an id
        // only needs to be unique, not unguessable
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String requestId = new UUID(random.nextLong(), random.nextLong()).toString();
        effective.setAttribute(RequestAttributes.REQUEST_ID, requestId);
        response.getHeaders().put(REQUEST_ID_HEADER, requestId);

        String path = Request.getPathInContext(effective);
        RequestInfo info = RequestInfoResolver.resolve(effective.getMethod(), path, effective.getHttpURI().getQuery());
        effective.setAttribute(RequestAttributes.REQUEST_INFO, info);
        return super.handle(effective, response, callback);
    }

    /**
     * KubeSphere's query fix-ups for requests that came through a member cluster's service proxy:
     * a websocket upgrade that lost its query string carries it in {@code X-KubeSphere-Rawquery},
     * and {@code dryRun} travels as {@code dryrun} (the proxy drops the former).
     */
    static Request restoreQuery(Request request) {
        String query = request.getHttpURI().getQuery();
        String raw = request.getHeaders().get(KUBESPHERE_RAWQUERY);
        if ((query == null || query.isEmpty()) && raw != null && !raw.isEmpty()
                && request.getHeaders().contains(HttpHeader.UPGRADE)) {
            query = raw;
        }
        String fixed = renameParameter(query, "dryrun", "dryRun");
        if (java.util.Objects.equals(fixed, request.getHttpURI().getQuery())) {
            return request;
        }
        return Request.serveAs(request, org.eclipse.jetty.http.HttpURI.build(request.getHttpURI()).query(fixed));
    }

    static String renameParameter(String query, String from, String to) {
        if (query == null || query.isEmpty()) {
            return query;
        }
        StringBuilder out = new StringBuilder();
        for (String pair : query.split("&", -1)) {
            if (out.length() > 0) {
                out.append('&');
            }
            if (pair.equals(from) || pair.startsWith(from + "=")) {
                out.append(to).append(pair.substring(from.length()));
            } else {
                out.append(pair);
            }
        }
        return out.toString();
    }
}
