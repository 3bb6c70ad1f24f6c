package io.tessera.kernel.http;

import io.tessera.kernel.routing.RequestInfo;
import io.tessera.kernel.security.Authorizer;
import io.tessera.kernel.security.UserInfo;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Public paths pass; everything else is up to the authorizer. A denied anonymous caller gets 401
 * (with a challenge, so a client knows to log in); a denied known caller gets 403.
 */
final class AuthorizationStage extends Handler.Wrapper {

    private static final Logger LOG = LoggerFactory.getLogger(AuthorizationStage.class);

    private final Security security;

    AuthorizationStage(Security security, Handler next) {
        super(next);
        this.security = security;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        RequestInfo info = Attributes.info(request);
        if (security.publicPaths().matches(request.getMethod(), info.path())) {
            return super.handle(request, response, callback);
        }
        UserInfo user = Attributes.user(request);
        Authorizer.Decision decision;
        try {
            decision = security.authorizer().authorize(user, info);
        } catch (RuntimeException e) {
            LOG.warn("event=authz.error requestId={} user={} error={}", Attributes.requestId(request), user.name(), e.toString());
            decision = Authorizer.Decision.deny("the authorizer failed");
        }
        if (decision.allowed()) {
            return super.handle(request, response, callback);
        }
        if (user.anonymous()) {
            AuthenticationStage.unauthorized(request, response, callback, "Unauthorized");
            return true;
        }
        Status.forbidden(forbiddenMessage(user, info, decision.reason())).write(response, callback);
        return true;
    }

    /** KubeSphere's wording: who cannot do what, where; then why. */
    static String forbiddenMessage(UserInfo user, RequestInfo info, String reason) {
        StringBuilder m = new StringBuilder("forbidden: user \"").append(user.name()).append("\" cannot ");
        if (info.resourceRequest()) {
            m.append(info.verb()).append(" resource \"").append(info.resource());
            if (!info.subresource().isEmpty()) {
                m.append('/').append(info.subresource());
            }
            m.append("\" in API group \"").append(info.apiGroup()).append('"');
            if (!info.name().isEmpty()) {
                m.append(" name \"").append(info.name()).append('"');
            }
            switch (info.scope()) {
                case NAMESPACE -> m.append(" in the namespace \"").append(info.namespace()).append('"');
                case WORKSPACE -> m.append(" in the workspace \"").append(info.workspace()).append('"');
                case GLOBAL -> m.append(" at the global scope");
                default -> m.append(" at the cluster scope");
            }
        } else {
            m.append(info.verb()).append(" path \"").append(info.path()).append('"');
        }
        if (reason != null && !reason.isEmpty()) {
            m.append(": ").append(reason);
        }
        return m.toString();
    }
}
