package io.tessera.kernel.http;

import io.tessera.kernel.routing.RequestInfo;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code /clusters/{c}/...} (and the legacy {@code /kapis/clusters/{c}/...}): the host cluster is
 * served here with the prefix stripped; runs before authorization, as in KubeSphere, because a
 * member cluster authorizes its own requests. Member clusters are not supported yet, so any other
 * name is unknown.
 */
final class ClusterDispatchStage extends Handler.Wrapper {

    /** KubeSphere accepts this name for the host cluster whatever the host is called. */
    static final String HOST_ALIAS = "host";

    private final String hostClusterName;

    ClusterDispatchStage(String hostClusterName, Handler next) {
        super(next);
        this.hostClusterName = hostClusterName;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        RequestInfo info = Attributes.info(request);
        if (info.cluster().isEmpty()) {
            return super.handle(request, response, callback);
        }
        if (!isHost(info.cluster())) {
            Status.badRequest("cluster " + info.cluster() + " not exists").write(response, callback);
            return true;
        }
        HttpURI local = HttpURI.build(request.getHttpURI()).path(encodePath(info.path()));
        return super.handle(Request.serveAs(request, local), response, callback);
    }

    boolean isHost(String cluster) {
        return cluster.equals(hostClusterName) || cluster.equals(HOST_ALIAS);
    }

    /** Re-encodes a decoded path (segments keep their slashes) for a new URI. */
    private static String encodePath(String decoded) {
        return org.eclipse.jetty.util.URIUtil.encodePath(decoded);
    }
}
