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

    /** KubeSphere's wording: who cannot do what, where; then why. Kubernetes requests get Kubernetes' own. */
    static String forbiddenMessage(UserInfo user, RequestInfo info, String reason) {
        if (info.kubernetesRequest() || info.path().equals("/api") || info.path().startsWith("/api/")
                || info.path().equals("/apis") || info.path().startsWith("/apis/")) {
            return kubernetesForbiddenMessage(user, info);
        }
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

    /**
     * Exactly what a Kubernetes API server says, so kubectl users read the familiar line:
     * {@code configmaps "x" is forbidden: User "bob" cannot get resource "configmaps" in API group "" in the namespace "p1"}.
     */
    static String kubernetesForbiddenMessage(UserInfo user, RequestInfo info) {
        StringBuilder m = new StringBuilder();
        if (info.resourceRequest()) {
            String resource = info.subresource().isEmpty() ? info.resource() : info.resource() + "/" + info.subresource();
            // the subject names the resource without its subresource, as Kubernetes' NewForbidden
            String qualified = info.apiGroup().isEmpty() ? info.resource() : info.resource() + "." + info.apiGroup();
            m.append(qualified);
            if (!info.name().isEmpty()) {
                m.append(" \"").append(info.name()).append('"');
            }
            m.append(" is forbidden: User \"").append(user.name()).append("\" cannot ").append(info.verb())
                    .append(" resource \"").append(resource).append("\" in API group \"").append(info.apiGroup()).append('"');
            if (!info.namespace().isEmpty()) {
                m.append(" in the namespace \"").append(info.namespace()).append('"');
            } else {
                m.append(" at the cluster scope");
            }
        } else {
            m.append("forbidden: User \"").append(user.name()).append("\" cannot ").append(info.verb().toLowerCase(java.util.Locale.ROOT))
                    .append(" path \"").append(info.path()).append('"');
        }
        return m.toString();
    }
}
