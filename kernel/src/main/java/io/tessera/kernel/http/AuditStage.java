package io.tessera.kernel.http;

import io.tessera.kernel.audit.AuditBus;
import io.tessera.kernel.audit.AuditEvent;
import io.tessera.kernel.routing.RequestInfo;
import io.tessera.kernel.security.UserInfo;
import java.time.Instant;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Publishes one {@link AuditEvent} per authorized request when it completes; never a body. */
final class AuditStage extends Handler.Wrapper {

    private final AuditBus bus;

    AuditStage(AuditBus bus, Handler next) {
        super(next);
        this.bus = bus;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!bus.hasSubscribers()) {
            return super.handle(request, response, callback);
        }
        Instant received = Instant.ofEpochMilli(Request.getTimeStamp(request));
        Request.addCompletionListener(request, failure -> bus.publish(event(request, response, received)));
        return super.handle(request, response, callback);
    }

    private static AuditEvent event(Request request, Response response, Instant received) {
        RequestInfo info = Attributes.info(request);
        UserInfo user = Attributes.user(request);
        return new AuditEvent(Attributes.requestId(request), received, Instant.now(), user.name(), user.groups(),
                Request.getRemoteAddr(request), request.getHeaders().get(HttpHeader.USER_AGENT),
                request.getMethod(), info.path(), info.verb(), info.apiGroup(), info.apiVersion(),
                info.resource(), info.subresource(), info.name(), info.workspace(), info.namespace(),
                info.cluster(), response.getStatus());
    }
}
