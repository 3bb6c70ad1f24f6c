package io.tessera.kernel.http;

import io.tessera.kernel.security.AuthenticationException;
import io.tessera.kernel.security.Authenticator;
import io.tessera.kernel.security.Credentials;
import io.tessera.kernel.security.UserInfo;
import io.tessera.kernel.spi.RequestAttributes;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recognises the caller. No {@code Authorization} header means anonymous (KubeSphere's anonymous
 * authenticator). Credentials an authenticator rejects are a 401, never a fall-back to anonymous;
 * credentials no authenticator recognises are a 401 too, except on public paths.
 */
final class AuthenticationStage extends Handler.Wrapper {

    private static final Logger LOG = LoggerFactory.getLogger(AuthenticationStage.class);
    static final String CHALLENGE = "Bearer realm=\"tessera\"";

    private final Security security;

    AuthenticationStage(Security security, Handler next) {
        super(next);
        this.security = security;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Credentials credentials = new Credentials(
                request.getHeaders().get(HttpHeader.AUTHORIZATION),
                Request.getRemoteAddr(request),
                request.getHeaders().get(HttpHeader.USER_AGENT));
        UserInfo user;
        if (!credentials.present()) {
            user = UserInfo.ANONYMOUS;
        } else {
            try {
                user = authenticate(credentials);
            } catch (AuthenticationException e) {
                unauthorized(request, response, callback, e.getMessage());
                return true;
            } catch (RuntimeException e) {
                LOG.warn("event=authn.error requestId={} error={}", Attributes.requestId(request), e.toString());
                unauthorized(request, response, callback, "authentication failed");
                return true;
            }
            if (user == null) {
                // No authenticator knows this kind of credentials. On a public path they are the
                // endpoint's own business (an OAuth client's Basic credentials at /oauth/token);
                // anywhere else they are refused.
                io.tessera.kernel.routing.RequestInfo info = Attributes.info(request);
                if (!security.publicPaths().matches(request.getMethod(), info.path())) {
                    unauthorized(request, response, callback, "the credentials are not recognised");
                    return true;
                }
                user = UserInfo.ANONYMOUS;
            }
        }
        request.setAttribute(RequestAttributes.USER, user);
        return super.handle(request, response, callback);
    }

    private UserInfo authenticate(Credentials credentials) throws AuthenticationException {
        for (Authenticator authenticator : security.authenticators()) {
            Optional<UserInfo> user = authenticator.authenticate(credentials);
            if (user.isPresent()) {
                return user.get();
            }
        }
        return null;
    }

    static void unauthorized(Request request, Response response, Callback callback, String message) {
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, CHALLENGE);
        Status.unauthorized(message).write(response, callback);
    }
}
