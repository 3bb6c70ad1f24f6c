package io.tessera.kernel.http;

import io.tessera.kernel.routing.RequestInfo;
import io.tessera.kernel.routing.RequestInfoResolver;
import io.tessera.kernel.spi.RequestAttributes;
import java.util.UUID;
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
        String requestId = UUID.randomUUID().toString();
        effective.setAttribute(RequestAttributes.REQUEST_ID, requestId);
        response.getHeaders().put(REQUEST_ID_HEADER, requestId);

        String path = Request.getPathInContext(effective);
        RequestInfo info = RequestInfoResolver.resolve(effective.getMethod(), path, effective.getHttpURI().getQuery());
        effective.setAttribute(RequestAttributes.REQUEST_INFO, info);
        return super.handle(effective, response, callback);
    }
}
