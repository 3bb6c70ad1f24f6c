package io.tessera.kernel.kubeproxy;

import io.tessera.kernel.http.Status;
import io.tessera.kernel.routing.RequestInfo;
import io.tessera.kernel.security.UserInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.FutureCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upgraded connections (exec, attach, port-forward; WebSocket or SPDY — both are an HTTP/1.1
 * {@code Upgrade}): the upgrade request is sent to the API server over a socket of its own, with the
 * platform's credentials and impersonation; when it answers {@code 101} that answer is relayed and
 * both connections become a plain byte tunnel, so the protocol on top is not this code's business.
 * Any other answer (403, 400 …) is relayed as an ordinary response.
 */
final class UpgradeTunnel {

    private static final Logger LOG = LoggerFactory.getLogger(UpgradeTunnel.class);
    private static final int MAX_HEAD = 64 * 1024;

    private UpgradeTunnel() {
    }

    static boolean isUpgrade(Request request) {
        String upgrade = request.getHeaders().get(HttpHeader.UPGRADE);
        String connection = request.getHeaders().get(HttpHeader.CONNECTION);
        // "h2c" is a client offering HTTP/2 for this hop (the JDK client does), not a tunnel request
        return upgrade != null && !upgrade.isBlank() && !upgrade.trim().equalsIgnoreCase("h2c") && connection != null
                && connection.toLowerCase(Locale.ROOT).contains("upgrade");
    }

    static void open(Request request, Response response, Callback callback, Upstream up, UserInfo user, RequestInfo info) {
        URI target = up.resolve(info.path(), request.getHttpURI().getQuery());
        Socket socket = null;
        try {
            socket = connect(up, target);
            OutputStream toUpstream = socket.getOutputStream();
            toUpstream.write(requestHead(request, target, up, user).getBytes(StandardCharsets.ISO_8859_1));
            toUpstream.flush();
            InputStream fromUpstream = socket.getInputStream();
            Head head = readHead(fromUpstream);
            response.setStatus(head.status);
            for (String[] h : head.headers) {
                String n = h[0].toLowerCase(Locale.ROOT);
                if (head.status == 101 ? !n.equals("content-length") : (!KubeProxy.HOP_BY_HOP.contains(n) || n.equals("content-length"))) {
                    response.getHeaders().add(h[0], h[1]);
                }
            }
            if (head.status != 101) {
                // a refusal: relay its body (a Status, usually) and close the socket
                byte[] body = head.contentLength >= 0 ? fromUpstream.readNBytes((int) Math.min(head.contentLength, KubeProxy.MAX_BODY))
                        : fromUpstream.readNBytes(KubeProxy.MAX_BODY);
                socket.close();
                response.write(true, ByteBuffer.wrap(body), callback);
                return;
            }
            EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
            Tunnel tunnel = new Tunnel(endPoint, request.getComponents().getExecutor(), socket, info.path());
            // Jetty swaps the connection's protocol once this 101 has been written
            request.setAttribute(HttpStream.UPGRADE_CONNECTION_ATTRIBUTE, tunnel);
            LOG.debug("event=kubeproxy.upgrade path={} user={}", info.path(), user.name());
            response.write(true, null, callback);
        } catch (IOException e) {
            closeQuietly(socket);
            LOG.warn("event=kubeproxy.upgrade.failed upstream={} path={} error={}", up.base(), info.path(), e.toString());
            new Status(503, "ServiceUnavailable", "the upgrade to the Kubernetes API at " + up.base() + " failed: "
                    + e.getClass().getSimpleName()).write(response, callback);
        }
    }

    private static Socket connect(Upstream up, URI target) throws IOException {
        boolean tls = "https".equalsIgnoreCase(target.getScheme());
        int port = target.getPort() > 0 ? target.getPort() : tls ? 443 : 80;
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress(target.getHost(), port), 10_000);
        plain.setTcpNoDelay(true);
        if (!tls) {
            return plain;
        }
        SSLSocket s = (SSLSocket) up.tls().getSocketFactory().createSocket(plain, target.getHost(), port, true);
        javax.net.ssl.SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        s.setSSLParameters(p);
        s.startHandshake();
        return s;
    }

    private static String requestHead(Request request, URI target, Upstream up, UserInfo user) {
        StringBuilder b = new StringBuilder();
        b.append(request.getMethod()).append(' ').append(target.getRawPath());
        if (target.getRawQuery() != null) {
            b.append('?').append(target.getRawQuery());
        }
        b.append(" HTTP/1.1\r\n");
        b.append("Host: ").append(target.getHost()).append(target.getPort() > 0 ? ":" + target.getPort() : "").append("\r\n");
        for (HttpField f : request.getHeaders()) {
            String n = f.getName().toLowerCase(Locale.ROOT);
            // the upgrade's own headers go through; other hop-by-hop ones and credentials do not
            if (n.equals("upgrade") || n.equals("connection") || KubeProxy.forwardable(f.getName())) {
                b.append(f.getName()).append(": ").append(f.getValue()).append("\r\n");
            }
        }
        for (Map.Entry<String, String> h : KubeProxy.credentialHeaders(up, user)) {
            b.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        return b.append("\r\n").toString();
    }

    private record Head(int status, List<String[]> headers, long contentLength) {
    }

    /** Reads the status line and headers byte by byte, so no byte of the tunnel is consumed. */
    private static Head readHead(InputStream in) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("the API server closed the connection before answering the upgrade");
            }
            raw.write(c);
            if (raw.size() > MAX_HEAD) {
                throw new IOException("the API server's answer to the upgrade has too long a head");
            }
            state = (c == '\r' && (state == 0 || state == 2)) ? state + 1 : (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        String[] lines = raw.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2) {
            throw new IOException("malformed status line from the API server");
        }
        int status;
        try {
            status = Integer.parseInt(statusLine[1]);
        } catch (NumberFormatException e) {
            throw new IOException("malformed status line from the API server", e);
        }
        List<String[]> headers = new ArrayList<>();
        long length = -1;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                String name = lines[i].substring(0, colon).trim();
                String value = lines[i].substring(colon + 1).trim();
                headers.add(new String[] {name, value});
                if (name.equalsIgnoreCase("content-length")) {
                    try {
                        length = Long.parseLong(value);
                    } catch (NumberFormatException ignored) {
                        // relayed as-is; the body is then read until the socket closes
                    }
                }
            }
        }
        return new Head(status, headers, length);
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already failing
            }
        }
    }

    /**
     * The client's connection after the upgrade: bytes from the client are written to the upstream
     * socket as they arrive; a thread copies the upstream's bytes to the client. Either side closing
     * closes both.
     */
    static final class Tunnel extends AbstractConnection implements Connection.UpgradeTo {

        private final Socket upstream;
        private final String path;
        private ByteBuffer pending;

        Tunnel(EndPoint endPoint, java.util.concurrent.Executor executor, Socket upstream, String path) {
            super(endPoint, executor);
            this.upstream = upstream;
            this.path = path;
        }

        @Override
        public void onUpgradeTo(ByteBuffer buffer) {
            // bytes the client sent right after its upgrade request, already read by Jetty
            if (buffer != null && buffer.hasRemaining()) {
                pending = BufferUtil.copy(buffer);
            }
        }

        @Override
        public void onOpen() {
            super.onOpen();
            Thread pump = new Thread(this::upstreamToClient, "tessera-kubeproxy-tunnel");
            pump.setDaemon(true);
            pump.start();
            try {
                if (pending != null) {
                    write(pending);
                    pending = null;
                }
            } catch (IOException e) {
                close();
                return;
            }
            fillInterested();
        }

        @Override
        public void onFillable() {
            ByteBuffer buffer = BufferUtil.allocate(16 * 1024);
            try {
                while (true) {
                    BufferUtil.clear(buffer);
                    int n = getEndPoint().fill(buffer);
                    if (n > 0) {
                        write(buffer);
                    } else if (n == 0) {
                        fillInterested();
                        return;
                    } else {
                        upstream.shutdownOutput();
                        return;
                    }
                }
            } catch (IOException e) {
                LOG.debug("event=kubeproxy.tunnel.client.ended path={} error={}", path, e.toString());
                close();
            }
        }

        private void write(ByteBuffer buffer) throws IOException {
            OutputStream out = upstream.getOutputStream();
            out.write(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
            out.flush();
        }

        private void upstreamToClient() {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = upstream.getInputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    FutureCallback done = new FutureCallback();
                    getEndPoint().write(done, ByteBuffer.wrap(buf, 0, n));
                    done.get();
                    buf = new byte[16 * 1024];
                }
                getEndPoint().shutdownOutput();
            } catch (Exception e) {
                LOG.debug("event=kubeproxy.tunnel.upstream.ended path={} error={}", path, e.toString());
            } finally {
                close();
            }
        }

        @Override
        public void onClose(Throwable cause) {
            super.onClose(cause);
            closeQuietly(upstream);
        }
    }
}
